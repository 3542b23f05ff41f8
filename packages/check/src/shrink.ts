/**
 * Shrinking a failing schedule: the simplest schedule that still fails the same way.
 *
 * Order (simplest first): fewer deviations, then fewer decision points (trailing FIFO picks trimmed),
 * then smaller picks at the first difference ({@link compareSimplicity}). Steps, repeated until none
 * helps or the budget is spent:
 *
 * 1. reset chunks of deviations to FIFO at once, halving the chunk size down to single deviations (delta
 *    debugging, Zeller 2002), then every pair of deviations;
 * 2. reset one deviation while moving a jitter draw elsewhere: to its maximum, to a deadline of the run
 *    (a time something fired at, or for an `uncertain` duration a deadline the loop reported inside its
 *    range, so that the draw ties with it), or by the time the reset draw gave up, later (its slack
 *    moves to the other draw; what that draw's maximum cannot take spills onto the next draws) or earlier
 *    (everything after the reset draw comes that much earlier, and the other draw keeps its order with
 *    them) — one late event often stands in for two; last, reset a draw and a deviation of another kind
 *    together while the draw's slack moves to an earlier draw at its minimum;
 * 3. lower each remaining pick toward 1, and each jitter draw to its minimum, to a smaller deadline of
 *    the run, or halfway down.
 *
 * Each candidate is re-run twice if need be: replaying by position (decision i gets pick i), then
 * re-deriving the picks by identity (`rederiving`: the same question — kind, time, candidates — gets the
 * same answer even if an earlier change moved it). The run's own decisions become the candidate's actual
 * schedule; it is kept only if it fails with the same kind and is strictly simpler. The result is
 * {@link ShrinkResult.minimal} when a last full pass found no single reset, pair, move or snap that
 * still fails, within the budget.
 *
 * @module
 */
import type { PolicyLevels, TraceEvent } from "@simloop/core";
import type { RecordingPolicy } from "./exploration-policy.ts";
import { driveSync, executeSync, run as runRequest, type Runs } from "./internal/runs.ts";
import { rederiving } from "./rederiving.ts";
import { replaying } from "./replaying-policy.ts";
import { outcomeOf, type FailureKind, type Program, type RunOptions, type RunOutcome } from "./run-program.ts";
import { compareSimplicity, isDeviation, Schedule, type Decision } from "./schedule.ts";

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
  /**
   * Whether the schedule is minimal in the sense of the module doc: no single reset, pair of resets,
   * move or snap of it still fails (false when the budget ran out first).
   */
  readonly minimal: boolean;
}

/** How many deadlines of the run a jitter draw is snapped to, nearest first. */
const SNAPS = 6;

/**
 * The durations that would make the draw of `decision` end exactly when something of the run fired:
 * times of the trace after the draw, and for a duration the loop followed to its timer (`uncertain`)
 * the other deadlines it reported inside the range (its critical points), within the draw's bounds,
 * nearest to its pick first.
 */
function snapPoints(decision: Decision, trace: readonly TraceEvent[]): number[] {
  const min = decision.min ?? 0;
  const max = decision.max ?? 0;
  const at = decision.time ?? 0;
  const points = new Set<number>();
  for (const event of trace) {
    const duration = event.time - at;
    if (duration > min && duration <= max && duration !== decision.pick) points.add(duration);
  }
  for (const duration of decision.deadlines ?? []) {
    if (duration > min && duration <= max && duration !== decision.pick) points.add(duration);
  }
  return [...points].sort((a, b) => Math.abs(a - decision.pick) - Math.abs(b - decision.pick)).slice(0, SNAPS);
}

function isJitter(decision: Decision | undefined): boolean {
  return decision?.kind === "jitter";
}

/**
 * Shrinks a failing schedule (see the module doc for the order and the steps).
 *
 * @example
 * ```ts
 * const { schedule, minimal } = shrinkSchedule(program, failing.schedule, failing, { levels, kind: "error" });
 * schedule.deviations; // as few as the bug allows
 * ```
 */
export function shrinkSchedule(
  program: Program,
  start: Schedule,
  startOutcome: RunOutcome,
  options: ShrinkOptions,
): ShrinkResult {
  return driveSync(shrinking(start, startOutcome, options), executeSync(program));
}

/** The shrinker's state: the best schedule so far, with its outcome, and the runs spent. */
class Shrinker {
  best: Schedule;
  bestOutcome: RunOutcome;
  runs = 0;
  starved = false;
  private readonly seen = new Set<string>();
  readonly maxRuns: number;
  private readonly options: ShrinkOptions;
  private readonly run: RunOptions;

