/**
 * The campaign loops of `explore` and `exploreAsync`, written once as computations that ask for runs
 * (`internal/runs.ts`): the fast path for a {@link RecordingPolicy}, the plain path for any other
 * policy, the pilot run, and the fast-check campaign's property; with the tally they keep (runs,
 * decision points, distinct schedules, the kinds of choice met) and the notice it gives.
 *
 * @module
 */
import fc from "fast-check";
import type { EventLoop, PolicyLevels } from "@simloop/core";
import { choices } from "./choices.ts";
import { CheckArgumentError, NondeterminismError } from "./errors.ts";
import { passingRunCheck, sampled } from "./internal/determinism-sample.ts";
import { exhaustive } from "./exhaustive.ts";
import {
  RecordingPolicy,
  runSeed,
  type Coverage,
  type ExplorationPolicy,
  type RunObservation,
} from "./exploration-policy.ts";
import type { ExploreOptions, ExploreWarning } from "./explore-options.ts";
import type { ExploreProgress } from "./progress.ts";
import type { Found, ProgramIdentity } from "./failure-analysis.ts";
import { fifo } from "./fifo-policy.ts";
import { checkInvariants } from "./invariants.ts";
import type { LevelOptions } from "./levels.ts";
import { mixed, pct } from "./pct.ts";
import { random } from "./random-policy.ts";
import { countSteppers, outcomeOf, type RunOptions } from "./run-program.ts";
import { DecisionLog } from "./internal/decision-log.ts";
import { DistinctSchedules } from "./internal/distinct-schedules.ts";
import { run as runRequest, type Runs } from "./internal/runs.ts";
import type { ProgressReporter } from "./progress.ts";
import type { Decision } from "./schedule.ts";

