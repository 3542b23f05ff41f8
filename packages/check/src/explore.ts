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
import type { PolicyLevels } from "@simloop/core";
import {
  fastCheckFound,
  fastCheckParameters,
  fastCheckProperty,
  FAST_CHECK_PICKS,
  makePolicy,
  policyRuns,
  startCampaign,
  choiceNotice,
  type Campaign,
} from "./campaign.ts";
import fc from "fast-check";
import { ExplorationFailedError } from "./errors.ts";
import { RecordingPolicy, type Coverage } from "./exploration-policy.ts";
import type { ExploreOptions, ExploreResult } from "./explore-options.ts";
import { analyseFailure, type ProgramIdentity } from "./failure-analysis.ts";
import { driveSync, executeSync, type Runs } from "./internal/runs.ts";
import { resolveLevels } from "./levels.ts";
import { ProgressReporter } from "./progress.ts";
import type { Program } from "./run-program.ts";

/** @internal Who `program` is, for reports (`name` is the `name` option, else the function's name). */
export function identify(program: { readonly name: string }, options: ExploreOptions, async: boolean): ProgramIdentity {
  const functionName = typeof program.name === "string" ? program.name : "";
  return { name: options.name ?? (functionName === "" ? "program" : functionName), functionName, async };
}

/** @internal What `explore` and `exploreAsync` share before the runs: the levels, the reporter, the campaign. */
export function beginExploring(
  program: ProgramIdentity,
  options: ExploreOptions,
): { campaign: Campaign; reporter: ProgressReporter | null } {
  const levels = resolveLevels(options.levels ?? (typeof options.policy === "object" ? options.policy.levels : {}));
  const output = options.output ?? false;
  const reporter = output === false ? null : new ProgressReporter(output, program.name, options.timeBudgetMs);
  return { campaign: startCampaign(program, options, levels, reporter), reporter };
}

/**
 * @internal The campaign of `options.policy` other than fast-check, then its end: what every campaign
 * ends with once its runs are done ({@link endCampaign}).
 */
export function* exploring(
  campaign: Campaign,
  options: ExploreOptions,
  reporter: ProgressReporter | null,
): Runs<ExploreResult> {
  const policy = makePolicy(options, campaign.levels, campaign.program.async);
  const coverage = yield* policyRuns(campaign, policy);
  // A policy named by the options is the campaign's own: nothing reads its log any more.
  if (typeof options.policy !== "object" && policy instanceof RecordingPolicy) policy._release();
  return yield* endCampaign(campaign, options, reporter, coverage, policy.name);
}

/** @internal The result of a campaign whose runs are done: the failing run analysed, the summary line written. */
export function* endCampaign(
  campaign: Campaign,
  options: ExploreOptions,
  reporter: ProgressReporter | null,
  coverage: Coverage,
  policyName: string,
): Runs<ExploreResult> {
  const levels: PolicyLevels = campaign.levels;
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
    warnings: campaign.warnings,
  };
  const found = campaign.found;
  const explored: ExploreResult =
    found === undefined
      ? { ok: true, ...result }
      : {
          ok: false,
          ...result,
          failure: yield* analyseFailure(campaign.program, options, found, levels, campaign.base, result),
        };
  reporter?.end(explored);
  return explored;
}

/** @internal Throws the failure of `result`, if any, as {@link ExplorationFailedError} (the assert entries). */
export function assertPassed(result: ExploreResult): ExploreResult {
  const failure = result.failure;
  if (failure !== undefined) {
    throw new ExplorationFailedError(failure.report, failure.kind, failure.schedule.toString(), failure.error);
  }
  return result;
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
  const { campaign, reporter } = beginExploring(identify(program, options, false), options);
  const execute = executeSync(program);
  if (options.policy !== "fast-check") return driveSync(exploring(campaign, options, reporter), execute);
  const property = fastCheckProperty(campaign);
  const check = fc.check(
    fc.property(FAST_CHECK_PICKS, (picks) => driveSync(property(picks), execute)),
    fastCheckParameters(campaign),
  );
  const coverage = driveSync(fastCheckFound(campaign, check), execute);
  return driveSync(endCampaign(campaign, options, reporter, coverage, "fast-check"), execute);
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
  return assertPassed(explore(program, options));
}
