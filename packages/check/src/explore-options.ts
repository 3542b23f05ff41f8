/**
 * What `explore` and `exploreAsync` take and give: the options, the result, the failure, the warnings.
 *
 * @module
 */
import type { EventLoop, PolicyLevels, TaskSite, TraceEvent } from "@simloop/core";
import type { TraceDifference } from "./determinism.ts";
import type { Coverage, ExplorationPolicy } from "./exploration-policy.ts";
import type { SharedState } from "./footprints.ts";
import type { TimerJitterBounds } from "./internal/order-words.ts";
import type { LevelOptions } from "./levels.ts";
import type { ExploreProgress, ProgressOutput } from "./progress.ts";
import type { FailureKind } from "./run-program.ts";
import type { Schedule } from "./schedule.ts";

/** What a failure keeps of its minimal failing run for the pictures of it (Chrome trace, HTML report). */
export interface FailedRunDetails {
  /** That run's decisions, untrimmed, with their candidates' labels. */
  readonly decisions: Schedule;
  /** That run's tasks: the function each runs and where it was created. */
  readonly tasks: readonly TaskSite[];
  /** The line that replays that run, as the report prints it. */
  readonly replay: string;
}

/** The built-in policies, by name. */
export type PolicyName = "mixed" | "fifo" | "random" | "pct" | "exhaustive" | "fast-check";

/** Options of {@link explore}. */
export interface ExploreOptions {
  /** A policy name or an {@link ExplorationPolicy} instance. Default `"mixed"` (see `mixed`). */
  readonly policy?: PolicyName | ExplorationPolicy;
  /** The run budget. Default 100 (1000 for exhaustive). */
  readonly runs?: number;
  /** The seed of the campaign. Default 0. */
  readonly seed?: number;
  /** The levels to explore (for named policies). Default `{ ties: true }`. */
  readonly levels?: LevelOptions;
  /** PCT's bug depth (of the mixed policy's PCT runs too). Default 2. */
  readonly depth?: number;
  /** Exhaustive's deviation bound. Default `Infinity`. */
  readonly maxDeviations?: number;
  /**
   * Exhaustive only: skip the orders of steps that cannot affect each other (partial-order reduction,
   * `exhaustive({ reduce: true })`; see docs/check.md). Needs an unbounded `maxDeviations`. Default false.
   */
  readonly reduce?: boolean;
  /**
   * Exhaustive with `reduce` only: where the program's shared state lives (`"untracked"`, the default:
   * any task step or callback may touch anything; `"tracked"`: only stores, futures, tasks and the
   * coroutines primitives are shared, a promise the program makes).
   */
  readonly sharedState?: SharedState;
  /**
   * Stop starting runs after this many milliseconds of real time (every policy, fast-check included; the
   * failing run's analysis is not cut short). Default unlimited.
   */
  readonly timeBudgetMs?: number;
  /** The iteration budget of each run. Default 100 000. */
  readonly maxSteps?: number;
  /** Tasks still pending when the program returns are not a failure. Default false. */
  readonly allowLeftoverTasks?: boolean;
  /** Attach the ordering invariants of {@link checkInvariants} to every run. Default false. */
  readonly invariants?: boolean;
  /** Called with each fresh loop before the program starts (the runs are then traced, see the module doc). */
  readonly setup?: (loop: EventLoop) => void;
  /** Shrink the failing schedule. Default true. */
  readonly shrink?: boolean;
  /** The budget of shrinking runs. Default 1000. */
  readonly maxShrinkRuns?: number;
  /** The program's name in reports. Default the generator function's name. */
  readonly name?: string;
  /** Called after each run of the campaign (not after shrinking or pilot runs), with its 0-based index. */
  readonly onProgress?: (progress: ExploreProgress) => void;
  /** The first run index (for splitting a campaign by run ranges). Default 0. */
  readonly firstRun?: number;
  /**
   * Where to show progress while the campaign runs (a live line on a terminal, else a plain line per
   * interval) and the one summary line it ends with (see `progress.ts`). Default `false`: `explore`
   * prints nothing; the vitest helper `simloopTest` defaults to {@link consoleOutput}.
   */
  readonly output?: ProgressOutput | false;
  /**
   * Fail the campaign (kind `"nondeterminism"`) when the determinism self-check on a sample of passing
   * runs finds one that is not deterministic, instead of only warning. Default false.
   */
  readonly strictDeterminism?: boolean;
}

