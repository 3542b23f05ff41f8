/**
 * Access reports: a library tells the loop's instruments that the running callback operated on a
 * shared object. The coroutines primitives (locks, semaphores, events, conditions, queues, barriers),
 * check's stores, `Task.cancel`/`interrupt` and the loop's `random` report theirs; an exploration that
 * reduces the schedules it runs reads them to know which steps can affect each other.
 *
 * @module
 */
import { runningLoopOrNull } from "./current-loop.ts";
import type { EventLoop } from "./event-loop.ts";

/**
 * Reports that the running callback (or task step) operated on `target`, a shared object: a lock, a
 * queue, a store… Instruments with an `access` method are told; with none (the usual case) this costs
 * one test. `loop` defaults to the running loop; outside a run call nothing is reported.
 *
 * Report every operation that reads or changes the object's state, including queries such as
 * `locked()`: two steps that report the same object are treated as dependent (their order may matter).
 *
 * @example
 * ```ts
 * class Counter {
 *   private n = 0;
 *   increment(): void {
 *     noteAccess(this);
 *     this.n++;
 *   }
 * }
 * ```
 */
export function noteAccess(target: object, loop: EventLoop | null = runningLoopOrNull()): void {
  if (loop !== null && loop._instruments !== null) loop._instruments.access(target);
}
