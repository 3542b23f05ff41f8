/**
 * What the mixed policy learns from run 0 (the late probe) for its seeded runs: the fixed deadlines its
 * draws met in their ranges, including those armed after a draw, which that draw could not see; and the
 * shortest span of an uncertain duration, the reach of `drawOrder` (decision 0042).
 *
 * @module
 */
import type { JitterPoint } from "@simloop/core";
import type { DecisionLog } from "./decision-log.ts";

/** The most deadlines a mixed policy learns from run 0 (the first ones met): a bound on a draw's cost. */
const LEARNED_DEADLINES = 64;

/**
 * @internal The absolute due times of the fixed deadlines that `log`'s draws met in their range (those
 * pending at the draw, and those armed while it was pending, which the loop appends), sorted, at most
 * {@link LEARNED_DEADLINES}. A pending timer of another uncertain duration is left out: each run draws
 * it anew.
 */
export function learnDeadlines(log: DecisionLog): number[] {
  const dues: number[] = [];
  for (let i = 0; i < log.length; i++) {
    if (log.kindAt(i) !== "jitter") continue;
    const decision = log.at(i);
    dues.push((decision.time ?? 0) + decision.pick);
  }
  dues.sort((a, b) => a - b);
  const learned = new Set<number>();
  for (let i = 0; i < log.length && learned.size < LEARNED_DEADLINES; i++) {
    if (log.kindAt(i) !== "jitter") continue;
    const decision = log.at(i);
    for (const d of decision.deadlines ?? []) {
      if (learned.size >= LEARNED_DEADLINES) break;
      const at = (decision.time ?? 0) + d;
      if (!hasInstant(dues, at)) learned.add(at);
    }
  }
  return [...learned].sort((a, b) => a - b);
}

/**
 * @internal Whether two due times are one instant, to a rounding error (a deadline reported as a
 * duration from a draw's time, added back to that time, can differ from the due time in its last bit).
 */
export function sameInstant(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

/** Whether the sorted `dues` hold `at` (to a rounding error): a binary search. */
function hasInstant(dues: readonly number[], at: number): boolean {
  let low = 0;
  let high = dues.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((dues[mid] as number) < at) low = mid + 1;
    else high = mid;
  }
  const next = dues[low];
  const previous = dues[low - 1];
  return (next !== undefined && sameInstant(next, at)) || (previous !== undefined && sameInstant(previous, at));
}

/** @internal The shortest span (max − min, above 0) of the uncertain durations `log` drew; Infinity if none. */
export function shortestSpan(log: DecisionLog): number {
  let shortest = Infinity;
  for (let i = 0; i < log.length; i++) {
    if (log.kindAt(i) !== "jitter") continue;
    const decision = log.at(i);
    const span = (decision.max ?? 0) - (decision.min ?? 0);
    if (span > 0 && span < shortest) shortest = span;
  }
  return shortest;
}

/** @internal `point`'s deadlines with the learned due times inside its range added (as durations from its time). */
export function withLearned(learned: readonly number[], point: JitterPoint): readonly number[] | undefined {
  const deadlines = point.deadlines;
  if (deadlines === undefined) return undefined;
  const low = point.time + point.min;
  const high = point.time + point.max;
  let merged: number[] | undefined;
  for (const at of learned) {
    if (at <= low || at >= high) continue;
    merged ??= deadlines.slice();
    merged.push(at - point.time);
  }
  return merged ?? deadlines;
}
