/**
 * `explore`: run a program under many schedules, stop at the first failure, shrink its schedule,
 * check that it replays deterministically, and report it.
 *
 * Each run gets a fresh loop (`new EventLoop({ policy, seed, maxSteps, unhandled: "collect" })`) whose
 * seed is derived from `(seed, run)`, and the policy derives its own randomness from the same pair, so a
 * run is a pure function of (program, seed, run) — and a failing one of (program, loop seed, schedule),
 * which is what the replay line says. A policy that needs a per-program estimate (PCT's k) takes it from
 * a fixed run, re-run as a pilot when the campaign starts after it ({@link ExplorationPolicy.calibrate}),
 * not from whichever runs came before, so run r is the same whatever the `firstRun` (shards,
 * `exploreParallel` workers).
 *
 * Speed: exploring is running the same program many times, so the per-run work beyond the loop's own
 * is kept to a minimum. Runs are not traced (`loop.trace` is `null` while exploring) and decisions carry
 * no candidate labels: only the failing run is re-run with both, from its loop seed and the policy's
 * exact answers, which gives the identical run (the determinism self-check then confirms that its
 * schedule replays). Distinct schedules are counted by a 53-bit hash of the decisions, not by their text, in bounded
 * memory (see {@link ExploreResult.distinctSchedules}). The
 * runs are traced when a `setup` hook or the `invariants` option may read the trace; a policy that
 * observes the task count (PCT's n) gets a trace that keeps only its last event and a listener that
 * counts. A policy that is not a {@link RecordingPolicy} runs as in {@link runProgram}.
 *
 * @module
 */
import fc from "fast-check";
import type { EventLoop, PolicyLevels, TraceEvent } from "@simloop/core";
import { choices } from "./choices.ts";
import { CheckArgumentError, ExplorationFailedError } from "./errors.ts";
import { exhaustive } from "./exhaustive.ts";
import {
  RecordingPolicy,
  runSeed,
  type Coverage,
  type ExplorationPolicy,
  type RunObservation,
} from "./exploration-policy.ts";
import { analyseFailure, type Found } from "./failure-analysis.ts";
import { fifo } from "./fifo-policy.ts";
import { checkInvariants } from "./invariants.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";
import { pct } from "./pct.ts";
import { random } from "./random-policy.ts";
import { countSteppers, execute, runProgram, type FailureKind, type Program, type RunOptions } from "./run-program.ts";
import { DistinctSchedules } from "./internal/distinct-schedules.ts";
import { ProgressReporter, type ProgressOutput } from "./progress.ts";
import type { Decision, Schedule } from "./schedule.ts";

/** The built-in policies, by name. */
export type PolicyName = "fifo" | "random" | "pct" | "exhaustive" | "fast-check";

/** Progress of a campaign, for `onProgress`. */
export interface ExploreProgress {
  readonly run: number;
  readonly runs: number;
  readonly distinctSchedules: number;
}

/** Options of {@link explore}. */
export interface ExploreOptions {
  /** A policy name or an {@link ExplorationPolicy} instance. Default `"pct"`. */
  readonly policy?: PolicyName | ExplorationPolicy;
  /** The run budget. Default 100 (1000 for exhaustive). */
  readonly runs?: number;
  /** The seed of the campaign. Default 0. */
  readonly seed?: number;
  /** The levels to explore (for named policies). Default `{ ties: true }`. */
  readonly levels?: LevelOptions;
  /** PCT's bug depth. Default 2. */
  readonly depth?: number;
  /** Exhaustive's deviation bound. Default `Infinity`. */
  readonly maxDeviations?: number;
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
}

/** A failure found by {@link explore}. */
export interface ExploreFailure {
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
}

function makePolicy(options: ExploreOptions, levels: LevelOptions): ExplorationPolicy {
  const spec = options.policy ?? "pct";
  if (typeof spec !== "string") return spec;
  const seed = options.seed ?? 0;
  switch (spec) {
    case "fifo":
      return fifo(levels);
    case "random":
      return random(seed, { levels });
    case "pct":
      return pct(seed, options.depth ?? 2, { levels });
    case "exhaustive":
      return exhaustive({ levels, runs: options.runs ?? 1000, maxDeviations: options.maxDeviations ?? Infinity });
    default:
      throw new CheckArgumentError(
        `Unknown policy ${JSON.stringify(spec)}: use "fifo", "random", "pct", "exhaustive", "fast-check" or a policy object.`,
      );
  }
}

