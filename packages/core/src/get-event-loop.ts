/**
 * asyncio's module functions that construct an event loop: `newEventLoop`, and `getEventLoop`, which
 * returns the running loop or the current event loop, creating that on first use. The slots they read
 * are in `current-loop.ts`; these two live apart because they import the loop itself, which the
 * futures and run calls below it must not.
 *
 * @module
 */
import { currentLoopOrNull, runningLoopOrNull, setEventLoop } from "./current-loop.ts";
import { EventLoop } from "./event-loop.ts";
import type { EventLoopOptions } from "./loop-options.ts";

/**
 * The running loop if there is one; otherwise the current event loop, created (and made current) on
 * first use, as asyncio 3.11's `get_event_loop()` does in the main thread.
 */
export function getEventLoop(): EventLoop {
  const running = runningLoopOrNull();
  if (running !== null) return running;
  const current = currentLoopOrNull();
  if (current !== null) return current;
  const loop = new EventLoop();
  setEventLoop(loop);
  return loop;
}

/** Creates a new event loop (not made current: pass it to {@link setEventLoop} for that). */
export function newEventLoop(options?: EventLoopOptions): EventLoop {
  return new EventLoop(options);
}
