/**
 * `waitFor`: asyncio 3.11's `wait_for(aw, timeout)`.
 *
 * The awaitable is wrapped in a task (coroutines) and awaited through a private waiter that either its
 * done callback or a timer sets. On timeout the inner task is cancelled and *waited for* (its cleanup
 * runs to the end) before `TimeoutError` is raised; if it swallows the cancellation and returns, that
 * value is returned. `timeout <= 0` cancels at once, before the inner task ever runs. A `null` timeout
 * is a plain `yield*`, so a coroutine then runs inline, with no task. Cancelling the caller cancels the
 * inner task and waits for it too.
 *
 * @module
 */
import { TimeoutError, getRunningLoop, type Coroutine, type Future, isCancellation } from "@simloop/core";
import { ensureFuture } from "./ensure-future.ts";
import { cancelAndWait, releaseWaiter } from "./internal/cancel-and-wait.ts";
import { checkTimeout } from "./internal/validate.ts";

function timedOut(cause: unknown): TimeoutError {
  const error = new TimeoutError();
  Object.defineProperty(error, "cause", { value: cause, configurable: true, writable: true });
  return error;
}

/**
 * Awaits `aw` for at most `timeout` units of virtual time: `const v = yield* waitFor(fetch(), 5)`.
 * @throws {@link TimeoutError} when the timeout passes first (the inner task has then finished its
 * cancellation); whatever `aw` throws; {@link ArgumentError} for a non-finite timeout.
 *
 * @example
 * ```ts
 * try { yield* waitFor(sleep(10), 1); } catch (e) { if (e instanceof TimeoutError) log(loop.time()); else throw e; } // 1
 * ```
 */
export function* waitFor<T>(aw: Future<T> | Coroutine<T>, timeout: number | null): Coroutine<T> {
  const loop = getRunningLoop();
  const limit = checkTimeout("timeout", timeout);
  if (limit === null) return yield* aw;

  if (limit <= 0) {
    const fut = ensureFuture(aw, loop);
    if (fut.done()) return fut.result();
    yield* cancelAndWait(fut, loop);
    try {
      return fut.result();
    } catch (error) {
      if (isCancellation(error)) throw timedOut(error);
      throw error;
    }
  }

  const waiter = loop.createFuture<undefined>("waitFor");
  const timeoutHandle = loop.callLater(limit, releaseWaiter, waiter);
  const cb = (): void => releaseWaiter(waiter);
  const fut: Future<T> = ensureFuture(aw, loop);
  fut.addDoneCallback(cb);
  try {
    try {
      yield* waiter;
    } catch (error) {
      if (isCancellation(error)) {
        if (fut.done()) return fut.result();
        fut.removeDoneCallback(cb);
        yield* cancelAndWait(fut, loop);
      }
      throw error;
    }
    if (fut.done()) return fut.result();
    fut.removeDoneCallback(cb);
    yield* cancelAndWait(fut, loop);
    try {
      return fut.result();
    } catch (error) {
      if (isCancellation(error)) throw timedOut(error);
      throw error;
    }
  } finally {
    timeoutHandle.cancel();
  }
}
