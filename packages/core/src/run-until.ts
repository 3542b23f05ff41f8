/**
 * The run calls: asyncio's `run_forever` and `run_until_complete`, and the test-time variants that stop
 * when the loop runs out of work (`runUntilIdle`), at a virtual time (`runUntilTime`, `runFor`) or after
 * one iteration (`step`). Each enters the loop (it becomes the running loop), runs `_runOnce` iterations
 * under the step budget, throws a policy error kept during an iteration, and leaves the loop.
 *
 * @module
 */
import { dropCancelledHead } from "./cancelled-timers.ts";
import { hasDeliveries, throwPolicyError } from "./choice-points.ts";
import {
  ArgumentError,
  WrongLoopError,
  notACoroutineMessage,
  LoopClosedError,
  LoopRunningError,
  LoopStoppedError,
  StepBudgetExceededError,
} from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import type { Handle } from "./handle.ts";
import { describeValue } from "./describe.ts";
import { throwUnhandled } from "./exception-handler.ts";
import { currentLoopOrNull, runningLoopOrNull, setRunningLoop } from "./current-loop.ts";
import { Future } from "./future.ts";
import { isGenerator, type Coroutine } from "./task.ts";

/** How many of the last dispatches the step budget's error lists (a power of two). */
const RECENT = 16;

/** @internal Run until stopped. */
export const MODE_FOREVER = 0;
/** @internal Run until nothing is ready and no timer is pending. */
export const MODE_IDLE = 1;
/** @internal Run until the next timer is later than a given time. */
export const MODE_UNTIL = 2;
/** @internal Run until the next timer is due at or after a given time. */
export const MODE_BEFORE = 3;

function runUntilCompleteCallback(future: Future<unknown>): void {
  future._loop._stopping = true; // loop.stop(), without calling back into the loop's file
}

/** @internal `loop.runUntilComplete(future)`. */
export function runUntilComplete<T>(loop: EventLoop, future: Future<T> | Coroutine<T>): T {
  checkCanRun(loop, "runUntilComplete");
  const isNewTask = !(future instanceof Future);
  const fut = ensureFuture(loop, future, "runUntilComplete");
  fut.addDoneCallback(runUntilCompleteCallback);
  try {
    run(loop, MODE_FOREVER, 0, fut);
  } catch (error) {
    if (isNewTask && fut.done() && !fut.cancelled()) fut.exception();
    throw error;
  } finally {
    fut.removeDoneCallback(runUntilCompleteCallback);
  }
  if (!fut.done()) throw new LoopStoppedError();
  const result = fut.result();
  throwUnhandled(loop);
  return result;
}

/** @internal `loop.runForever()` (`MODE_FOREVER`) and `loop.runUntilIdle()` (`MODE_IDLE`). */
export function runInMode(loop: EventLoop, mode: number, caller: string): void {
  checkCanRun(loop, caller);
  run(loop, mode, 0, null);
  throwUnhandled(loop);
}

/** @internal `loop.runUntilTime(when)`: inclusive runs the timers due at `when`, exclusive leaves them. */
export function runUntilTime(loop: EventLoop, when: number, inclusive = true): void {
  if (typeof when !== "number" || !Number.isFinite(when) || when < loop._now) {
    throw new ArgumentError(
      `Expected \`when\` to be a finite time >= the current time (${loop._now}), got \`${describeValue(when)}\`.`,
    );
  }
  checkCanRun(loop, "runUntilTime");
  if (run(loop, inclusive ? MODE_UNTIL : MODE_BEFORE, when, null) && loop._now < when) loop._now = when;
  throwUnhandled(loop);
}

/** @internal `loop.step()`: one iteration, or false when there is nothing to run. */
export function step(loop: EventLoop): boolean {
  checkCanRun(loop, "step");
  dropCancelledHead(loop);
  if (loop._ready.length === 0 && loop._timers.size === 0 && !loop._stopping && !hasDeliveries(loop)) return false;
  enterRun(loop);
  try {
    loop._runOnce(null);
    throwPolicyError(loop);
  } finally {
    exitRun(loop);
  }
  throwUnhandled(loop);
  return true;
}

