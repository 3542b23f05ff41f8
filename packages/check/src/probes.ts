/**
 * The fixed probe runs the mixed policy starts with (`mixed`, the default of `explore`): three schedules
 * that do not depend on the seed, each the opposite of a plain run in one way a real race often needs.
 *
 * - **late** (run 0): every tie fires its most recently scheduled timer first, and every uncertain
 *   duration takes its maximum (replies arrive as late as they may: after timeouts, after the work
 *   they raced with).
 * - **just after** (run 1): every uncertain duration lands just after the earliest other deadline
 *   pending inside its range (a request just after an idle timeout, a job that ends just after a
 *   renewal went out), its maximum when none is; ties as in late.
 * - **overtake** (run 2): every uncertain duration lands just before the earliest deadline this run
 *   drew earlier that is still ahead and inside its range (a later request's reply overtakes an
 *   earlier one), its maximum when none is; ties as in late.
 *
 * A campaign's first three runs are these whatever the seed, so a bug one of them shows is found in
 * one to three runs on every seed; the runs after them are seeded (random and PCT, alternating).
 *
 * @module
 */
import type { ChoicePoint, JitterPoint } from "@simloop/core";

/** The probe runs, in run order. */
export const PROBES = ["late", "just after", "overtake"] as const;

/** One of {@link PROBES}. */
export type Probe = (typeof PROBES)[number];

/**
 * @internal The probe's answer to a choice point: the last candidate of a tie, of an interleaving or of
 * an I/O delivery (the timer, when it competes: no reply yet), no fault.
 */
export function probePick(point: ChoicePoint): number {
  if (point.kind === "fault") return 0;
  if (point.kind === "tie") return point.candidates.length - 1;
  return point.options - 1;
}

/** How close "just" is: a thousandth of the range, or half the gap when that is smaller. */
function near(point: JitterPoint, gap: number): number {
  return Math.min((point.max - point.min) / 1000, gap / 2);
}

/**
 * @internal The probe's value for an uncertain duration. `drawn` holds the absolute due times this run
 * drew so far (the overtake probe reads them; the caller adds the value returned).
 */
export function probeDraw(probe: Probe, point: JitterPoint, drawn: readonly number[]): number {
  const { min, max } = point;
  if (probe === "late") return max;
  if (probe === "just after") {
    let first = Infinity;
    let second = Infinity;
    for (const d of point.deadlines ?? []) {
      if (!(d > min && d < max)) continue;
      if (d < first) {
        second = first;
        first = d;
      } else if (d > first && d < second) second = d;
    }
    if (first === Infinity) return max;
    return Math.min(max, first + near(point, Math.min(second, max) - first));
  }
  let earliest = Infinity;
  for (const at of drawn) {
    const d = at - point.time;
    if (d > min && d < max && d < earliest) earliest = d;
  }
  if (earliest === Infinity) return max;
  return Math.max(min, earliest - near(point, earliest - min));
}
