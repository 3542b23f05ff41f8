/**
 * `gather`: asyncio 3.11's `gather`, with its ordering.
 *
 * Children are wrapped in tasks at the call, in argument order (duplicates share one task); the result
 * keeps argument order. Latency: a child finishes in iteration k, gather's done callback settles the
 * outer future in k+1, and the awaiter resumes in k+2. Without `returnExceptions` the first child error
 * (or cancellation, as a `CancelledError`) fails the outer future at once and the other children keep
 * running. Cancelling the outer future cancels every child that is not done; the outer future then
 * fails with `CancelledError` once they finish (in 3.11 it is not itself `cancelled()`).
 *
 * `return_exceptions=True` is the separate function {@link gatherReturnExceptions}, so an options
 * object can never be mistaken for an awaitable.
 *
 * @module
 */
import { CancelledError, Future, type Coroutine, type EventLoop, isCancellation, noteAccess } from "@simloop/core";
import { ensureFuture } from "./ensure-future.ts";
import { defaultLoop } from "./default-loop.ts";

/** Something `gather` accepts: a future (or task), or a coroutine to wrap in a task. */
export type Awaitable<T> = Future<T> | Coroutine<T>;

/** The value type of an awaitable. */
export type AwaitedOf<A> = A extends Future<infer T> ? T : A extends Coroutine<infer T> ? T : never;

/** The results of `gather(...aws)`: a tuple in argument order. */
export type GatherResults<A extends readonly unknown[]> = {
  -readonly [K in keyof A]: AwaitedOf<A[K]>;
};

/** The results of `gatherReturnExceptions(...aws)`: each a value or the error it failed with. */
export type SettledResults<A extends readonly unknown[]> = {
  -readonly [K in keyof A]: AwaitedOf<A[K]> | unknown;
};

/**
 * The future `gather` returns. Cancelling it cancels its children.
 */
export class GatheringFuture<T> extends Future<T> {
  /** @internal */
  readonly _children: readonly Future<unknown>[];
  /** @internal */
  _cancelRequested = false;

  /** @internal Created by `gather`. */
  constructor(loop: EventLoop, children: readonly Future<unknown>[]) {
    super(loop, "gather");
    this._children = children;
  }

  /** The futures (and tasks) being gathered, in argument order. */
  children(): readonly Future<unknown>[] {
    return this._children;
  }

  /**
   * Cancels every child that is not done. Returns true if any was cancelled; the gathering future then
   * fails with `CancelledError` when they have finished.
   */
  override cancel(message?: string): boolean {
    if (this.done()) return false;
    let any = false;
    for (const child of this._children) {
      if (child.cancel(message)) any = true;
    }
    if (any) this._cancelRequested = true;
    return any;
  }

  /** A readable description. */
  override toString(): string {
    return `<GatheringFuture ${this.state} of ${this._children.length}>`;
  }
}

function gatherImpl(awaitables: readonly Awaitable<unknown>[], returnExceptions: boolean): Future<unknown[]> {
  if (awaitables.length === 0) {
    const outer = defaultLoop().createFuture<unknown[]>("gather");
    outer.setResult([]);
    return outer;
  }
  // asyncio's `arg_to_fut`: an awaitable passed twice is awaited once. A few arguments (the usual case)
  // are matched by a scan of the earlier ones, which costs less than building a map.
  const argToFuture = awaitables.length > SCAN_LIMIT ? new Map<Awaitable<unknown>, Future<unknown>>() : null;
  const children: Future<unknown>[] = [];
  let loop: EventLoop | undefined;
  let outer: GatheringFuture<unknown[]> | null = null;
  let finished = 0;
  let count = 0;

  const onChildDone = (child: Future<unknown>): void => {
    // The count and the first failure live in this closure: every child's callback touches them.
    noteAccess(children);
    finished += 1;
    if (outer === null || outer.done()) {
      if (!child.cancelled()) child.exception();
      return;
    }
    if (!returnExceptions) {
      if (child.cancelled()) {
        outer.setException(cancelledErrorOf(child));
        return;
      }
      const error = child.exception();
      if (error !== undefined || childFailed(child)) {
        outer.setException(error);
        return;
      }
    }
    if (finished === count) {
      const results: unknown[] = [];
      for (const fut of children) {
        if (fut.cancelled()) results.push(new CancelledError(cancelMessageOf(fut)));
        else if (childFailed(fut)) results.push(fut.exception());
        else results.push(fut.result());
      }
      if (outer._cancelRequested) outer.setException(cancelledErrorOf(child));
      else outer.setResult(results);
    }
  };

  for (let i = 0; i < awaitables.length; i++) {
    const arg = awaitables[i] as Awaitable<unknown>;
    let fut = argToFuture === null ? earlierFuture(awaitables, children, i) : argToFuture.get(arg);
    if (fut === undefined) {
      fut = ensureFuture(arg, loop);
      loop ??= fut.getLoop();
      count += 1;
      argToFuture?.set(arg, fut);
      fut.addDoneCallback(onChildDone);
    }
    children.push(fut);
  }
  outer = new GatheringFuture<unknown[]>(loop as EventLoop, children);
  return outer;
}

/**
 * Runs awaitables concurrently and returns a future of their results in argument order, as asyncio's
 * `gather(*aws)`. Coroutines are wrapped in tasks now, in argument order. The first failure fails the
 * returned future at once; the other children keep running.
 *
 * @example
 * ```ts
 * const [a, b] = yield* gather(task(1), task(3)); // typed [string, string]
 * ```
 */
export function gather<const A extends readonly Awaitable<unknown>[]>(...awaitables: A): Future<GatherResults<A>> {
  return gatherImpl(awaitables, false) as Future<GatherResults<A>>;
}

/**
 * asyncio's `gather(*aws, return_exceptions=True)`: failures (and `CancelledError` for cancelled
 * children) are returned as values in argument order instead of failing the returned future.
 *
 * @example
 * ```ts
 * const [ok, err] = yield* gatherReturnExceptions(fine(), failing()); // err is the thrown error
 * ```
 */
export function gatherReturnExceptions<const A extends readonly Awaitable<unknown>[]>(
  ...awaitables: A
): Future<SettledResults<A>> {
  return gatherImpl(awaitables, true) as Future<SettledResults<A>>;
}

/** Up to this many arguments, a repeated one is found by scanning the earlier ones instead of a map. */
const SCAN_LIMIT = 8;

/** The future of an earlier argument identical to argument `i`, if any. */
function earlierFuture(
  awaitables: readonly Awaitable<unknown>[],
  children: readonly Future<unknown>[],
  i: number,
): Future<unknown> | undefined {
  const arg = awaitables[i];
  for (let j = 0; j < i; j++) if (awaitables[j] === arg) return children[j];
  return undefined;
}

function childFailed(child: Future<unknown>): boolean {
  return child.state === "rejected";
}

function cancelMessageOf(child: Future<unknown>): string {
  return child.cancelMessage ?? "";
}

function cancelledErrorOf(child: Future<unknown>): CancelledError {
  try {
    child.result();
  } catch (error) {
    if (isCancellation(error)) return error;
  }
  return new CancelledError();
}
