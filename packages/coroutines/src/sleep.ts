/**
 * `sleep`: asyncio's `sleep(delay, result)` on virtual time.
 *
 * Ordering, as asyncio 3.11: a delay <= 0 is a bare `yield` (the task gives up exactly one iteration);
 * a positive delay arms a timer that resolves a future, and the task wakes one iteration after the timer
 * fires (the timer's done callback schedules the wake-up), so a `callLater` with the same deadline runs
 * one iteration before the sleeper. Cancelling the sleeper cancels the timer.
 *
 * @module
 */
import { ArgumentError, getRunningLoop, type Coroutine, type Future } from "@simloop/core";

function setResultUnlessCancelled<T>(future: Future<T>, value: T): void {
  if (!future.cancelled()) future.setResult(value);
}

/**
 * Suspends the calling task for `delay` units of virtual time and returns `value`:
 * `yield* sleep(3)`, `const x = yield* sleep(1, "x")`.
 * @throws {@link ArgumentError} (inside the coroutine) if `delay` is not a finite number.
 *
 * @example
 * ```ts
 * function* ticker() {
 *   for (let i = 0; i < 3; i++) yield* sleep(1);
 *   return loop.time(); // 3
 * }
 * ```
 */
export function sleep(delay: number): Coroutine<undefined>;
export function sleep<T>(delay: number, value: T): Coroutine<T>;
export function* sleep<T>(delay: number, value?: T): Coroutine<T | undefined> {
  if (typeof delay !== "number" || Number.isNaN(delay) || delay === Infinity) {
    throw new ArgumentError(`Expected \`delay\` to be a finite number, got \`${String(delay)}\` (${typeof delay}).`);
  }
  if (delay <= 0) {
    yield;
    return value;
  }
  const loop = getRunningLoop();
  const future = loop.createFuture<T | undefined>("sleep");
  const handle = loop.callLater(delay, setResultUnlessCancelled, future, value);
  try {
    return yield* future;
  } finally {
    handle.cancel();
  }
}