function setupOf(options: ExploreOptions): ((loop: EventLoop) => void) | undefined {
  const { setup, invariants } = options;
  if (invariants !== true) return setup;
  return (loop) => {
    checkInvariants(loop);
    setup?.(loop);
  };
}

/** What the campaign loops share: the inputs, and the tally they keep. */
interface Campaign {
  readonly program: Program;
  readonly levels: PolicyLevels;
  readonly seed: number;
  readonly base: RunOptions;
  /** The run budget, the first run's index and when the campaign started (`performance.now()`). */
  readonly budget: number;
  readonly firstRun: number;
  readonly started: number;
  readonly timeBudget: number | undefined;
  readonly onProgress: ((progress: ExploreProgress) => void) | undefined;
  readonly distinct: DistinctSchedules;
  runs: number;
  decisionPoints: number;
  /** The kinds of decision met so far, one bit each ({@link KIND_BIT}); only tallied until a non-tie shows. */
  kinds: number;
  found: Found | undefined;
}

const KIND_BIT: Readonly<Record<Decision["kind"], number>> = {
  tie: 1,
  interleave: 2,
  fault: 4,
  jitter: 8,
  delivery: 16,
};

/** Notes the kinds of the decisions of a run (stops looking once anything but a tie was met). */
function tallyKinds(campaign: Campaign, decisions: readonly Decision[]): void {
  let kinds = campaign.kinds;
  if (kinds > 1) return;
  for (let i = 0; i < decisions.length; i++) kinds |= KIND_BIT[(decisions[i] as Decision).kind];
  campaign.kinds = kinds;
}

/**
 * What a campaign that met no choice point, or only ties, did not explore, with the fix; `undefined`
 * when it met anything else.
 */
function choiceNotice(campaign: Campaign): string | undefined {
  const { kinds, runs, levels } = campaign;
  if (runs === 0 || kinds > 1) return undefined;
  const fix =
    "durations here are fixed: declare the uncertain ones with loop.jitter(min, max), and requests whose replies may arrive in any order with loop.deliver(complete)";
  const off = (["jitter", "io"] as const).filter((level) => levels[level] !== true);
  const turnOn = off.length === 0 ? "" : ` with the ${off.join(" and ")} level${off.length > 1 ? "s" : ""} on`;
  if (kinds === 0) {
    return (
      `no run met a choice point (a moment where more than one thing could run next), so all ${runs} run(s) were the same schedule and nothing was explored: ${fix}${turnOn}` +
      `${levels.interleave ? "" : ", or explore the order of tasks within an iteration with levels: { interleave: true }"}.`
    );
  }
  return `the runs met only ties (timers due at the same instant), never an uncertain duration or an I/O reply: ${fix}${turnOn}.`;
}

/** Run `run` of `policy`, outside the campaign (see {@link ExplorationPolicy.calibrate}): what it observed. */
function pilotRun(
  program: Program,
  policy: ExplorationPolicy,
  loopSeed: number,
  run: number,
  base: RunOptions,
): RunObservation {
  policy.beginRun(run);
  const traced = base.setup !== undefined ? true : "steppers";
  const { loop, failure, tasks } = execute(program, policy, loopSeed, base, traced);
  return {
    decisions: policy.schedule().length,
    tasks: traced === true ? countSteppers(loop.trace?.events() ?? []) : tasks,
    failed: failure !== undefined,
  };
}

/** Whether `policy` records its answers through {@link RecordingPolicy}'s own methods (the fast path). */
function isRecording(policy: ExplorationPolicy): policy is RecordingPolicy {
  const base = RecordingPolicy.prototype;
  return (
    policy instanceof RecordingPolicy &&
    policy.choose === base.choose &&
    policy.chooseDuration === base.chooseDuration &&
    policy.schedule === base.schedule
  );
}

function observesTasks(policy: RecordingPolicy): boolean {
  return policy.observesTasks ?? policy.endRun !== RecordingPolicy.prototype.endRun;
}

/** Whether the campaign's time budget is spent (checked before each run). */
function outOfTime(campaign: Campaign): boolean {
  return campaign.timeBudget !== undefined && performance.now() - campaign.started > campaign.timeBudget;
}

/**
 * The fast-check campaign: fast-check generates the picks of each run ({@link choices}); once a run
 * failed, its counterexample is re-run traced. Returns the coverage.
 */
