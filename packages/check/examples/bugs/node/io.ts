/**
 * The one helper the corpus modelled on real Node.js issues shares: an I/O wait whose duration is
 * uncertain. Durations are in milliseconds of virtual time.
 *
 * @module
 */
import type { Coroutine, EventLoop } from "@simloop/core";
import { sleep } from "@simloop/coroutines";

/**
 * Waits for an I/O round trip of uncertain duration in `[min, max]` ms: `sleep(loop.jitter(min, max))`.
 * Under the `jitter` level the policy draws the duration; otherwise it is `min`, so a plain run takes every
 * round trip at its fastest.
 *
 * @example
 * ```ts
 * yield* io(loop, 20, 80); // a request to the backend and its reply
 * ```
 */
export function io(loop: EventLoop, min: number, max: number): Coroutine<undefined> {
  return sleep(loop.jitter(min, max));
}