/**
 * A warning of {@link explore}: a sampled passing run is not a pure function of (program, seed,
 * schedule), so the campaign's failures might not replay (see {@link ExploreResult.warnings}).
 */
export interface ExploreWarning {
  readonly kind: "nondeterminism";
  /** The run (0-based) and its loop seed. */
  readonly run: number;
  readonly runSeed: number;
  /** The globals the run called (such as `Math.random`, `new Date()`, `crypto.randomUUID`). */
  readonly culprits: readonly string[];
  /** Where the run, re-run with the same seed and answers, took another course, if it did. */
  readonly difference: TraceDifference | null;
  /** One sentence saying what was found and what to do. */
  readonly message: string;
}

/** A failure found by {@link explore}. */
export interface ExploreFailure extends FailedRunDetails {
  readonly kind: FailureKind;
  readonly error: unknown;
  /** The shrunk schedule. */
  readonly schedule: Schedule;
  /** The schedule as first found. */
  readonly original: Schedule;
  /** The campaign seed, and the loop seed of the failing run (pass it to `replay`). */
  readonly seed: number;
  readonly runSeed: number;
  /** The failing run (0-based). */
  readonly run: number;
  readonly shrinkRuns: number;
  /**
   * Whether shrinking showed the schedule minimal: no single reset, pair of resets, move or snap of a
   * jitter draw still fails (false when its budget ran out first; absent when shrinking was off).
   */
  readonly minimal?: boolean;
  readonly report: string;
  /** The trace of the minimal failing run. */
  readonly trace: readonly TraceEvent[];
  /** Set when the program is an async one (`exploreAsync`): option 0 of a decision is Node's order. */
  readonly async?: true;
  /** An async campaign's timer jitter (the install's `jitter` option), for the HTML report's words. */
  readonly timerJitter?: TimerJitterBounds;
}

/** What {@link explore} found. */
export interface ExploreResult {
  readonly ok: boolean;
  /** Runs executed until the first failure (or all of them). */
  readonly runs: number;
  /**
   * Distinct schedules among those runs, counted by a 53-bit hash of each schedule: exact up to about
   * n²/2^54 odds of two sharing a hash, up to 65 536 distinct schedules; past that a HyperLogLog
   * estimate (about 1.6 % standard error), so a campaign's memory does not grow with its runs.
   */
  readonly distinctSchedules: number;
  /** Whether {@link ExploreResult.distinctSchedules} is an estimate (more than 65 536 distinct schedules). */
  readonly distinctSchedulesEstimated: boolean;
  /** Decision points asked over all runs. */
  readonly decisionPoints: number;
  /**
   * Set when the runs met no choice point (every run was the same schedule) or met only ties: what was
   * not explored, and the fix (declare uncertain durations with `loop.jitter`, replies with `loop.deliver`).
   */
  readonly notice?: string;
  readonly failure?: ExploreFailure;
  readonly coverage: Coverage;
  /** The policy's name and the levels, as reported. */
  readonly policy: string;
  readonly levels: PolicyLevels;
  /**
   * What the determinism self-check found on a sample of the passing runs (runs 0, 1, 3, 7, … of the
   * campaign, re-run with their seed and answers, globals watched; built-in policies other than
   * fast-check): at most one warning, empty when all were deterministic.
   */
  readonly warnings: readonly ExploreWarning[];
}
