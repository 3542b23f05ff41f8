/**
 * The options of an {@link EventLoop}, and their check: bad input throws before the loop exists.
 *
 * @module
 */
import { describeValue } from "./describe.ts";
import { ArgumentError } from "./errors.ts";
import type { UnhandledMode } from "./exception-handler.ts";
import type { Instrument } from "./instrument.ts";
import type { SchedulingPolicy } from "./policy.ts";
import type { TraceOptions } from "./trace.ts";

/** Options of {@link EventLoop.runUntilTime} and {@link EventLoop.runFor}. */
export interface RunUntilOptions {
  /**
   * Whether timers due at exactly the end time run (default true). `false` leaves them pending, as
   * SimPy's `run(until=t)` does with the events at `t`.
   */
  readonly inclusive?: boolean;
}

/** Options of {@link EventLoop}. */
export interface EventLoopOptions {
  /** Seed of `loop.random`. Default 0. */
  readonly seed?: number;
  /** The scheduling policy asked at choice points. Default: none (asyncio's FIFO order, fast path). */
  readonly policy?: SchedulingPolicy;
  /** Record a trace of every dispatched callback (`true`, or options). Default off. */
  readonly trace?: boolean | TraceOptions;
  /** Iteration budget per run call; exceeding it throws {@link StepBudgetExceededError}. Default unlimited. */
  readonly maxSteps?: number;
  /**
   * What the default exception handler does with errors escaping callbacks: `"log"` collects them and
   * writes them to `console.error` (asyncio logs them); `"collect"` only collects them
   * (`loop.unhandledErrors()`); `"throw"` collects them and throws an {@link UnhandledErrorsError} when
   * the run call returns, which is what a test wants. Default `"log"`.
   */
  readonly unhandled?: UnhandledMode;
  /** The virtual time the clock starts at. Default 0. */
  readonly startTime?: number;
  /**
   * How many failed futures and tasks whose exception nobody retrieved the loop keeps for
   * {@link EventLoop.unretrievedFutures} (the first ones); later ones are only counted
   * ({@link EventLoop.unretrievedDropped}), so a program failing many tasks does not grow without
   * bound. A non-negative integer or `Infinity`. Default 1000.
   */
  readonly maxUnretrieved?: number;
  /** Observers of the run (see {@link Instrument}), added in order after the trace's. Default none. */
  readonly instruments?: readonly Instrument[];
  /**
   * Whether the loop keeps its own record of its policy's answers ({@link EventLoop.choiceLog}). `false`
   * leaves `choiceLog()` empty and spares a run that asks many questions one record per answer: for a
   * policy that records its answers itself (every policy of `@simloop/check` does). Default true.
   */
  readonly recordChoices?: boolean;
}

/**
 * @internal Checks the options that have a range (the others are checked by their own types).
 * @throws {@link ArgumentError} naming the option and the value that is out of range.
 */
export function checkOptions(startTime: number, maxSteps: number, maxUnretrieved: number, unhandled: unknown): void {
  if (!Number.isFinite(startTime)) {
    throw new ArgumentError(`Expected \`startTime\` to be a finite number, got \`${describeValue(startTime)}\`.`);
  }
  if (typeof maxSteps !== "number" || !(maxSteps > 0) || (Number.isFinite(maxSteps) && !Number.isInteger(maxSteps))) {
    throw new ArgumentError(
      `Expected \`maxSteps\` to be a positive integer or Infinity, got \`${describeValue(maxSteps)}\`.`,
    );
  }
  if (
    typeof maxUnretrieved !== "number" ||
    !(maxUnretrieved >= 0) ||
    (Number.isFinite(maxUnretrieved) && !Number.isInteger(maxUnretrieved))
  ) {
    throw new ArgumentError(
      `Expected \`maxUnretrieved\` to be a non-negative integer or Infinity, got \`${describeValue(maxUnretrieved)}\`.`,
    );
  }
  if (unhandled !== "log" && unhandled !== "collect" && unhandled !== "throw") {
    throw new ArgumentError(
      `Expected \`unhandled\` to be "log", "collect" or "throw", got \`${describeValue(unhandled)}\`.`,
    );
  }
}
