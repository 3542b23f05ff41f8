/**
 * The one helper the corpus modelled on real Node.js issues shares: an I/O wait whose duration is
 * uncertain. Durations are in milliseconds of virtual time.
 *
 * @module
 */
import type { Coroutine, EventLoop } from "@simloop/core";
import { sleep, uncertain } from "@simloop/coroutines";

/**
 * Waits for an I/O round trip of uncertain duration in `[min, max]` ms: `sleep(uncertain(min, max))`, which
 * the loop follows to its timer. Under the `jitter` level the policy draws the duration; otherwise it is
 * `min`, so a plain run takes every round trip at its fastest. The loop argument is kept so that the call
 * sites read as before (the duration was once a bare `loop.jitter` number).
 *
 * @example
 * ```ts
 * yield* io(loop, 20, 80); // a request to the backend and its reply
 * ```
 */
export function io(_loop: EventLoop, min: number, max: number): Coroutine<undefined> {
  return sleep(uncertain(min, max));
}
