/**
 * Shrinking a failing schedule: the simplest schedule that still fails the same way.
 *
 * Order (simplest first): fewer deviations, then fewer decision points (trailing FIFO picks trimmed),
 * then smaller picks at the first difference ({@link compareSimplicity}). Steps, repeated until none
 * helps or the budget is spent: (1) reset chunks of deviations to FIFO at once, halving the chunk size
 * down to single deviations (delta debugging, Zeller 2002); (2) lower each remaining pick toward 1
 * (and jitter draws toward their minimum). Each candidate is re-run with the lenient replaying policy
 * (a changed pick changes what comes later: the run's own decisions become the candidate's actual
 * schedule) and kept only if it fails with the same kind and is strictly simpler.
 *
 * @module
 */
import type { PolicyLevels } from "@simloop/core";
import { replaying } from "./replaying.ts";
import { runProgram, type FailureKind, type Program, type RunOptions, type RunOutcome } from "./run-program.ts";
import { compareSimplicity, Schedule, type Decision } from "./schedule.ts";

/** Options of {@link shrinkSchedule}. */
export interface ShrinkOptions extends Omit<RunOptions, "policy"> {
  /** The levels of the exploration that found the failure. */
  readonly levels: PolicyLevels;
  /** The failure kind to preserve. */
  readonly kind: FailureKind;
  /** The largest number of candidate runs. Default 1000. */
  readonly maxRuns?: number;
}

/** What shrinking produced. */
export interface ShrinkResult {
  /** The simplest failing schedule found (trimmed). */
  readonly schedule: Schedule;
  /** The outcome of its run. */
  readonly outcome: RunOutcome;
  /** Candidate runs spent. */
  readonly runs: number;
}

/**
 * Shrinks a failing schedule (see the module doc for the order and the steps).
 *
 * @example
 * ```ts
 * const { schedule } = shrinkSchedule(program, failing.schedule, failing, { levels, kind: "error" });
 * schedule.deviations; // as few as the bug allows
 * ```
 */
export function shrinkSchedule(
  program: Program,
  start: Schedule,
  startOutcome: RunOutcome,
  options: ShrinkOptions,
): ShrinkResult {
  const maxRuns = options.maxRuns ?? 1000;
  let best = start.trimmed();
  let bestOutcome = startOutcome;
  let runs = 0;
  const seen = new Set<string>([best.toString()]);

  const attempt = (candidate: Schedule): boolean => {
    const key = candidate.trimmed().toString();
    if (seen.has(key) || runs >= maxRuns) return false;
    seen.add(key);
    runs++;
    const policy = replaying(candidate, options.levels);
    policy.beginRun(0);
    const { levels: _levels, kind: _kind, maxRuns: _max, ...run } = options;
    const outcome = runProgram(program, { ...run, policy });
    if (outcome.failure?.kind !== options.kind) return false;
    const actual = outcome.schedule.trimmed();
    if (compareSimplicity(actual, best) >= 0) return false;
    best = actual;
    bestOutcome = outcome;
    return true;
  };

  let improved = true;
  while (improved && runs < maxRuns) {
    improved = false;
    // (1) Reset chunks of deviations to FIFO, halving the chunk size.
    let chunk = Math.max(1, Math.ceil(best.deviations / 2));
    for (;;) {
      const indices = best.deviationIndices();
      let progress = false;
      for (let from = 0; from < indices.length && runs < maxRuns; from += chunk) {
        let candidate = best;
        for (const i of indices.slice(from, from + chunk)) candidate = candidate.withFifoAt(i);
        if (attempt(candidate)) {
          progress = improved = true;
          break;
        }
      }
      if (progress) {
        chunk = Math.max(1, Math.min(chunk, Math.ceil(best.deviations / 2)));
        continue;
      }
      if (chunk === 1 || runs >= maxRuns) break;
      chunk = Math.ceil(chunk / 2);
    }
    // (2) Lower the remaining picks.
    for (const i of best.deviationIndices()) {
      if (runs >= maxRuns) break;
      const decision = best.decisions[i] as Decision;
      if (decision.kind === "jitter") {
        const min = decision.min ?? 0;
        for (const value of [min, min + (decision.pick - min) / 2]) {
          if (value !== decision.pick && attempt(best.withPick(i, value))) {
            improved = true;
            break;
          }
        }
      } else {
        for (let pick = 1; pick < decision.pick; pick++) {
          if (attempt(best.withPick(i, pick))) {
            improved = true;
            break;
          }
        }
      }
      if (improved) break;
    }
  }
  return { schedule: best, outcome: bestOutcome, runs };
}
