/**
 * The critical points of an uncertain duration: the values that cover every order its deadline can take
 * among the other deadlines in its range (docs/check.md, "What exhaustive covers").
 *
 * For a duration the loop follows to its timer (`uncertain(min, max)`), the loop reports the durations
 * inside the range at which other timers are due (core's `JitterPoint.deadlines`). Sorted with the bounds,
 * they cut the range into intervals; a value in the same open interval puts the deadline in the same
 * place among them, so one value per interval (its middle) stands for the interval, and each point
 * itself is a tie with that deadline (a choice of its own when the `ties` level is on). A bare
 * `loop.jitter` number comes with no deadlines: only its two bounds are known.
 *
 * @module
 */
import { CheckArgumentError } from "./errors.ts";

/**
 * The values exhaustive tries for a duration in `[min, max]`, smallest first: with `deadlines` (a followed
 * duration), the bounds, each deadline strictly inside, and the middle of each gap between consecutive
 * ones; without (a bare `loop.jitter` number), the two bounds.
 *
 * @example
 * ```ts
 * criticalPoints(0, 10, [3, 7]); // [0, 1.5, 3, 5, 7, 8.5, 10]
 * criticalPoints(0, 10, undefined); // [0, 10]
 * ```
 */
export function criticalPoints(min: number, max: number, deadlines: readonly number[] | undefined): number[] {
  if (min === max) return [min];
  if (deadlines === undefined) return [min, max];
  const cuts = [...new Set([min, max, ...deadlines.filter((d) => d > min && d < max)])].sort((a, b) => a - b);
  const points: number[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const at = cuts[i] as number;
    points.push(at);
    const next = cuts[i + 1];
    if (next === undefined) break;
    const middle = at + (next - at) / 2;
    // Too close to tell apart in floating point: the gap has no inside.
    if (middle > at && middle < next) points.push(middle);
  }
  return points;
}

/**
 * The share of random draws of a duration with other deadlines in its range that pick its place among
 * them first ({@link drawDuration}); the rest are uniform over the range.
 */
export const CRITICAL_DRAWS = 0.75;

/**
 * @internal The `criticalDraws` option of the random and PCT policies, checked: a number in [0, 1],
 * default {@link CRITICAL_DRAWS}.
 * @throws {@link CheckArgumentError} otherwise.
 */
export function criticalShare(share: number | undefined): number {
  if (share === undefined) return CRITICAL_DRAWS;
  if (!(typeof share === "number" && share >= 0 && share <= 1)) {
    throw new CheckArgumentError(`Expected \`criticalDraws\` to be a number in [0, 1], got \`${String(share)}\`.`);
  }
  return share;
}

/** The random source {@link drawDuration} needs (core's `Random` has it). */
export interface UniformSource {
  /** A number in `[0, 1)`. */
  next(): number;
  /** A number in `[low, high)`. */
  uniform(low: number, high: number): number;
}

/**
 * A random draw of an uncertain duration in `[min, max]` whose range holds other deadlines (`deadlines`,
 * the durations at which other timers are due: `JitterPoint.deadlines` of `uncertain(min, max)`). With
 * probability `critical` it first picks, uniformly, the duration's place among those deadlines — one of
 * the gaps between them (the bounds included) or a tie with one of them — and then, in a gap, a value
 * just after its start, just before its end or uniform inside it (a third each); otherwise, and always
 * when no deadline lies inside the range, it draws uniformly over the range.
 *
 * Why: a race that hides in durations usually needs one to land on a given side of another deadline, often
 * right next to it (a request just after an idle timeout, a job that ends just after a renewal went out):
 * drawn uniformly over the range, such a window can be a tiny share of it; picked by its place, every order
 * among the pending deadlines is as likely as any other, as fast-check's clockless scheduler makes every
 * order of pending promises. "Just" is a thousandth of the range, or half the gap when that is smaller.
 *
 * @example
 * ```ts
 * drawDuration(new Random(1), 3900, 4100, [4000]); // in [3900, 4000), 4000 (a tie) or in (4000, 4100]
 * ```
 */
