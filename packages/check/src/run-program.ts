/**
 * One run of a program on a fresh loop, and what counts as its failure: an exception
 * escaping the program, a violated invariant, a deadlock, an exhausted step budget, a call of the
 * exception handler, an exception never retrieved, or a task still pending when the program returns.
 *
 * @module
 */
import {
  DeadlockError,
  describeError,
  EventLoop,
  PolicyError,
  StepBudgetExceededError,
  type Coroutine,
  type SchedulingPolicy,
  type Task,
  type TraceEvent,
  type TraceOptions,
} from "@simloop/core";
import {
  CheckArgumentError,
  ExceptionHandlerCalledError,
  InvariantViolationError,
  LeftoverTasksError,
  UnretrievedExceptionError,
} from "./errors.ts";
import type { ExplorationPolicy } from "./exploration-policy.ts";
import { finishChecks } from "./internal/registry.ts";
import { Schedule } from "./schedule.ts";

/** A program under test: a generator function that receives its fresh loop. */
export type Program<T = unknown> = (loop: EventLoop) => Coroutine<T>;

/**
 * The kinds of failure a run can end with. An async program's run (`exploreAsync`) can also end with
 * an unhandled rejection, an uncaught exception, ref'd timers left pending, or its watchdog.
 */
export type FailureKind =
  | "error"
  | "invariant"
  | "deadlock"
  | "step-budget"
  | "unhandled"
  | "unretrieved"
  | "leftover-tasks"
  | "policy"
  | "nondeterminism"
  | "unhandled-rejection"
  | "uncaught-exception"
  | "leftover-timers"
  | "watchdog";

/** Why a run failed. */
export interface RunFailure {
  readonly kind: FailureKind;
  /** The error: the thrown one, or a check error describing the failure. */
  readonly error: unknown;
}

/** Options of {@link runProgram}. */
export interface RunOptions {
  /** The policy to install. Default: none (asyncio's order). */
  readonly policy?: SchedulingPolicy;
  /** The seed of `loop.random`. Default 0. */
  readonly seed?: number;
  /** The iteration budget. Default 100 000. */
  readonly maxSteps?: number;
  /** Do not fail when tasks are still pending at the end. Default false. */
  readonly allowLeftoverTasks?: boolean;
  /** Called with the fresh loop before the program starts (attach invariants here). */
  readonly setup?: (loop: EventLoop) => void;
  /**
   * Record where the user's code asked for each timer, callback and task (core's `Sites`: a stack
   * captured per call), so that the trace and reports name them in the user's words. Slower: for the
   * runs a report is made of. Default false.
   */
  readonly sites?: boolean;
}

/** What one run produced. */
export interface RunOutcome {
  /** Why it failed, if it did. */
  readonly failure?: RunFailure;
  /** The program's return value, if it returned. */
  readonly value?: unknown;
  /** The run's trace. */
  readonly trace: readonly TraceEvent[];
  /** The decisions taken (from the policy when it records them, else from the loop's choice log). */
  readonly schedule: Schedule;
  /** Tasks that ran at least one step. */
  readonly tasks: number;
  /** The loop the run used. */
  readonly loop: EventLoop;
}

/**
 * The default iteration budget of a run.
 *
 * @example
 * ```ts
 * runProgram(program, { maxSteps: DEFAULT_MAX_STEPS * 10 });
 * ```
 */
export const DEFAULT_MAX_STEPS = 100_000;

/**
 * Classifies a thrown value into a failure kind.
 *
 * @example
 * ```ts
 * classifyError(new DeadlockError(0, [])); // "deadlock"
 * ```
 */
export function classifyError(error: unknown): FailureKind {
  try {
    if (error instanceof DeadlockError) return "deadlock";
    if (error instanceof StepBudgetExceededError) return "step-budget";
    if (error instanceof PolicyError) return "policy";
    if (error instanceof InvariantViolationError) return "invariant";
  } catch {
    // `instanceof` throws for a revoked Proxy: not one of simloop's errors.
  }
  return "error";
}

function isExplorationPolicy(policy: SchedulingPolicy | undefined): policy is ExplorationPolicy {
  return policy !== undefined && typeof (policy as Partial<ExplorationPolicy>).schedule === "function";
}

