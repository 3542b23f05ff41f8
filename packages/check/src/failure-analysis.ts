/**
 * What `explore` does with the first failing run of a campaign: re-run it traced (when it was explored
 * untraced), shrink its schedule, check that the minimal schedule replays to one trace (the determinism
 * self-check), and write the report.
 *
 * @module
 */
import type { PolicyLevels, SchedulingPolicy } from "@simloop/core";
import { compareTraces, type TraceDifference } from "./determinism.ts";
import { NondeterminismError } from "./errors.ts";
import type { Coverage } from "./exploration-policy.ts";
import type { ExploreFailure, ExploreOptions } from "./explore-options.ts";
import { verbatim } from "./internal/verbatim.ts";
import { describeLevels } from "./levels.ts";
import { replaying } from "./replaying-policy.ts";
import { formatReport, replayLine, type ReportInput, type TimerJitterBounds } from "./report.ts";
import { run as runRequest, type Runs } from "./internal/runs.ts";
import {
  classifyError,
  outcomeOf,
  type FailureKind,
  type RunFailure,
  type RunOptions,
  type RunOutcome,
} from "./run-program.ts";
import { Schedule, type Decision } from "./schedule.ts";
import { shrinking, type ShrinkResult } from "./shrink.ts";

/** @internal The first failing run: its outcome when it was run traced, else its answers, to re-run it traced. */
export interface Found {
  readonly run: number;
  readonly runSeed: number;
  readonly failure: RunFailure;
  readonly outcome?: RunOutcome;
  /** The exploring policy's answers, its name and levels (untraced runs only). */
  readonly answers?: readonly Decision[];
  readonly policy?: SchedulingPolicy;
  /** A passing run that the determinism self-check found not deterministic (a strict campaign). */
  readonly nondeterministic?: boolean;
}

/** @internal What the campaign reports besides the failure. */
export interface CampaignSummary {
  readonly runs: number;
  readonly coverage: Coverage;
  readonly policy: string;
}

/** The first difference between two runs' decisions (and failure kinds), as a trace difference. */
function decisionDifference(
  explored: readonly Decision[],
  exploredKind: FailureKind,
  rerun: RunOutcome,
): TraceDifference | null {
  const again = rerun.schedule.decisions;
  const text = (d: Decision | undefined): string =>
    d === undefined ? "<no decision>" : `choice ${d.kind} {"options":${d.options},"pick":${d.pick}}`;
  const choiceEvents = rerun.trace.filter((e) => e.kind === "choice");
  for (let i = 0; i < Math.max(explored.length, again.length); i++) {
    const a = explored[i];
    const b = again[i];
    if (a === undefined || b === undefined || text(a) !== text(b) || a.time !== b.time || a.iteration !== b.iteration) {
      return { index: choiceEvents[i]?.index ?? rerun.trace.length, first: text(a), second: text(b) };
    }
  }
  const kind = rerun.failure?.kind;
  if (kind === exploredKind) return null;
  return {
    index: rerun.trace.length,
    first: `<end of a run that failed: ${exploredKind}>`,
    second: kind === undefined ? "<end of a run that passed>" : `<end of a run that failed: ${kind}>`,
  };
}

/** The failing run, traced: as found, or re-run from the exploring policy's answers. */
interface TracedRun {
  readonly outcome: RunOutcome;
  /** Where the traced re-run left the explored run (`null`: it is the same run). */
  readonly mismatch: TraceDifference | null;
  /** The globals the re-run called. */
  readonly culprits: readonly string[];
}

/** An untraced failing run is re-run with the trace and labels on, from the exploring policy's answers. */
function* tracedRun(found: Found, run: RunOptions): Runs<TracedRun> {
  if (found.outcome !== undefined) return { outcome: found.outcome, mismatch: null, culprits: [] };
  const answers = found.answers ?? [];
  const explorer = found.policy as SchedulingPolicy;
  const error = found.failure.error;
  const thrown =
    found.failure.kind === "policy" && classifyError(error) === "policy"
      ? { value: (error as { cause?: unknown }).cause }
      : null;
  const policy = verbatim(explorer.name, explorer.levels, answers, thrown);
  policy.beginRun(0);
  const watched = yield* runRequest(policy, run.seed ?? 0, run, true, true);
  const outcome = outcomeOf(watched, policy);
  return { outcome, mismatch: decisionDifference(answers, found.failure.kind, outcome), culprits: watched.culprits };
}

