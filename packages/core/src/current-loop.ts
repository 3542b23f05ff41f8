/**
 * asyncio's module functions for the running loop and the current event loop.
 *
 * @module
 */
import { NoRunningLoopError } from "./errors.ts";
import { EventLoop, type EventLoopOptions } from "./event-loop.ts";
import { currentLoopOrNull, runningLoopOrNull, setCurrentLoop } from "./running.ts";
import type { Task } from "./task.ts";

/**
 * The loop running now (inside a callback or task).
 * @throws {@link NoRunningLoopError} outside a run call.
 */
export function getRunningLoop(): EventLoop {
  const loop = runningLoopOrNull();
  if (loop === null) throw new NoRunningLoopError();
  return loop;
}

/**
 * The running loop if there is one; otherwise the current event loop, created (and made current) on
 * first use, as asyncio 3.11's `get_event_loop()` does in the main thread.
 */
export function getEventLoop(): EventLoop {
  const running = runningLoopOrNull();
  if (running !== null) return running;
  let loop = currentLoopOrNull();
  if (loop === null) {
    loop = new EventLoop();
    setCurrentLoop(loop);
  }
  return loop;
}

/** Makes `loop` the current event loop (`null` forgets it). */
export function setEventLoop(loop: EventLoop | null): void {
  setCurrentLoop(loop);
}

/** Creates a new event loop (not made current: pass it to {@link setEventLoop} for that). */
export function newEventLoop(options?: EventLoopOptions): EventLoop {
  return new EventLoop(options);
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
