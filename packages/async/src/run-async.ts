/**
 * `runAsync`: a fresh loop counting milliseconds, the virtual globals bound to it, main run to
 * completion with exact quiescence, the globals restored on every exit path. And `runProgramAsync`, the
 * same run reported as an outcome (never a rejection): the entry exploration builds on, since a run is a
 * function of (program, loop options, policy) only.
 *
 * @module
 */
import {
  DeadlockError,
  EventLoop,
  PolicyError,
  StepBudgetExceededError,
  UnhandledErrorsError,
  type SchedulingPolicy,
  type TraceOptions,
} from "@simloop/core";
import { runUntilCompleteAsync, type DriveOptions } from "./driver.ts";
import {
  LeftoverTimersError,
  UncaughtExceptionError,
  UnhandledRejectionError,
  WatchdogTimeoutError,
} from "./errors.ts";
import { install, type InstallOptions, type VirtualGlobals } from "./virtual-globals.ts";

/** An async program: an async function of its fresh loop. */
export type AsyncProgram<T = unknown> = (loop: EventLoop) => T | PromiseLike<T>;

/** Options of {@link runAsync} and {@link runProgramAsync}. */
export interface RunAsyncOptions extends DriveOptions, InstallOptions {
  /** Seed of `loop.random` (and, under `random: true`, of `Math.random`). Default 0. */
  readonly seed?: number;
  /** The scheduling policy of the loop. Default: none (the loop's own order: Node's, in async mode). */
  readonly policy?: SchedulingPolicy;
  /** The loop's iteration budget. Default: unlimited for `runAsync`, 100 000 for `runProgramAsync`. */
  readonly maxSteps?: number;
  /** Record a trace (see core's `TraceOptions`). Default off. */
  readonly trace?: boolean | TraceOptions;
  /**
   * Virtual globals installed already (once per campaign): the run binds them to its loop and unbinds
   * them at the end. Default: the run installs them (with this object's install options) and uninstalls
   * them at the end.
   */
  readonly globals?: VirtualGlobals;
  /** Do not fail when ref'd timers are still pending when main settles. Default false. */
  readonly allowLeftoverTimers?: boolean;
  /** Called with the fresh loop, globals bound, before main starts. */
  readonly setup?: (loop: EventLoop) => void;
}

/**
 * The one run both entries share: the loop created, the globals bound, main driven, leftovers checked,
 * the globals unbound (and uninstalled when the run installed them) whatever happens.
 */
async function runOn<T>(
  loop: EventLoop,
  main: AsyncProgram<T>,
  options: RunAsyncOptions,
  leftovers: boolean,
): Promise<T> {
  const own = options.globals === undefined;
  const globals = options.globals ?? install(options);
  try {
    globals.bind(loop);
    options.setup?.(loop);
    const value = await runUntilCompleteAsync(loop, main, { ...options, _unrefTimers: globals._unrefTimers() });
    if (leftovers && options.allowLeftoverTimers !== true) {
      const timers = globals.leftoverTimers();
      if (timers.length > 0) throw new LeftoverTimersError(timers, loop.time());
    }
    return value;
  } finally {
    globals.unbind();
    if (own) globals.uninstall();
  }
}

function loopOptions(options: RunAsyncOptions, maxSteps: number, unhandled: "throw" | "collect"): EventLoop {
  const { seed = 0, policy, trace } = options;
  return new EventLoop({
    seed,
    maxSteps,
    unhandled,
    ...(policy === undefined ? {} : { policy }),
    ...(trace === undefined ? {} : { trace }),
  });
}

