/**
 * Which loop a combinator uses when none is given: asyncio's `events._get_event_loop()`, the running
 * loop inside a callback or task and the current event loop outside.
 *
 * @module
 */
import { getEventLoop, type EventLoop } from "@simloop/core";

/** @internal The loop asyncio would use: the running one, else the current event loop. */
export function defaultLoop(loop?: EventLoop): EventLoop {
  return loop ?? getEventLoop();
}
