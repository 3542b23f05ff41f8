/**
 * The loop's own handles: what tasks and futures schedule on the ready queue (a task's step, its
 * wake-up from what it waited on, a future's done callback), and the source every new handle records.
 *
 * These sit outside `event-loop.ts` so that a timer's dispatch waking its task, or a future's
 * completion waking its waiters, goes from the loop's dispatch through the timer or future to here
 * and back, without calling into the loop's file again (see `docs/architecture.md`, the path of a sleep).
 *
 * @module
 */
import { LoopClosedError } from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import type { DoneCallback, Future } from "./future.ts";
import { Handle, KIND_DONE, KIND_STEP, KIND_WAKEUP } from "./handle.ts";
import type { Task } from "./task.ts";
import type { Waitable } from "./waitable.ts";

/**
 * @internal The running task, else the running handle, else `null`: what a handle created now records
 * as its source.
 */
export function currentSource(loop: EventLoop): Task<unknown> | Handle | null {
  const task = loop._currentTask;
  if (task !== null) return task;
  const handle = loop._currentHandle;
  if (handle === null || loop._handleSources) return handle;
  // Without handle sources every source is a task or null (see `EventLoop._handleSources`): the
  // handle's own source is its task, or no task for a callback scheduled from outside the loop.
  return handle._source;
}

/** @internal Schedules a task step; `exc` is thrown into the coroutine unless it is `NO_EXCEPTION`. */
export function scheduleStep(loop: EventLoop, task: Task<unknown>, exc: unknown): void {
  if (loop._closed) throw new LoopClosedError("schedule a task step");
  const handle = new Handle(KIND_STEP, null, task, exc, currentSource(loop));
  loop._ready.push(handle);
  if (loop._instruments !== null) loop._instruments.scheduled(handle);
}

/** @internal Schedules a task's wake-up from what it waited on (a future or a waitable timer). */
export function scheduleWakeup(loop: EventLoop, task: Task<unknown>, waited: Waitable): void {
  if (loop._closed) throw new LoopClosedError("wake a task");
  const handle = new Handle(KIND_WAKEUP, null, task, waited, currentSource(loop));
  loop._ready.push(handle);
  if (loop._instruments !== null) loop._instruments.scheduled(handle);
}

/** @internal Schedules `callback(future)`, a done callback of a future that has just completed. */
export function scheduleDone(loop: EventLoop, callback: DoneCallback<never>, future: Future<unknown>): void {
  if (loop._closed) throw new LoopClosedError("schedule a done callback");
  const handle = new Handle(KIND_DONE, callback, undefined, future, currentSource(loop));
  loop._ready.push(handle);
  if (loop._instruments !== null) loop._instruments.scheduled(handle);
}
