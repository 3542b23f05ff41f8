/**
 * The bridges between the two worlds: a loop future awaited from async code ({@link toPromise}), and a
 * Promise awaited from a generator task ({@link fromPromise}), which works only while the loop is driven
 * by the async driver. Decision 0009 explains why they are explicit functions rather than a `then` on
 * `Future`.
 *
 * @module
 */
import { CancelledError, type Coroutine, type EventLoop, type Future } from "@simloop/core";

/**
 * A Promise of `future`'s outcome: fulfilled with its result, rejected with its exception (which counts
 * as retrieved) or with a `CancelledError` when it is cancelled. It settles in the future's done
 * callback, so in async mode the code awaiting it resumes inside that callback's macrotask, as a
 * coroutine awaiting the future would resume in asyncio.
 *
 * @example
 * ```ts
 * await runAsync(async (loop) => {
 *   const task = loop.createTask(worker());
 *   return await toPromise(task);
 * });
 * ```
 */
export function toPromise<T>(future: Future<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    future.addDoneCallback((done) => {
      if (done.cancelled()) {
        reject(new CancelledError(done.cancelMessage));
        return;
      }
      const error = done.exception();
      if (error !== undefined) reject(error);
      else resolve(done.result());
    });
  });
}

/** The future each adopted thenable settles, for {@link fromPromise} to read the result from. */
const adopted = new WeakMap<object, Future<unknown>>();

/**
 * Awaits a Promise (any thenable) from a generator task: `const value = yield* fromPromise(promise)`.
 * In async mode the task waits on it and resumes in the callback after it settles (with its value, or
 * its rejection thrown at the `yield*`). Outside async mode, where nothing would run the promise's
 * continuations on virtual time, the task gets core's `BadYieldError` instead.
 *
 * @example
 * ```ts
 * function* worker(): Coroutine<string> {
 *   const body = yield* fromPromise(fetchSomething()); // fetchSomething uses the virtual setTimeout
 *   return body;
 * }
 * await runUntilCompleteAsync(loop, worker());
 * ```
 */
export function* fromPromise<T>(promise: PromiseLike<T>): Coroutine<T> {
  yield promise as never;
  // The task resumed without an exception, so the future its wait was adopted into holds the value.
  const future = adopted.get(promise);
  return (future === undefined ? undefined : future.result()) as T;
}

/**
 * @internal The driver's foreign-awaitable adapter for `loop`: a thenable becomes a future of the loop
 * settled from its outcome (later settlements of a future the task stopped waiting on are ignored).
 */
export function thenableAdapter(loop: EventLoop): (value: unknown) => Future<unknown> | null {
  return (value) => {
    const then = (value as { then?: unknown }).then;
    if (typeof then !== "function") return null;
    const future = loop.createFuture<unknown>("promise");
    const settle = (ok: boolean, outcome: unknown): void => {
      if (future.done() || loop.isClosed()) return;
      if (ok) future.setResult(outcome);
      else future.setException(outcome);
    };
    (then as (f: (v: unknown) => void, r: (e: unknown) => void) => unknown).call(
      value,
      (v) => settle(true, v),
      (e) => settle(false, e),
    );
    adopted.set(value as object, future);
    return future;
  };
}