/** Whether `policy` keeps its own record of its answers (an exploration policy, or one marked `_recordsItself`). */
function recordsItself(policy: SchedulingPolicy): boolean {
  return isExplorationPolicy(policy) || (policy as { readonly _recordsItself?: boolean })._recordsItself === true;
}

/** @internal What {@link execute} returns: the loop, and the failure or the program's value. */
export interface Executed {
  readonly loop: EventLoop;
  readonly failure: RunFailure | undefined;
  readonly value: unknown;
  /** Tasks created on the run's loop, when counted (`"steppers"`), else 0 (see {@link execute}). */
  readonly tasks: number;
}

/**
 * @internal Runs `program` once on a fresh loop and classifies the outcome, without building a trace
 * copy or a schedule: the per-run core of {@link runProgram} and of `explore`. `trace` is `true` for a
 * full trace, `false` for none, and `"steppers"` to count the tasks without keeping the trace: the
 * tasks created (`loop.tasksCreated`), each of which ran at least one step unless the run ended first,
 * read once the run is over. No instrument counts them step by step: an instrument on the loop costs
 * every dispatch and every task step of the run (decision 0045).
 */
export function execute(
  program: Program,
  policy: SchedulingPolicy | undefined,
  seed: number,
  options: RunOptions,
  trace: boolean | "steppers",
): Executed {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const traceOption = traceOptionOf(trace, options);
  // A policy that records its own answers (its schedule) needs no second copy in the loop's choice log.
  const loop = new EventLoop(
    policy === undefined
      ? { seed, trace: traceOption, maxSteps, unhandled: "collect" }
      : recordsItself(policy)
        ? { policy, seed, trace: traceOption, maxSteps, unhandled: "collect", recordChoices: false }
        : { policy, seed, trace: traceOption, maxSteps, unhandled: "collect" },
  );
  observeRun(policy, loop);
  options.setup?.(loop);
  let failure: RunFailure | undefined;
  let value: unknown;
  try {
    value = loop.runUntilComplete(mainOf(program, loop));
  } catch (error) {
    if (isRefusal(error)) throw error;
    failure = { kind: classifyError(error), error };
  }
  return {
    loop,
    failure: finishRun(loop, failure, options),
    value,
    tasks: trace === "steppers" ? loop.tasksCreated : 0,
  };
}

/** @internal Lets a policy that watches its runs ({@link ExplorationPolicy.observe}) see the fresh `loop`. */
export function observeRun(policy: SchedulingPolicy | undefined, loop: EventLoop): void {
  const observe = (policy as ExplorationPolicy | undefined)?.observe;
  if (observe !== undefined) observe.call(policy, loop);
}

/** A plain function given as a generator program returned a Promise. */
class AsyncProgramError extends CheckArgumentError {}

/** Whether `error` is {@link AsyncProgramError} (`instanceof` throws for a revoked Proxy: not one). */
function isRefusal(error: unknown): boolean {
  try {
    return error instanceof AsyncProgramError;
  } catch {
    return false;
  }
}

/** The program's coroutine; a Promise instead is an async program given to a generator entry. */
function mainOf(program: Program, loop: EventLoop): Coroutine<unknown> {
  const main: unknown = program(loop);
  if (main !== null && typeof main === "object" && typeof (main as PromiseLike<unknown>).then === "function") {
    (main as PromiseLike<unknown>).then(undefined, () => {}); // its rejection is not the run's business
    throw new AsyncProgramError(
      `${program.name || "The program"} returned a Promise: it is an async program. Explore it with exploreAsync (replay it with replayAsync); for simloopTest, exploreParallel and simloop explore, write it as an async function or wrap it in asyncProgram(fn).`,
    );
  }
  return main as Coroutine<unknown>;
}

/** @internal The loop's trace option for {@link execute}'s `trace` argument (counting the tasks needs none). */
export function traceOptionOf(trace: boolean | "steppers", options: RunOptions): boolean | TraceOptions {
  return trace === "steppers" ? false : trace && options.sites === true ? SITES_TRACE : trace;
}