  constructor(start: Schedule, startOutcome: RunOutcome, options: ShrinkOptions) {
    this.best = start.trimmed();
    this.bestOutcome = startOutcome;
    this.maxRuns = options.maxRuns ?? 1000;
    this.options = options;
    const { levels: _levels, kind: _kind, maxRuns: _max, ...run } = options;
    this.run = run;
  }

  get spent(): boolean {
    return this.runs >= this.maxRuns;
  }

  /** Runs a candidate with `policy`: true when it fails the same way and is simpler (it becomes the best). */
  private *tryWith(key: string, policy: RecordingPolicy): Runs<boolean> {
    if (this.seen.has(key)) return false;
    if (this.spent) {
      this.starved = true;
      return false;
    }
    this.seen.add(key);
    this.runs++;
    policy.beginRun(0);
    const outcome = outcomeOf(yield* runRequest(policy, this.run.seed ?? 0, this.run, true), policy);
    if (outcome.failure?.kind !== this.options.kind) return false;
    const actual = outcome.schedule.trimmed();
    if (compareSimplicity(actual, this.best) >= 0) return false;
    this.best = actual;
    this.bestOutcome = outcome;
    return true;
  }

  /**
   * Runs the candidate by position; when the run asked other questions than the candidate records (a
   * change moved the later ones), runs it again re-deriving the picks by identity.
   */
  *attempt(candidate: Schedule): Runs<boolean> {
    const text = candidate.trimmed().toString();
    if (text === this.best.toString()) return false;
    const levels = this.options.levels;
    const byPosition = replaying(candidate, levels);
    if (yield* this.tryWith(`p:${text}`, byPosition)) return true;
    return (
      byPosition.divergence() !== null && (yield* this.tryWith(`r:${text}`, rederiving(candidate.decisions, levels)))
    );
  }
}

/** Step (1): reset chunks of deviations to FIFO, halving the chunk size. Returns whether one helped. */
function* resetChunks(shrinker: Shrinker): Runs<boolean> {
  let improved = false;
  let chunk = Math.max(1, Math.ceil(shrinker.best.deviations / 2));
  for (;;) {
    const indices = shrinker.best.deviationIndices();
    let progress = false;
    for (let from = 0; from < indices.length && !shrinker.spent; from += chunk) {
      let candidate = shrinker.best;
      for (const i of indices.slice(from, from + chunk)) candidate = candidate.withFifoAt(i);
      if (yield* shrinker.attempt(candidate)) {
        progress = improved = true;
        break;
      }
    }
    if (progress) {
      chunk = Math.max(1, Math.min(chunk, Math.ceil(shrinker.best.deviations / 2)));
      continue;
    }
    if (chunk === 1 || shrinker.spent) return improved;
    chunk = Math.ceil(chunk / 2);
  }
}

/**
 * Step (1), then: reset every pair of deviations. The chunks of two already tried the pairs they cover
 * (0 and 1, 2 and 3, …): those candidates are seen and cost no run; the other neighbours (1 and 2, …) do.
 */
function* resetPairs(shrinker: Shrinker, indices: readonly number[]): Runs<boolean> {
  const best = shrinker.best;
  for (let a = 0; a < indices.length; a++) {
    for (let b = a + 1; b < indices.length; b++) {
      if (yield* shrinker.attempt(best.withFifoAt(indices[a] as number).withFifoAt(indices[b] as number))) return true;
    }
  }
  return false;
}

/**
 * Step (2): reset one deviation while moving a jitter draw: by the reset draw's slack (later, then
 * earlier), to its maximum, or to a deadline.
 */
function* moveDraws(shrinker: Shrinker, indices: readonly number[]): Runs<boolean> {
  const best = shrinker.best;
  for (const j of indices) {
    const reset = best.decisions[j] as Decision;
    for (const i of indices) {
      const draw = best.decisions[i] as Decision;
      if (i === j || !isJitter(draw)) continue;
      const min = draw.min ?? 0;
      const max = draw.max ?? 0;
      const values = [max, ...snapPoints(draw, shrinker.bestOutcome.trace)];
      if (isJitter(reset)) {
        const slack = reset.pick - (reset.min ?? 0);
        values.unshift(Math.min(max, draw.pick + slack), draw.pick - slack);
      }
      for (const value of values) {
        if (value === draw.pick || value < min) continue;
        if (yield* shrinker.attempt(best.withFifoAt(j).withPick(i, value))) return true;
      }
      if (isJitter(reset) && (yield* shrinker.attempt(spillSlack(best, indices, j, i)))) return true;
    }
  }
  return false;
}