/**
 * Runs `main(loop)` on a fresh loop in async mode, with the virtual globals (`setTimeout`, `Date`,
 * `performance.now`, …, see `install`) bound to it, and returns main's value. The loop counts
 * milliseconds from 0; `Date.now()` starts at the install's epoch. The globals are restored on every
 * exit path, main throwing or not.
 * @throws (as a rejection) main's error; {@link LeftoverTimersError} when ref'd timers are still pending
 * once main settled (unless `allowLeftoverTimers`); `UnhandledErrorsError` when errors escaped
 * callbacks; and what {@link runUntilCompleteAsync} throws (`AsyncDeadlockError`, `UnhandledRejectionError`, …).
 *
 * @example
 * ```ts
 * const elapsed = await runAsync(async () => {
 *   const start = Date.now();
 *   await new Promise((resolve) => setTimeout(resolve, 1_500));
 *   return Date.now() - start;
 * }); // 1500, in microseconds of real time
 * ```
 */
export function runAsync<T>(main: AsyncProgram<T>, options: RunAsyncOptions = {}): Promise<T> {
  return runOn(loopOptions(options, options.maxSteps ?? Infinity, "throw"), main, options, true);
}

/** The kinds of failure {@link runProgramAsync} reports. */
export type AsyncFailureKind =
  | "error"
  | "deadlock"
  | "step-budget"
  | "policy"
  | "unhandled"
  | "unhandled-rejection"
  | "uncaught-exception"
  | "leftover-timers"
  | "watchdog";

/** Why an async run failed. */
export interface AsyncRunFailure {
  /** What kind of failure. */
  readonly kind: AsyncFailureKind;
  /** The error: main's, or one describing the failure. */
  readonly error: unknown;
}

/** What one {@link runProgramAsync} run produced. */
export interface AsyncRunOutcome<T> {
  /** Why it failed, if it did. */
  readonly failure?: AsyncRunFailure;
  /** Main's value, if it succeeded. */
  readonly value?: T;
  /** The run's loop (its choice log, trace, tasks). */
  readonly loop: EventLoop;
}

/**
 * Classifies what an async run threw.
 *
 * @example
 * ```ts
 * classifyAsyncError(new WatchdogTimeoutError(10, 0, 5)); // "watchdog"
 * ```
 */
export function classifyAsyncError(error: unknown): AsyncFailureKind {
  if (error instanceof DeadlockError) return "deadlock";
  if (error instanceof StepBudgetExceededError) return "step-budget";
  if (error instanceof PolicyError) return "policy";
  if (error instanceof UnhandledRejectionError) return "unhandled-rejection";
  if (error instanceof UncaughtExceptionError) return "uncaught-exception";
  if (error instanceof LeftoverTimersError) return "leftover-timers";
  if (error instanceof WatchdogTimeoutError) return "watchdog";
  return "error";
}

/** The default iteration budget of {@link runProgramAsync}. */
export const DEFAULT_ASYNC_MAX_STEPS = 100_000;

/**
 * Runs an async program once, on a fresh loop created from `options` (seed, policy, budget, trace), and
 * reports the outcome instead of throwing: what exploration calls once per run. Errors escaping
 * callbacks are collected (`unhandled: "collect"`) and reported as an `"unhandled"` failure, after main's
 * own outcome; the loop is in the outcome for what else a caller checks (tasks left, choices made).
 *
 * @example
 * ```ts
 * const outcome = await runProgramAsync(program, { seed: 3, policy });
 * if (outcome.failure !== undefined) console.log(outcome.failure.kind, outcome.loop.choiceLog());
 * ```
 */
export async function runProgramAsync<T>(
  program: AsyncProgram<T>,
  options: RunAsyncOptions = {},
): Promise<AsyncRunOutcome<T>> {
  const loop = loopOptions(options, options.maxSteps ?? DEFAULT_ASYNC_MAX_STEPS, "collect");
  let value: T;
  try {
    value = await runOn(loop, program, options, true);
  } catch (error) {
    return { failure: { kind: classifyAsyncError(error), error }, loop };
  }
  const unhandled = loop.unhandledErrors();
  if (unhandled.length > 0) return { failure: { kind: "unhandled", error: new UnhandledErrorsError(unhandled) }, loop };
  return { value, loop };
}