export function drawDuration(
  rng: UniformSource,
  min: number,
  max: number,
  deadlines: readonly number[] | undefined,
  critical: number = CRITICAL_DRAWS,
): number {
  if (min === max) return min;
  if (deadlines === undefined || deadlines.length === 0 || !(critical > 0 && rng.next() < critical)) {
    return rng.uniform(min, max);
  }
  const inside = [...new Set(deadlines.filter((d) => d > min && d < max))].sort((a, b) => a - b);
  if (inside.length === 0) return rng.uniform(min, max);
  const slot = Math.min(2 * inside.length, Math.floor(rng.next() * (2 * inside.length + 1)));
  // Odd slots: a tie with deadline (slot - 1) / 2; even slots: the gap before deadline slot / 2 (or after the last).
  if (slot % 2 === 1) return inside[(slot - 1) / 2] as number;
  const low = slot === 0 ? min : (inside[slot / 2 - 1] as number);
  const high = slot === 2 * inside.length ? max : (inside[slot / 2] as number);
  const near = Math.min((max - min) / 1000, (high - low) / 2);
  const where = rng.next() * 3;
  if (where < 1) return slot === 0 ? min : Math.min(low + near, high);
  if (where < 2) return slot === 2 * inside.length ? max : Math.max(high - near, low);
  const value = rng.uniform(low, high);
  return value > low || slot === 0 ? value : low + near;
}

/**
 * @internal A draw of the mixed policy's seeded runs: picks the duration's order among the other
 * deadlines inside its range (`deadlines`, as in {@link drawDuration}), each order as likely as any other
 * — before all of them, between two neighbours, or after all of them — as a clockless scheduler picks
 * each order of pending completions; no tie, no uniform share. Where the value then lands leaves room for
 * the durations drawn after it: between two deadlines, uniformly inside the gap; before the first (after
 * the last) deadline, at the range's bound (`min` or `max`, the farthest from the neighbour). One
 * exception: when that neighbour is a timer of fixed duration (`drawn(d)` false: not a duration this run
 * drew) and the bound lies farther from it than `reach` (the shortest span of an uncertain duration the
 * program showed), the value lands just next to it instead ("just" as in {@link drawDuration}): a wide
 * range, a user's click around a refresh timer, then sits where the short durations after it can still
 * fall on either side of what the timer starts. Without a deadline inside the range the draw is uniform.
 *
 * Why: drawn by place with ties and a uniform share (drawDuration), each two-way order is a third of the
 * draws and a value next to its neighbour leaves later durations no room between them: a race that needs
 * four such orders in a row (refresh-token-reuse) was found once in sixty runs, where a clockless picker
 * needs one in twenty (docs/decisions/0042).
 */
export function drawOrder(
  rng: UniformSource,
  min: number,
  max: number,
  deadlines: readonly number[] | undefined,
  reach: number,
  drawn: (duration: number) => boolean,
): number {
  if (min === max) return min;
  const inside: number[] = [];
  for (const d of deadlines ?? []) if (d > min && d < max) inside.push(d);
  if (inside.length === 0) return rng.uniform(min, max);
  inside.sort((a, b) => a - b);
  let n = 1; // distinct deadlines, kept at the front
  for (let i = 1; i < inside.length; i++) {
    const d = inside[i] as number;
    if (d !== inside[n - 1]) inside[n++] = d;
  }
  const order = Math.min(n, Math.floor(rng.next() * (n + 1)));
  const near = (gap: number): number => Math.min((max - min) / 1000, gap / 2);
  if (order === 0) {
    const first = inside[0] as number;
    return first - min > reach && !drawn(first) ? first - near(first - min) : min;
  }
  if (order === n) {
    const last = inside[n - 1] as number;
    return max - last > reach && !drawn(last) ? last + near(max - last) : max;
  }
  const low = inside[order - 1] as number;
  const high = inside[order] as number;
  const value = rng.uniform(low, high);
  return value > low ? value : low + near(high - low);
}