function fastCheckCampaign(campaign: Campaign): Coverage {
  const { program, levels, seed, base, distinct, budget, onProgress } = campaign;
  // Long enough for the decision points of real programs; "max" size draws lengths across the range.
  const arb = fc.array(fc.nat({ max: 7 }), { maxLength: 512, size: "max" });
  const traced = base.setup !== undefined;
  const timeBudget = campaign.timeBudget;
  // Once a run failed, fast-check calls the property to shrink: those calls are not campaign runs.
  let shrinking = false;
  const check = fc.check(
    fc.property(arb, (picks) => {
      const policy = choices(picks, levels);
      policy._labelling(false);
      policy.beginRun(0);
      const { failure } = execute(program, policy, seed, base, traced);
      if (!shrinking) {
        const run = campaign.runs++;
        const decisions = policy._recorded();
        distinct.addDecisions(decisions);
        campaign.decisionPoints += decisions.length;
        tallyKinds(campaign, decisions);
        shrinking = failure !== undefined;
        onProgress?.({ run, runs: budget, distinctSchedules: distinct.size });
      }
      return failure === undefined;
    }),
    {
      seed,
      numRuns: budget,
      // fast-check checks the limit before each run, as the other campaigns do (it also cuts its own
      // shrinking short, which is harmless: the failing schedule is shrunk again afterwards).
      ...(timeBudget === undefined
        ? {}
        : { interruptAfterTimeLimit: Math.max(0, timeBudget - (performance.now() - campaign.started)) }),
    },
  );
  if (check.failed && check.counterexample !== null) {
    const policy = choices(check.counterexample[0], levels);
    policy.beginRun(0);
    const outcome = runProgram(program, { ...base, policy, seed });
    if (outcome.failure !== undefined) {
      campaign.found = { outcome, failure: outcome.failure, run: check.numRuns - 1, runSeed: seed };
    }
    campaign.runs = check.numRuns;
  }
  return {
    policy: "fast-check",
    summary: `${campaign.runs} run(s) of schedules generated by fast-check (seed ${seed})`,
  };
}

/**
 * The fast path (see the module doc) for a {@link RecordingPolicy}: runs untraced unless something
 * reads the trace, decisions without labels; the failing run keeps its answers to be re-run traced.
 */
function recordingCampaign(campaign: Campaign, policy: RecordingPolicy): void {
  const { program, seed, base, distinct, budget, firstRun, onProgress } = campaign;
  const countTasks = observesTasks(policy);
  // A setup hook may read the trace; the task count alone needs only a listener.
  const traced = base.setup !== undefined ? true : countTasks ? "steppers" : false;
  const labelled = policy._labelling(false);
  try {
    for (let i = 0; i < budget; i++) {
      const run = firstRun + i;
      if (outOfTime(campaign) || !policy.beginRun(run)) break;
      const loopSeed = runSeed(seed, run);
      const { loop, failure, tasks } = execute(program, policy, loopSeed, base, traced);
      const decisions = policy._recorded();
      campaign.runs++;
      campaign.decisionPoints += decisions.length;
      distinct.addDecisions(decisions);
      tallyKinds(campaign, decisions);
      policy.endRun({
        decisions: decisions.length,
        tasks: !countTasks ? 0 : traced === true ? countSteppers(loop.trace?.events() ?? []) : tasks,
        failed: failure !== undefined,
      });
      if (onProgress !== undefined) onProgress({ run, runs: budget, distinctSchedules: distinct.size });
      if (failure !== undefined) {
        campaign.found = { failure, run, runSeed: loopSeed, answers: decisions.slice(), policy };
        return;
      }
    }
  } finally {
    policy._labelling(labelled);
  }
}

/** Any other policy runs as in {@link runProgram}: traced, its schedule read through `schedule()`. */
function policyCampaign(campaign: Campaign, policy: ExplorationPolicy): void {
  const { program, seed, base, distinct, budget, firstRun, onProgress } = campaign;
  for (let i = 0; i < budget; i++) {
    const run = firstRun + i;
    if (outOfTime(campaign) || !policy.beginRun(run)) break;
    const loopSeed = runSeed(seed, run);
    const outcome = runProgram(program, { ...base, policy, seed: loopSeed });
    campaign.runs++;
    campaign.decisionPoints += outcome.schedule.length;
    distinct.addSchedule(outcome.schedule);
    tallyKinds(campaign, outcome.schedule.decisions);
    policy.endRun({
      decisions: outcome.schedule.length,
      tasks: outcome.tasks,
      failed: outcome.failure !== undefined,
    });
    onProgress?.({ run, runs: budget, distinctSchedules: distinct.size });
    if (outcome.failure !== undefined) {
      campaign.found = { outcome, failure: outcome.failure, run, runSeed: loopSeed };
      return;
    }
  }
}

