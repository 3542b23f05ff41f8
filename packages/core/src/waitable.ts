/**
 * What a task waits on. A coroutine suspends by yielding a waitable to its task (`yield* future`, or
 * `yield* sleep(d)`, whose {@link WaitableTimer} is one); the task drives every waitable through the
 * four methods below and knows nothing else about it. {@link Future} and {@link WaitableTimer}
 * implement it: a future wakes its waiting task from its done callbacks, a waitable timer from its own
 * dispatch (decision 0006), and both in the same iteration asyncio would.
 *
 * @module
 */
import type { Task } from "./task.ts";

/** @internal Marks "no exception to throw in" for a task step. */
export const NO_EXCEPTION: unique symbol = Symbol("no exception");

/** @internal What a task waits on (see the module header). */
export interface Waitable {
  /**
   * The coroutine of `task` yielded this: start waiting (the task is woken with
   * `scheduleWakeup(loop, task, this)` (`internal-handles.ts`) once this is done) and return `null`; or return the error to
   * throw into the coroutine at its next step instead (a bad yield, a future of another loop).
   */
  _waitBy(task: Task<unknown>): Error | null;
  /**
   * The waiting task is cancelled (asyncio's `Task.cancel` cancelling its `_fut_waiter`): cancel the wait
   * so that the task wakes with a `CancelledError(message)`; false if this is already done.
   */
  _cancelWait(message: string | undefined): boolean;
  /** The waiting task stops waiting without cancelling this (an interrupt); false if its wake-up is already queued. */
  _detach(task: Task<unknown>): boolean;
  /** What the woken task gets thrown in at its step: the exception, or {@link NO_EXCEPTION}. */
  _wakeException(): unknown;
}

/** @internal Whether a yielded value is a waitable. */
export function isWaitable(value: unknown): value is Waitable {
  return typeof value === "object" && value !== null && typeof (value as Waitable)._waitBy === "function";
}
