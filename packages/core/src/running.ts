/**
 * The two module-level slots asyncio also has: the loop that is running right now, and the current
 * event loop of `getEventLoop`/`setEventLoop`. Nothing else in the core is module-level state.
 *
 * @module
 */
import type { EventLoop } from "./event-loop.ts";

let runningLoop: EventLoop | null = null;
let currentLoop: EventLoop | null = null;

/** @internal The running loop, or `null` when no run call is in progress. */
export function runningLoopOrNull(): EventLoop | null {
  return runningLoop;
}

/** @internal Set by the loop when a run call starts and ends. */
export function setRunningLoop(loop: EventLoop | null): void {
  runningLoop = loop;
}

/** @internal The loop of `setEventLoop`, or `null`. */
export function currentLoopOrNull(): EventLoop | null {
  return currentLoop;
}

/** @internal */
export function setCurrentLoop(loop: EventLoop | null): void {
  currentLoop = loop;
}