/** The determinism self-check: the minimal schedule, twice, must give the shrunk run's trace; the first of the two (traced with call sites) is the report's run. */
function* selfCheck(
  shrunk: Pick<ShrinkResult, "schedule" | "outcome">,
  run: RunOptions,
  levels: PolicyLevels,
): Runs<{ difference: TraceDifference | null; culprits: readonly string[]; outcome: RunOutcome }> {
  const again = function* (): Runs<{ outcome: RunOutcome; culprits: readonly string[] }> {
    const policy = replaying(shrunk.schedule, levels);
    policy.beginRun(0);
    // With the user's call sites: the report is made of this run (sites change no order).
    const executed = yield* runRequest(policy, run.seed ?? 0, { ...run, sites: true }, true, true);
    return { outcome: outcomeOf(executed, policy), culprits: executed.culprits };
  };
  const a = yield* again();
  const b = yield* again();
  return {
    difference: compareTraces(a.outcome.trace, b.outcome.trace) ?? compareTraces(shrunk.outcome.trace, a.outcome.trace),
    culprits: [...new Set([...a.culprits, ...b.culprits])],
    outcome: a.outcome,
  };
}

/**
 * A deadlock whose run called real timers or native Promises: the report names them, since a future
 * settled from there is settled outside virtual time, after the run has already deadlocked.
 */
function withEscapes(report: string, culprits: readonly string[]): string {
  const escapes = [...new Set(culprits)];
  if (escapes.length === 0) return report;
  return `${report}\n\nThe run called ${escapes.join(", ")}: their callbacks run outside virtual time, so a future they settle never settles during the run (hence the deadlock). Use loop.callLater, loop.createFuture and the loop's tasks instead, or run async code in async mode (@simloop/async).`;
}

/**
 * The options of an async campaign that change what its runs do (the virtual globals' install options,
 * the leftover-timer rule): the replay line must carry them, or the replay runs another program (with
 * no timer jitter, the recorded jitter decisions are never asked for).
 */
const ASYNC_RUN_OPTIONS = ["now", "performanceOrigin", "timeZone", "random", "jitter", "toFake", "allowLeftoverTimers"];

/** The replay options that restore the levels (when they are not the default ones) and an async run's settings. */
function replayExtra(levels: PolicyLevels, options: ExploreOptions, async: boolean): { replayExtra?: string } {
  const parts: string[] = [];
  // jitter and io need no option: a replay turns them on when the schedule holds their decisions.
  const nonDefault = (["interleave", "faults"] as const).filter((l) => levels[l]);
  if (nonDefault.length > 0 || !levels.ties) {
    parts.push(`levels: { ${(["ties", ...nonDefault] as const).map((l) => `${l}: ${String(levels[l])}`).join(", ")} }`);
  }
  if (async) {
    const given = options as Readonly<Record<string, unknown>>;
    for (const key of ASYNC_RUN_OPTIONS) {
      const value = given[key];
      if (value === undefined) continue;
      parts.push(`${key}: ${value instanceof Date ? `new Date(${value.getTime()})` : JSON.stringify(value)}`);
    }
  }
  return parts.length === 0 ? {} : { replayExtra: parts.join(", ") };
}

/** An async campaign's timer jitter (the install's `jitter` option), for the report's words. */
function timerJitterOf(options: ExploreOptions, async: boolean): { timerJitter?: TimerJitterBounds } {
  const jitter = async ? (options as { readonly jitter?: TimerJitterBounds }).jitter : undefined;
  return jitter === undefined ? {} : { timerJitter: jitter };
}

/** @internal Who the program is: its name in reports, its function's name, whether it is an async one. */
export interface ProgramIdentity {
  readonly name: string;
  readonly functionName: string;
  readonly async: boolean;
}

