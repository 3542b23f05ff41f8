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
