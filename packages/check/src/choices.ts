/**
 * Fast-check-driven schedules: a policy whose picks come from a generated array of naturals, so that
 * fast-check's shrinking of the array (shorter, then smaller numbers) shrinks the schedule toward FIFO
 * (all zeros) for free — where fast-check's own `fc.scheduler` cannot shrink a schedule at all.
 *
 * @module
 */
import fc from "fast-check";
import type { ChoicePoint, JitterPoint } from "@simloop/core";
import { RecordingPolicy } from "./exploration-policy.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";

/** The resolution of jitter draws from generated naturals: `min + (n mod (R+1)) / R · (max − min)`. */
const JITTER_STEPS = 100;

class ChoicesPolicy extends RecordingPolicy {
  readonly picks: readonly number[];

  constructor(picks: readonly number[], levels: LevelOptions) {
    super("fast-check", resolveLevels(levels));
    this.picks = picks;
  }

  protected pick(point: ChoicePoint): number {
    return (this.picks[this.step] ?? 0) % point.options;
  }

  protected draw(point: JitterPoint): number {
    const n = (this.picks[this.step] ?? 0) % (JITTER_STEPS + 1);
    return point.min + (n / JITTER_STEPS) * (point.max - point.min);
  }

  override toString(): string {
    return `choices([${this.picks.join(", ")}])`;
  }
}

/**
 * A policy answering decision i with `picks[i] mod options` (FIFO past the end); jitter draws map
 * `picks[i]` onto their range. All zeros is asyncio's order.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ policy: choices([0, 1, 1]) });
 * ```
 */
export function choices(picks: readonly number[], levels: LevelOptions = {}): RecordingPolicy {
  return new ChoicesPolicy(picks, levels);
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
  return fc.array(fc.nat({ max: options.maxPick ?? 7 }), { maxLength: options.maxLength ?? 64 }).map(
    (picks) => choices(picks, levels),
    (policy) => {
      if (policy instanceof ChoicesPolicy) return policy.picks.slice();
      throw new Error("not a choices policy");
    },
  );
}
