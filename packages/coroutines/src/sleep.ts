/**
 * `sleep`: asyncio's `sleep(delay, result)` on virtual time.
 *
 * Ordering, as asyncio 3.11: a delay <= 0 is a bare `yield` (the task gives up exactly one iteration);
 * a positive delay arms a timer that resolves a future, and the task wakes one iteration after the timer
 * fires (the timer's done callback schedules the wake-up), so a `callLater` with the same deadline runs
 * one iteration before the sleeper. Cancelling the sleeper cancels the timer.
 *
 * Why not a generator function: a sleeping task holds its sleep for the whole delay, and a generator
 * object (with its register file) is several times the size of what a sleep needs. `sleep` returns the
 * core's sleep coroutine object (`sleepCoroutine`), which implements the generator protocol — `next`,
 * `throw`, `return` — with the same steps a `function*` would take: validate on first `next()`, then
 * `yield` (delay <= 0) or `yield* future` with the timer cancelled on the way out, as a `finally` would.
 * It lives in the core because it is its own timer handle (one object per sleep instead of a coroutine
 * object plus the handle of a `callLater`), which only the core can arm.
 *
 * @module
 */
import { sleepCoroutine, type Coroutine } from "@simloop/core";

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
export function sleep<T>(delay: number, value?: T): Coroutine<T | undefined> {
  return sleepCoroutine<T | undefined>(delay, value);
}
