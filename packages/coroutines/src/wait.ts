/**
 * `wait`: asyncio 3.11's `wait(fs, timeout=, return_when=)`.
 *
 * The waiting task registers one done callback per future (in argument order, duplicates removed) and
 * awaits a private waiter future, set by the callback that meets `returnWhen` or by the timeout timer.
 * It never raises for a failed future and never cancels anything: pending futures are returned.
 * Because done callbacks go through `callSoon`, `wait` yields at least once even when every future is
 * already done, exactly as asyncio does.
 *
 * @module
 */
import {
  ArgumentError,
  Future,
  getRunningLoop,
  isGenerator,
  noteAccess,
  type Coroutine,
  describeValue,
} from "@simloop/core";
import { checkTimeout } from "./internal/validate.ts";

/** When `wait` returns: asyncio's `FIRST_COMPLETED`, `FIRST_EXCEPTION` and `ALL_COMPLETED`. */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";

/** Options of {@link wait}. */
export interface WaitOptions {
  /** Virtual time to wait at most; `null`/absent waits without limit. Reaching it does not raise. */
  readonly timeout?: number | null;
  /** When to return. Default `"ALL_COMPLETED"`. */
  readonly returnWhen?: ReturnWhen;
}

/**
 * A list (array, set or other iterable) of futures, but not a single future or coroutine, which are
 * iterable too.
 */
export type FutureList<F> = Iterable<F> & { readonly getLoop?: never; readonly next?: never };

/** What {@link wait} returns: the futures that are done and those still pending, in argument order. */
export interface WaitResult<F> {
  readonly done: Set<F>;
  readonly pending: Set<F>;
}

/** `f.exception() is not None`, reading the exception as asyncio does (so it counts as retrieved). */
function failed(f: Future<unknown>): boolean {
  f.exception();
  return f.state === "rejected";
}

function releaseWaiter(waiter: Future<undefined>): void {
  if (!waiter.done()) waiter.setResult(undefined);
}

/**
 * Waits until the futures (or tasks) meet `returnWhen`, or until `timeout`, and returns
 * `{ done, pending }` as insertion-ordered sets: `const { done, pending } = yield* wait([t1, t2])`.
 * Like asyncio 3.11 it accepts futures and tasks only: wrap coroutines with `loop.createTask()`.
 * @throws {@link ArgumentError} (inside the coroutine) for an empty list, a coroutine among the
 * futures, an unknown `returnWhen`, or a non-finite timeout.
 *
 * @example
 * ```ts
 * const a = loop.createTask(job(1));
 * const b = loop.createTask(job(5));
 * const { done, pending } = yield* wait([a, b], { returnWhen: "FIRST_COMPLETED" }); // done: {a}
 * ```
 */
export function* wait<F extends Future<unknown>>(
  futures: FutureList<F>,
  options: WaitOptions = {},
): Coroutine<WaitResult<F>> {
  if (futures instanceof Future || isGenerator(futures)) {
    throw new ArgumentError("wait() expects an array (or iterable) of futures, not a single future or coroutine.");
  }
  const fs = new Set(futures);
  if (fs.size === 0) throw new ArgumentError("Set of Tasks/Futures is empty: pass wait() at least one future.");
  const returnWhen = options.returnWhen ?? "ALL_COMPLETED";
  if (returnWhen !== "FIRST_COMPLETED" && returnWhen !== "FIRST_EXCEPTION" && returnWhen !== "ALL_COMPLETED") {
    throw new ArgumentError(
      `Invalid returnWhen value: ${describeValue(returnWhen)}. Use "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED".`,
    );
  }
  for (const f of fs) {
    if (!(f instanceof Future)) {
      throw new ArgumentError(
        isGenerator(f)
          ? "Passing coroutines is forbidden, use tasks explicitly: wait([loop.createTask(coro())])."
          : `wait() expects futures or tasks, got ${f === null ? "null" : typeof f}.`,
      );
    }
  }
  const timeout = checkTimeout("timeout", options.timeout);
  const loop = getRunningLoop();
  const waiter = loop.createFuture<undefined>("wait");
  const timeoutHandle = timeout === null ? null : loop.callLater(timeout, releaseWaiter, waiter);
  let counter = fs.size;
  const onCompletion = (f: Future<unknown>): void => {
    noteAccess(waiter);
    counter -= 1;
    if (
      counter <= 0 ||
      returnWhen === "FIRST_COMPLETED" ||
      (returnWhen === "FIRST_EXCEPTION" && !f.cancelled() && failed(f))
    ) {
      timeoutHandle?.cancel();
      if (!waiter.done()) waiter.setResult(undefined);
    }
  };
  for (const f of fs) f.addDoneCallback(onCompletion);
  try {
    yield* waiter;
  } finally {
    timeoutHandle?.cancel();
    for (const f of fs) f.removeDoneCallback(onCompletion);
  }
  const done = new Set<F>();
  const pending = new Set<F>();
  for (const f of fs) (f.done() ? done : pending).add(f);
  return { done, pending };
}