/** Runs iterations in the given mode; returns true when it ended because it ran out of work. */
function run(loop: EventLoop, mode: number, until: number, awaited: Future<unknown> | null): boolean {
  enterRun(loop);
  let steps = 0;
  const maxSteps = loop._maxSteps;
  // A sleep's timer may run its task's step in place of queueing it (waitable-timer.ts): the iteration
  // it saves is not counted against a step budget, and a policy's choices are made per iteration.
  loop._wakeInPlace = loop._policy === null && maxSteps === Infinity;
  try {
    for (;;) {
      if (mode !== MODE_FOREVER && !loop._stopping && loop._ready.length === 0) {
        dropCancelledHead(loop);
        const next = loop._timers.peekWhen();
        if (mode === MODE_IDLE ? next === Infinity : mode === MODE_UNTIL ? next > until : next >= until) {
          // Past the run's bound only a pending delivery can still happen (now, with no time passing).
          if (!hasDeliveries(loop)) return true;
          loop._timersOutOfReach = true;
        }
      }
      if (++steps > maxSteps) throw new StepBudgetExceededError(maxSteps, loop._now, recentLines(loop));
      loop._runOnce(awaited);
      if (loop._policyError !== null) throwPolicyError(loop);
      if (loop._stopping) return false;
    }
  } finally {
    exitRun(loop);
  }
}

/** @internal Throws unless `loop` may begin a run call (open, not running, no other loop running). */
export function checkCanRun(loop: EventLoop, caller: string): void {
  if (loop._closed) throw new LoopClosedError(caller);
  if (loop._running) {
    throw new LoopRunningError(
      "LOOP_RUNNING",
      "This event loop is already running. Run calls cannot be nested: inside a task, `yield*` the future; " +
        "inside a callback, schedule the work with callSoon or createTask.",
    );
  }
  if (runningLoopOrNull() !== null) {
    throw new LoopRunningError(
      "ANOTHER_LOOP_RUNNING",
      "Cannot run the event loop while another loop is running. Run one loop at a time, or do the work on the running loop.",
    );
  }
}

/** @internal Makes `loop` the running loop. */
export function enterRun(loop: EventLoop): void {
  loop._running = true;
  loop._policyError = null;
  setRunningLoop(loop);
}

/** @internal Ends a run call. */
export function exitRun(loop: EventLoop): void {
  loop._stopping = false;
  loop._running = false;
  loop._wakeInPlace = false;
  loop._currentHandle = null;
  setRunningLoop(null);
}

/** Wraps a coroutine in a task; checks a future's loop. */
function ensureFuture<T>(loop: EventLoop, value: Future<T> | Coroutine<T>, caller: string): Future<T> {
  if (value instanceof Future) {
    if (value._loop !== loop) {
      // The usual way to get here: gather(...) (or another combinator) called outside a run, on a
      // loop that is not the current event loop, attached its future to the current one.
      const fix =
        value._loop === currentLoopOrNull()
          ? "It belongs to the current event loop (getEventLoop()), where gather(), ensureFuture() and the other " +
            "combinators put what they create when called outside a run. Make this loop current before building it " +
            "(setEventLoop(loop)), or build it inside a coroutine this loop runs: " +
            "loop.runUntilComplete(main()), where main() does `return yield* gather(...)`."
          : "Run a future on the loop that created it.";
      throw new WrongLoopError(
        "WRONG_LOOP",
        `The future belongs to a different loop than the one specified as the loop argument: ${caller}() got ${value.toString()} of another loop. ${fix}`,
      );
    }
    return value;
  }
  if (isGenerator(value)) return loop.createTask(value);
  throw new ArgumentError(notACoroutineMessage(value, caller));
}

/** @internal `loop.runFor(duration)`: `runUntilTime(time() + duration)`. */
export function runFor(loop: EventLoop, duration: number, inclusive: boolean): void {
  if (typeof duration !== "number" || !Number.isFinite(duration) || duration < 0) {
    throw new ArgumentError(`Expected \`duration\` to be a finite number >= 0, got \`${describeValue(duration)}\`.`);
  }
  const when = loop._now + duration;
  if (!Number.isFinite(when)) {
    throw new ArgumentError(
      `runFor(${duration}) at t=${loop._now}: the end time overflows (${when}). Use a shorter duration, or runUntilIdle().`,
    );
  }
  runUntilTime(loop, when, inclusive);
}

/** @internal Keeps `handle` among the last dispatches (the loop calls it only under a step budget). */
export function recordRecent(loop: EventLoop, handle: Handle): void {
  const slot = loop._recentCount++ & (RECENT - 1);
  loop._recent[slot] = handle;
  loop._recentTimes[slot] = loop._now;
}

/** @internal The last dispatches (kept only under a step budget), oldest first, for the budget's error. */
export function recentLines(loop: EventLoop): string[] {
  const lines: string[] = [];
  const count = Math.min(loop._recentCount, RECENT);
  for (let k = loop._recentCount - count; k < loop._recentCount; k++) {
    const slot = k & (RECENT - 1);
    const handle = loop._recent[slot] as Handle;
    lines.push(`t=${loop._recentTimes[slot] as number} ${handle.kind} ${handle.label}`);
  }
  return lines;
}
