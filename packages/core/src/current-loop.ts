/**
 * asyncio's module functions for the running loop and the current event loop, and the two module-level
 * slots they read (asyncio has the same two): the loop that is running right now, set by the run calls,
 * and the current event loop of `getEventLoop`/`setEventLoop`. Nothing else in the core is module-level
 * state. The two functions that construct a loop, `getEventLoop` and `newEventLoop`, are in
 * `get-event-loop.ts`: futures and the run calls read these slots, and the loop imports them, so this
 * file stays below the loop.
 *
 * @module
 */
import { NoRunningLoopError } from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import type { Task } from "./task.ts";

let runningLoop: EventLoop | null = null;
let currentLoop: EventLoop | null = null;

/** @internal The running loop, or `null` when no run call is in progress. */
export function runningLoopOrNull(): EventLoop | null {
  return runningLoop;
}

/** @internal The current event loop of `getEventLoop`/`setEventLoop`, or `null` (none created yet). */
export function currentLoopOrNull(): EventLoop | null {
  return currentLoop;
}

/** @internal Set by the run calls when they start and end. */
export function setRunningLoop(loop: EventLoop | null): void {
  runningLoop = loop;
}

/**
 * The loop running now (inside a callback or task).
 * @throws {@link NoRunningLoopError} outside a run call.
 */
export function getRunningLoop(): EventLoop {
  const loop = runningLoopOrNull();
  if (loop === null) throw new NoRunningLoopError();
  return loop;
}

/** Makes `loop` the current event loop (`null` forgets it). */
export function setEventLoop(loop: EventLoop | null): void {
  currentLoop = loop;
}

/**
 * The task running now on `loop` (by default the running loop), or `null`.
 * @throws {@link NoRunningLoopError} without a loop argument outside a run call.
 */
export function currentTask(loop?: EventLoop): Task<unknown> | null {
  return (loop ?? getRunningLoop()).currentTask();
}

/**
 * The tasks of `loop` (by default the running loop) that are not done, in creation order.
 * @throws {@link NoRunningLoopError} without a loop argument outside a run call.
 */
export function allTasks(loop?: EventLoop): Set<Task<unknown>> {
  return (loop ?? getRunningLoop()).allTasks();
}