/**
 * @internal Analyses the first failing run of a campaign (see the module doc) into the failure
 * `explore` returns.
 */
export function* analyseFailure(
  program: ProgramIdentity,
  options: ExploreOptions,
  found: Found,
  levels: PolicyLevels,
  base: RunOptions,
  summary: CampaignSummary,
): Runs<ExploreFailure> {
  const run = { ...base, seed: found.runSeed };
  const traced = yield* tracedRun(found, run);
  const first = traced.outcome;
  // A run cut by its watchdog (real time) is not a function of its schedule: reported as found.
  const cut = found.failure.kind === "watchdog";
  const mismatch = cut ? null : traced.mismatch;
  const failure = cut ? found.failure : (first.failure ?? found.failure);
  // A policy that broke its contract fails only under itself: a replay (shrinking, the self-check) asks
  // the replaying policy instead, so its failure is reported as found, with the policy's own error.
  const policyFailure = failure.kind === "policy";
  // A strict campaign's nondeterministic passing run: nothing fails to shrink, the finding is the failure.
  const asFound = policyFailure || cut || found.nondeterministic === true;
  const original = mismatch === null ? first.schedule.trimmed() : new Schedule(found.answers ?? []).trimmed();
  const shrunk: Omit<ShrinkResult, "minimal"> & { readonly minimal?: boolean } =
    options.shrink === false || mismatch !== null || asFound
      ? { schedule: original, outcome: first, runs: 0 }
      : yield* shrinking(original, first, {
          ...run,
          levels,
          kind: failure.kind,
          ...(options.maxShrinkRuns === undefined ? {} : { maxRuns: options.maxShrinkRuns }),
        });
  const checked = asFound
    ? { difference: null, culprits: [], outcome: shrunk.outcome }
    : yield* selfCheck(shrunk, run, levels);
  const difference = checked.difference ?? mismatch;
  let kind = shrunk.outcome.failure?.kind ?? failure.kind;
  let error = shrunk.outcome.failure?.error ?? failure.error;
  if (found.nondeterministic === true) {
    kind = found.failure.kind;
    error = found.failure.error;
  } else if (difference !== null) {
    kind = "nondeterminism";
    const culprits = mismatch === null ? checked.culprits : [...new Set([...checked.culprits, ...traced.culprits])];
    error = new NondeterminismError(difference.index, difference.first, difference.second, culprits);
  }
  const seed = options.seed ?? 0;
  const reportInput: ReportInput = {
    name: program.name,
    program: program.functionName,
    async: program.async,
    kind,
    error,
    policy: summary.policy,
    levels: describeLevels(levels),
    seed,
    run: found.run,
    runSeed: found.runSeed,
    runs: summary.runs,
    schedule: shrunk.schedule,
    original,
    shrinkRuns: shrunk.runs,
    ...(shrunk.minimal === undefined ? {} : { minimal: shrunk.minimal }),
    trace: checked.outcome.trace,
    decisions: checked.outcome.schedule,
    tasks: checked.outcome.loop.trace?.sites?.tasks() ?? [],
    coverage: summary.coverage,
    ...replayExtra(levels, options, program.async),
    ...timerJitterOf(options, program.async),
  };
  const formatted = formatReport(reportInput);
  // An async run's deadlock names the real resources it escaped to itself (AsyncDeadlockError).
  const report =
    kind === "deadlock" && !program.async
      ? withEscapes(formatted, [...checked.culprits, ...traced.culprits])
      : formatted;
  return {
    kind,
    error,
    schedule: shrunk.schedule,
    original,
    seed,
    runSeed: found.runSeed,
    run: found.run,
    shrinkRuns: shrunk.runs,
    ...(shrunk.minimal === undefined ? {} : { minimal: shrunk.minimal }),
    report,
    trace: checked.outcome.trace,
    decisions: checked.outcome.schedule,
    tasks: reportInput.tasks ?? [],
    replay: replayLine(reportInput),
    ...(program.async ? { async: true as const } : {}),
    ...(reportInput.timerJitter === undefined ? {} : { timerJitter: reportInput.timerJitter }),
  };
}