/**
 * Step (2)'s spill: `best` with draw `j` reset and its slack moved later onto draw `i` up to its maximum,
 * the rest onto the next jitter deviations (in order, from `i` on, around) each up to its maximum, so that
 * a chain of waits that needed all of it still ends when it did. When the slack fits in `i`, the same
 * candidate as the plain slack move (the attempt then skips it as seen).
 */
function spillSlack(best: Schedule, indices: readonly number[], j: number, i: number): Schedule {
  const reset = best.decisions[j] as Decision;
  let rest = reset.pick - (reset.min ?? 0);
  let candidate = best.withFifoAt(j);
  const at = indices.indexOf(i);
  const order = [...indices.slice(at), ...indices.slice(0, at)];
  for (const k of order) {
    const draw = best.decisions[k] as Decision;
    if (k === j || !isJitter(draw) || rest <= 0) continue;
    const take = Math.min(rest, (draw.max ?? 0) - draw.pick);
    if (take <= 0) continue;
    candidate = candidate.withPick(k, draw.pick + take);
    rest -= take;
  }
  return candidate;
}

/**
 * Step (2), last: reset a jitter deviation and a deviation of another kind (a tie, say) at once, moving
 * the draw's slack onto an earlier jitter draw that is not a deviation (at its minimum): the late wait
 * moves to an earlier link of its chain, which can give the order the other deviation had to force (the
 * timer is then armed later, and comes second in its tie by itself).
 */
function* shiftSlack(shrinker: Shrinker, indices: readonly number[]): Runs<boolean> {
  const best = shrinker.best;
  const resting = best.decisions.flatMap((decision, i) => (isJitter(decision) && !isDeviation(decision) ? [i] : []));
  for (const j of indices) {
    const reset = best.decisions[j] as Decision;
    if (!isJitter(reset)) continue;
    const slack = reset.pick - (reset.min ?? 0);
    for (const k of indices) {
      if (k === j || isJitter(best.decisions[k])) continue;
      const both = best.withFifoAt(j).withFifoAt(k);
      for (const i of resting) {
        if (i > j) break;
        const draw = best.decisions[i] as Decision;
        if (shrinker.spent) return false;
        if (yield* shrinker.attempt(both.withPick(i, Math.min(draw.max ?? 0, draw.pick + slack)))) return true;
      }
    }
  }
  return false;
}

/** Step (3): lower the remaining picks; snap jitter draws down to a deadline. */
function* lowerPicks(shrinker: Shrinker): Runs<boolean> {
  const best = shrinker.best;
  for (const i of best.deviationIndices()) {
    if (shrinker.spent) break;
    const decision = best.decisions[i] as Decision;
    if (isJitter(decision)) {
      const min = decision.min ?? 0;
      const lower = snapPoints(decision, shrinker.bestOutcome.trace)
        .filter((v) => v < decision.pick)
        .sort((a, b) => a - b);
      for (const value of [min, ...lower, min + (decision.pick - min) / 2]) {
        if (value !== decision.pick && (yield* shrinker.attempt(best.withPick(i, value)))) return true;
      }
    } else {
      for (let pick = 1; pick < decision.pick; pick++) {
        if (yield* shrinker.attempt(best.withPick(i, pick))) return true;
      }
    }
  }
  return false;
}

/** @internal {@link shrinkSchedule} as runs asked for (see `internal/runs.ts`): one shrinker for both modes. */
export function* shrinking(start: Schedule, startOutcome: RunOutcome, options: ShrinkOptions): Runs<ShrinkResult> {
  const shrinker = new Shrinker(start, startOutcome, options);
  let improved = true;
  while (improved && !shrinker.spent) {
    improved = yield* resetChunks(shrinker);
    if (improved) continue;
    const indices = shrinker.best.deviationIndices();
    improved =
      (yield* resetPairs(shrinker, indices)) ||
      (yield* moveDraws(shrinker, indices)) ||
      (yield* shiftSlack(shrinker, indices));
    if (improved) continue;
    improved = yield* lowerPicks(shrinker);
  }
  const { best, bestOutcome, runs, starved } = shrinker;
  return { schedule: best, outcome: bestOutcome, runs, minimal: !improved && !starved };
}
