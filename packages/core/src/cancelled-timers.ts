/**
 * Cancelled timers: a cancelled timer stays in the heap until it reaches the head (asyncio's lazy
 * deletion), and the loop counts them (`_timerCancelledCount`) to rebuild the heap without them once
 * they make up more than half of it (asyncio's `_MIN_CANCELLED_TIMER_HANDLES_FRACTION`).
 *
 * @module
 */
import type { EventLoop } from "./event-loop.ts";
import { FLAG_CANCELLED, FLAG_SCHEDULED, type TimerHandle } from "./handle.ts";

/** Below this many timers the heap is never rebuilt (asyncio's `_MIN_SCHEDULED_TIMER_HANDLES`). */
const MIN_SCHEDULED_TIMER_HANDLES = 100;

/** @internal Drops the cancelled timers at the head of the heap. */
export function dropCancelledHead(loop: EventLoop): void {
  // The count never under-counts the cancelled timers in the heap: at 0 there is nothing to drop, and
  // the head handle need not even be read.
  if (loop._timerCancelledCount <= 0) return;
  const timers = loop._timers;
  while (timers.size > 0 && ((timers.peek() as TimerHandle)._flags & FLAG_CANCELLED) !== 0) {
    loop._timerCancelledCount--;
    timers.popUnscheduled();
  }
}

/**
 * @internal The start of an iteration's timer work: rebuilds the heap without its cancelled timers when
 * they dominate, else drops those at its head.
 */
export function dropCancelledTimers(loop: EventLoop): void {
  const timers = loop._timers;
  if (timers.size > MIN_SCHEDULED_TIMER_HANDLES && loop._timerCancelledCount * 2 > timers.size) {
    timers.retain((handle) => {
      if ((handle._flags & FLAG_CANCELLED) === 0) return true;
      handle._flags &= ~FLAG_SCHEDULED;
      return false;
    });
    loop._timerCancelledCount = 0;
  } else {
    dropCancelledHead(loop);
  }
}