/** @internal The policy the options name (or the policy object they hold). */
export function makePolicy(options: ExploreOptions, levels: LevelOptions, async: boolean): ExplorationPolicy {
  // exploreAsync keeps PCT: the probes' shrunk schedules there are not yet as short (decision record).
  const spec = options.policy ?? (async ? "pct" : "mixed");
  if (typeof spec !== "string") return spec;
  const seed = options.seed ?? 0;
  switch (spec) {
    case "fifo":
      return fifo(levels);
    case "random":
      return random(seed, { levels });
    case "mixed":
      return mixed(seed, options.depth ?? 2, { levels, ...(async ? { callbacks: "own" as const } : {}) });
    case "pct":
      // An async program's callbacks belong to no task: each is its own thread of PCT's.
      return pct(seed, options.depth ?? 2, { levels, ...(async ? { callbacks: "own" as const } : {}) });
    case "exhaustive":
      return exhaustive({
        levels,
        runs: options.runs ?? 1000,
        maxDeviations: options.maxDeviations ?? Infinity,
        ...(options.reduce === undefined ? {} : { reduce: options.reduce }),
        ...(options.sharedState === undefined ? {} : { sharedState: options.sharedState }),
      });
    default:
      throw new CheckArgumentError(
        `Unknown policy ${JSON.stringify(spec)}: use "mixed", "fifo", "random", "pct", "exhaustive", "fast-check" or a policy object.`,
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

/** @internal What the campaign loops share: the inputs, and the tally they keep. */
export interface Campaign {
  /** The program's name and kind (its runs are the driver's business). */
  readonly program: ProgramIdentity;
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
  /** The program's name in messages, and whether a nondeterministic passing run fails the campaign. */
  readonly name: string;
  readonly strict: boolean;
  readonly warnings: ExploreWarning[];
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

/** The log's bit of each kind ({@link DecisionLog.kinds}). */
const LOG_KIND_BITS: readonly (readonly [Decision["kind"], number])[] = [
  ["tie", 1],
  ["interleave", 2],
  ["fault", 4],
  ["delivery", 8],
  ["jitter", 16],
];

/** Notes the kinds of the decisions of a run (stops looking once anything but a tie was met). */
function tallyKinds(campaign: Campaign, decisions: readonly Decision[] | DecisionLog): void {
  let kinds = campaign.kinds;
  if (kinds > 1) return;
  if (decisions instanceof DecisionLog) {
    // The log's bits are in its own order (tie, interleave, fault, delivery, jitter).
    const bits = decisions.kinds;
    for (const [kind, bit] of LOG_KIND_BITS) if ((bits & bit) !== 0) kinds |= KIND_BIT[kind];
  } else {
    for (let i = 0; i < decisions.length; i++) kinds |= KIND_BIT[(decisions[i] as Decision).kind];
  }
  campaign.kinds = kinds;
}

/**
 * @internal What a campaign that met no choice point, or only ties, did not explore, with the fix; `undefined`
 * when it met anything else.
 */
export function choiceNotice(campaign: Campaign): string | undefined {
  const { kinds, runs, levels } = campaign;
  if (runs === 0 || kinds > 1) return undefined;
  const fix = campaign.program.async
    ? "timer delays here are fixed: give exploreAsync a jitter option (jitter: { relative: 0.5 } lets every setTimeout and setInterval fire up to 50% late, jitter: { absolute: 20 } up to 20 ms late), and deliver replies that may arrive in any order with loop.deliver(complete)"
    : "durations here are fixed: declare the uncertain ones with loop.jitter(min, max), and requests whose replies may arrive in any order with loop.deliver(complete)";
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
function* pilotRun(policy: ExplorationPolicy, loopSeed: number, run: number, base: RunOptions): Runs<RunObservation> {
  policy.beginRun(run);
  const traced = base.setup !== undefined ? true : "steppers";
  const { loop, failure, tasks } = yield* runRequest(policy, loopSeed, base, traced);
  return {
    decisions: policy.schedule().length,
    tasks: traced === true ? countSteppers(loop.trace?.events() ?? []) : tasks,
    failed: failure !== undefined,
  };
}

/**
 * Hands `policy` its pilot (see {@link ExplorationPolicy.calibrate}): run 0, run ahead of the campaign
 * when the campaign starts after it (a run is asked for, so the pilot cannot run inside `beginRun`).
 */
function* calibrate(campaign: Campaign, policy: ExplorationPolicy): Runs<void> {
  if (policy.calibrate === undefined) return;
  let observed: RunObservation | undefined;
  policy.calibrate((run) => {
    if (run !== 0 || observed === undefined) {
      throw new CheckArgumentError(
        `The policy ${policy.name} asked for a pilot of run ${run}: explore runs run 0 as the pilot, ahead of a campaign that starts later.`,
      );
    }
    return observed;
  });
  if (campaign.firstRun > 0) observed = yield* pilotRun(policy, runSeed(campaign.seed, 0), 0, campaign.base);
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

/** A passing run found not deterministic, as the failure of a strict campaign. */
function nondeterministicRun(warning: ExploreWarning): Omit<Found, "answers" | "policy"> {
  const d = warning.difference;
  return {
    run: warning.run,
    runSeed: warning.runSeed,
    failure: {
      kind: "nondeterminism",
      error: new NondeterminismError(d?.index ?? -1, d?.first ?? "", d?.second ?? "", warning.culprits),
    },
    nondeterministic: true,
  };
}

/** Whether the campaign's time budget is spent (checked before each run). */
function outOfTime(campaign: Campaign): boolean {
  return campaign.timeBudget !== undefined && performance.now() - campaign.started > campaign.timeBudget;
}

/** @internal The largest pick of the fast-check campaign's schedules (jitter picks span their range with it, see `choices`). */
export const FAST_CHECK_MAX_PICK = 7;

/** @internal The fast-check campaign's schedules: a pick list per run, long enough for real programs' decision points ("max" size draws lengths across the range). */
export const FAST_CHECK_PICKS: fc.Arbitrary<number[]> = fc.array(fc.nat({ max: FAST_CHECK_MAX_PICK }), {
  maxLength: 512,
  size: "max",
});

/** @internal fast-check's parameters for the campaign (seed, runs, the time left). */
export function fastCheckParameters(campaign: Campaign): fc.Parameters<[number[]]> {
  const timeBudget = campaign.timeBudget;
  return {
    seed: campaign.seed,
    numRuns: campaign.budget,
    // fast-check checks the limit before each run, as the other campaigns do (it also cuts its own
    // shrinking short, which is harmless: the failing schedule is shrunk again afterwards).
    ...(timeBudget === undefined
      ? {}
      : { interruptAfterTimeLimit: Math.max(0, timeBudget - (performance.now() - campaign.started)) }),
  };
}

/**
 * @internal The fast-check campaign's property (fast-check generates the picks of each run,
 * {@link choices}): one run, tallied until the first failure (fast-check's own shrinking runs after
 * it are not campaign runs). Returns whether the run passed.
 */
export function fastCheckProperty(campaign: Campaign): (picks: number[]) => Runs<boolean> {
  const { levels, seed, base, distinct, budget, onProgress } = campaign;
  const traced = base.setup !== undefined;
  let shrinking = false;
  return function* (picks) {
    const policy = choices(picks, levels, { maxPick: FAST_CHECK_MAX_PICK });
    policy._labelling(false);
    policy.beginRun(0);
    const { failure } = yield* runRequest(policy, seed, base, traced);
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
  };
}

/** @internal Once fast-check has checked: its counterexample re-run traced as the campaign's failure; the coverage. */
export function* fastCheckFound(campaign: Campaign, check: fc.RunDetails<[number[]]>): Runs<Coverage> {
  const { levels, seed, base } = campaign;
  if (check.failed && check.counterexample !== null) {
    const policy = choices(check.counterexample[0], levels, { maxPick: FAST_CHECK_MAX_PICK });
    policy.beginRun(0);
    const outcome = outcomeOf(yield* runRequest(policy, seed, base, true), policy);
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
function* recordingCampaign(campaign: Campaign, policy: RecordingPolicy): Runs<void> {
  const { seed, base, distinct, budget, firstRun, onProgress } = campaign;
  const countTasks = observesTasks(policy);
  // A setup hook may read the trace; the task count alone needs only a listener.
  const traced = base.setup !== undefined ? true : countTasks ? "steppers" : false;
  const labelled = policy._labelling(false);
  try {
    for (let i = 0; i < budget; i++) {
      const run = firstRun + i;
      if (outOfTime(campaign) || !policy.beginRun(run)) break;
      const loopSeed = runSeed(seed, run);
      const { loop, failure, tasks } = yield* runRequest(policy, loopSeed, base, traced);
      // Read from the policy's log: no object per decision unless the run is kept or re-run.
      const decisions = policy._log();
      campaign.runs++;
      campaign.decisionPoints += decisions.length;
      distinct.addLog(decisions);
      tallyKinds(campaign, decisions);
      policy.endRun({
        decisions: decisions.length,
        tasks: !countTasks ? 0 : traced === true ? countSteppers(loop.trace?.events() ?? []) : tasks,
        failed: failure !== undefined,
      });
      if (onProgress !== undefined) onProgress({ run, runs: budget, distinctSchedules: distinct.size });
      if (failure !== undefined) {
        campaign.found = { failure, run, runSeed: loopSeed, answers: decisions.decisions().slice(), policy };
        return;
      }
      if (campaign.warnings.length === 0 && sampled(i)) {
        const mode = campaign.program.async ? "async" : "generator";
        const warning = yield* passingRunCheck(mode, campaign.name, policy, run, loopSeed, base, decisions, loop);
        if (warning !== undefined) campaign.warnings.push(warning);
        if (warning !== undefined && campaign.strict) {
          campaign.found = { ...nondeterministicRun(warning), answers: decisions.decisions().slice(), policy };
          return;
        }
      }
    }
  } finally {
    policy._labelling(labelled);
  }
}

/** Any other policy runs as in {@link runProgram}: traced, its schedule read through `schedule()`. */
function* policyCampaign(campaign: Campaign, policy: ExplorationPolicy): Runs<void> {
  const { seed, base, distinct, budget, firstRun, onProgress } = campaign;
  for (let i = 0; i < budget; i++) {
    const run = firstRun + i;
    if (outOfTime(campaign) || !policy.beginRun(run)) break;
    const loopSeed = runSeed(seed, run);
    const outcome = outcomeOf(yield* runRequest(policy, loopSeed, base, true), policy);
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

/**
 * @internal The campaign of an exploring policy: the pilot if one is needed, then the runs. Returns
 * the coverage.
 */
export function* policyRuns(campaign: Campaign, policy: ExplorationPolicy): Runs<Coverage> {
  yield* calibrate(campaign, policy);
  if (isRecording(policy)) yield* recordingCampaign(campaign, policy);
  else yield* policyCampaign(campaign, policy);
  return policy.coverage();
}

/** @internal The campaign's inputs, from the options. */
export function startCampaign(
  program: ProgramIdentity,
  options: ExploreOptions,
  levels: PolicyLevels,
  reporter: ProgressReporter | null,
): Campaign {
  const spec = options.policy ?? "mixed";
  if (spec !== "exhaustive" && (options.reduce !== undefined || options.sharedState !== undefined)) {
    throw new CheckArgumentError(
      `The \`reduce\` and \`sharedState\` options belong to the exhaustive policy, got policy ${typeof spec === "string" ? JSON.stringify(spec) : JSON.stringify(spec.name)}: use policy: "exhaustive" (a policy object takes them itself: exhaustive({ reduce: true })), or drop them.`,
    );
  }
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
    name: program.name,
    strict: options.strictDeterminism === true,
    warnings: [],
    runs: 0,
    decisionPoints: 0,
    kinds: 0,
    found: undefined,
  };
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