/** The campaign's inputs, from the options. */
function startCampaign(
  program: Program,
  options: ExploreOptions,
  levels: PolicyLevels,
  reporter: ProgressReporter | null,
): Campaign {
  const setup = setupOf(options);
  return {
    program,
    levels,
    seed: options.seed ?? 0,
    base: {
      maxSteps: options.maxSteps ?? 100_000,
      allowLeftoverTasks: options.allowLeftoverTasks ?? false,
      ...(setup === undefined ? {} : { setup }),
    },
    budget: options.runs ?? (options.policy === "exhaustive" ? 1000 : 100),
    firstRun: options.firstRun ?? 0,
    started: performance.now(),
    timeBudget: options.timeBudgetMs,
    onProgress: withReporter(options.onProgress, reporter),
    distinct: new DistinctSchedules(),
    runs: 0,
    decisionPoints: 0,
    kinds: 0,
    found: undefined,
  };
}

/**
 * Explores the schedules of `program` (see the module doc) and returns what it found: `ok`, the runs,
 * the distinct schedules, the coverage, and on failure the shrunk schedule with its report. Failures:
 * an exception, a violated invariant, a deadlock, an exhausted step budget, a call of the exception
 * handler, an unretrieved exception, a task left pending (unless `allowLeftoverTasks`) — and, when the
 * failing schedule does not replay to an identical trace, `nondeterminism` naming the likely culprit.
 *
 * @example
 * ```ts
 * const result = explore(function* lostUpdate(loop) {
 *   const account = { balance: 0 };
 *   yield* gather(deposit(account), deposit(account));
 *   if (account.balance !== 2) throw new Error(`lost update: ${account.balance}`);
 * }, { policy: "pct", runs: 1000, seed: 1 });
 * result.ok; // false
 * result.failure?.report;
 * ```
 */
export function explore(program: Program, options: ExploreOptions = {}): ExploreResult {
  const levels = resolveLevels(options.levels ?? (typeof options.policy === "object" ? options.policy.levels : {}));
  const output = options.output ?? false;
  const reporter =
    output === false
      ? null
      : new ProgressReporter(output, options.name ?? (program.name || "program"), options.timeBudgetMs);
  const campaign = startCampaign(program, options, levels, reporter);
  let coverage: Coverage;
  let policyName: string;
  if (options.policy === "fast-check") {
    policyName = "fast-check";
    coverage = fastCheckCampaign(campaign);
  } else {
    const policy = makePolicy(options, levels);
    policyName = policy.name;
    policy.calibrate?.((run) => pilotRun(program, policy, runSeed(campaign.seed, run), run, campaign.base));
    if (isRecording(policy)) recordingCampaign(campaign, policy);
    else policyCampaign(campaign, policy);
    coverage = policy.coverage();
  }
  const notice = choiceNotice(campaign);
  const result = {
    runs: campaign.runs,
    distinctSchedules: campaign.distinct.size,
    distinctSchedulesEstimated: campaign.distinct.estimated,
    decisionPoints: campaign.decisionPoints,
    coverage,
    policy: policyName,
    levels,
    ...(notice === undefined ? {} : { notice }),
  };
  const found = campaign.found;
  const explored: ExploreResult =
    found === undefined
      ? { ok: true, ...result }
      : { ok: false, ...result, failure: analyseFailure(program, options, found, levels, campaign.base, result) };
  reporter?.end(explored);
  return explored;
}

/** The user's `onProgress` and the reporter's tick, as one callback (none when neither is set). */
function withReporter(
  onProgress: ((progress: ExploreProgress) => void) | undefined,
  reporter: ProgressReporter | null,
): ((progress: ExploreProgress) => void) | undefined {
  if (reporter === null) return onProgress;
  if (onProgress === undefined) return (progress) => reporter.tick(progress);
  return (progress) => {
    onProgress(progress);
    reporter.tick(progress);
  };
}

/**
 * Like {@link explore}, but throws when a failure is found, with the report as the message — for use
 * inside `test`. Returns the result otherwise.
 * @throws {@link ExplorationFailedError} with the report, the failure kind and the shrunk schedule.
 *
 * @example
 * ```ts
 * test("transfers never lose money", () => {
 *   assertExplore(transfers, { policy: "pct", runs: 500, seed: 1 });
 * });
 * ```
 */
export function assertExplore(program: Program, options: ExploreOptions = {}): ExploreResult {
  const result = explore(program, options);
  const failure = result.failure;
  if (failure !== undefined) {
    throw new ExplorationFailedError(failure.report, failure.kind, failure.schedule.toString(), failure.error);
  }
  return result;
}