/**
 * @internal The tasks that step on `loop` from now on, counted by name as a trace's step events would
 * be: an instrument notes each task that steps (no trace is kept), and `size` is read once the run ended.
 */
export function countStepsOf(loop: EventLoop): { readonly size: number } {
  const stepped = new Set<Task<unknown>>();
  loop.addInstrument({ beforeTaskStep: (task) => void stepped.add(task) });
  return {
    get size(): number {
      return new Set(Array.from(stepped, (task) => task.getName())).size;
    },
  };
}

/**
 * @internal The run's failure once the program has returned or thrown (`failure`): a violated
 * invariant, an error escaped to the exception handler, an unretrieved exception, a task left pending.
 */
export function finishRun(
  loop: EventLoop,
  failure: RunFailure | undefined,
  options: RunOptions,
): RunFailure | undefined {
  const violations = finishChecks(loop);
  if (failure === undefined && violations.length > 0) return { kind: "invariant", error: violations[0] };
  return failure ?? endOfRunFailure(loop, options.allowLeftoverTasks === true);
}

/** A full trace that records the user's call sites. */
const SITES_TRACE = Object.freeze({ sites: true });

function endOfRunFailure(loop: EventLoop, allowLeftoverTasks: boolean): RunFailure | undefined {
  const unhandled = loop.unhandledErrors();
  if (unhandled.length > 0) {
    return {
      kind: "unhandled",
      error: new ExceptionHandlerCalledError(
        unhandled.map((c) => (c.exception === undefined ? c.message : `${c.message}: ${describeError(c.exception)}`)),
        unhandled.map((c) => c.exception),
      ),
    };
  }
  const unretrieved = loop.unretrievedFutures();
  const dropped = loop.unretrievedDropped;
  if (unretrieved.length > 0 || dropped > 0) {
    const errors = unretrieved.map((f) => f.exception());
    return {
      kind: "unretrieved",
      error: new UnretrievedExceptionError(
        unretrieved.map((f, i) => `${f.toString()}: ${describeError(errors[i])}`),
        errors,
        dropped,
      ),
    };
  }
  if (!allowLeftoverTasks) {
    const pending = loop.allTasks();
    if (pending.size > 0) {
      return {
        kind: "leftover-tasks",
        error: new LeftoverTasksError(
          [...pending].map((task) => {
            const waiter = task.waitingOn();
            return `task '${task.getName()}' waits on ${waiter === null ? "nothing (ready to run)" : waiter.toString()}`;
          }),
        ),
      };
    }
  }
  return undefined;
}

/**
 * @internal The number of tasks that ran at least one step (distinct step labels of the trace).
 */
export function countSteppers(trace: readonly TraceEvent[]): number {
  const steppers = new Set<string>();
  for (const event of trace) if (event.kind === "step") steppers.add(event.label);
  return steppers.size;
}

/**
 * Runs `program` once on a fresh traced loop (`unhandled: "collect"`) and classifies the outcome. The
 * policy's run life cycle is the caller's business (`explore` calls `beginRun`/`endRun`).
 *
 * @example
 * ```ts
 * const outcome = runProgram(program, { policy: choices([1]) });
 * outcome.failure?.kind; // "error", "deadlock", … or undefined
 * ```
 */
export function runProgram(program: Program, options: RunOptions = {}): RunOutcome {
  const policy = options.policy;
  return outcomeOf(execute(program, policy, options.seed ?? 0, options, true), policy);
}

/** @internal The outcome of a traced run ({@link execute} with `trace: true`) under `policy`. */
export function outcomeOf(executed: Executed, policy: SchedulingPolicy | undefined): RunOutcome {
  const { loop, failure, value } = executed;
  const trace = loop.trace?.events() ?? [];
  const schedule = isExplorationPolicy(policy)
    ? policy.schedule()
    : new Schedule(loop.choiceLog().map((c) => ({ kind: c.kind, options: c.options, pick: c.pick, time: c.time })));
  return {
    ...(failure === undefined ? { value } : { failure }),
    trace,
    schedule,
    tasks: countSteppers(trace),
    loop,
  };
}
