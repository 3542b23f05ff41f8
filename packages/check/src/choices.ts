/**
 * Fast-check-driven schedules: a policy whose picks come from a generated array of naturals, so that
 * fast-check's shrinking of the array (shorter, then smaller numbers) shrinks the schedule toward FIFO
 * (all zeros) for free — where fast-check's own `fc.scheduler` cannot shrink a schedule at all.
 *
 * @module
 */
import fc from "fast-check";
import type { ChoicePoint, JitterPoint } from "@simloop/core";
import { criticalPoints } from "./critical-points.ts";
import { CheckArgumentError } from "./errors.ts";
import { RecordingPolicy } from "./exploration-policy.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";

/** The resolution of jitter draws without `maxPick`: `min + (n mod (R+1)) / R · (max − min)`. */
const JITTER_STEPS = 100;

/** Options of {@link choices}. */
export interface ChoicesOptions {
  /**
   * The largest pick the generator produces (what {@link scheduleArb} and `explore`'s fast-check policy
   * pass). With it, a jitter pick n spans the whole range: a duration the loop follows
   * (`uncertain(min, max)`) takes its critical point number n mod c (of the c that exhaustive tries:
   * the bounds, each other deadline in the range, the middle of each gap; spread evenly over them when
   * c > maxPick + 1), a bare `loop.jitter` number the fraction (n mod (maxPick + 1)) / maxPick of its
   * range. Without it, n is read as hundredths of the range ((n mod 101) / 100), as replayed picks are
   * written. Default: none.
   */
  readonly maxPick?: number;
}

/**
 * The value of jitter pick `n` for `point` (see {@link ChoicesOptions.maxPick}).
 *
 * @example
 * ```ts
 * jitterPick(2, { min: 3900, max: 4100, deadlines: [4000] }, 7); // 4000: critical points 3900, 3950, 4000, 4050, 4100
 * ```
 */
export function jitterPick(
  n: number,
  point: Pick<JitterPoint, "min" | "max" | "deadlines">,
  maxPick: number | undefined,
): number {
  const { min, max } = point;
  if (maxPick === undefined || maxPick < 1) return min + ((n % (JITTER_STEPS + 1)) / JITTER_STEPS) * (max - min);
  const m = n % (maxPick + 1);
  if (point.deadlines === undefined) return m === maxPick ? max : min + (m / maxPick) * (max - min);
  const points = criticalPoints(min, max, point.deadlines);
  const index = points.length <= maxPick + 1 ? m % points.length : Math.round((m * (points.length - 1)) / maxPick);
  return points[index] as number;
}

class ChoicesPolicy extends RecordingPolicy {
  readonly picks: readonly number[];
  private readonly maxPick: number | undefined;

  constructor(picks: readonly number[], levels: LevelOptions, maxPick: number | undefined) {
    super("fast-check", resolveLevels(levels));
    this.picks = picks;
    this.maxPick = maxPick;
  }

  protected pick(point: ChoicePoint): number {
    return (this.picks[this.step] ?? 0) % point.options;
  }

  protected draw(point: JitterPoint): number {
    return jitterPick(this.picks[this.step] ?? 0, point, this.maxPick);
  }

  override toString(): string {
    return `choices([${this.picks.join(", ")}])`;
  }
}

/**
 * A policy answering decision i with `picks[i] mod options` (FIFO past the end); jitter draws map
 * `picks[i]` onto their range ({@link ChoicesOptions.maxPick}). All zeros is asyncio's order.
 *
 * @throws {@link CheckArgumentError} when `maxPick` is given and is not an integer >= 1.
 * @example
 * ```ts
 * const loop = new EventLoop({ policy: choices([0, 1, 1]) });
 * ```
 */
export function choices(
  picks: readonly number[],
  levels: LevelOptions = {},
  options: ChoicesOptions = {},
): RecordingPolicy {
  const maxPick = options.maxPick;
  if (maxPick !== undefined && !(Number.isInteger(maxPick) && maxPick >= 1)) {
    throw new CheckArgumentError(`Expected \`maxPick\` to be an integer >= 1, got \`${String(maxPick)}\`.`);
  }
  return new ChoicesPolicy(picks, levels, maxPick);
}

/** Options of {@link scheduleArb}. */
export interface ScheduleArbOptions {
  /** The levels the generated policies ask about. Default: ties only. */
  readonly levels?: LevelOptions;
  /** The longest pick array. Default 64. */
  readonly maxLength?: number;
  /** The largest pick. Default 7 (option counts are usually small). */
  readonly maxPick?: number;
}

/**
 * A fast-check arbitrary of scheduling policies (`fc.array(fc.nat())` mapped through {@link choices}),
 * to combine schedule choices with your own generated inputs in `fc.assert`; fast-check shrinks both,
 * and the schedule toward FIFO.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(scheduleArb(), fc.nat(5), (policy, amount) => {
 *   const outcome = runProgram(makeProgram(amount), { policy });
 *   return outcome.failure === undefined;
 * }));
 * ```
 */
export function scheduleArb(options: ScheduleArbOptions = {}): fc.Arbitrary<RecordingPolicy> {
  const levels = options.levels ?? {};
  const maxPick = options.maxPick ?? 7;
  return fc.array(fc.nat({ max: maxPick }), { maxLength: options.maxLength ?? 64 }).map(
    (picks) => choices(picks, levels, maxPick >= 1 ? { maxPick } : {}),
    (policy) => {
      if (policy instanceof ChoicesPolicy) return policy.picks.slice();
      throw new Error("not a choices policy");
    },
  );
}
