/**
 * The default policy of `simloopScheduler()`: its picks among the scheduled tasks are fast-check's own
 * draws, made as `fc.scheduler()` makes them.
 *
 * `fc.scheduler()` clones the random generator its run was given and, each time it releases a task,
 * draws `nextInt(0, pending − 1)` from that clone (also when one task is pending: the draw is then
 * spent on a forced pick). This policy draws from a clone of the same generator in the same way: a
 * delivery choice point (two or more tasks pending) is one draw over its options, and a release the
 * loop made without asking (one task pending) spends one draw, as `fc.scheduler()`'s would. Pending
 * tasks are offered in the order they were scheduled, as in `fc.scheduler()`'s list, so on a program
 * without timers the same seed releases the tasks in the same order as `fc.scheduler()`: the drop-in
 * finds what it finds, in as many runs, and a failing seed keeps failing after the switch.
 *
 * What `fc.scheduler()` has no counterpart for is drawn apart, from a PRNG seeded by the run (as the
 * `random` policy draws): timers due together (`ties`), timer jitter (`jitter`), so the tasks' draws stay
 * fast-check's. The option of letting a pending timer fire first is one more option of the delivery's
 * draw.
 *
 * @module
 */
import { Random, type ChoicePoint, type JitterPoint } from "@simloop/core";
import type fc from "fast-check";
import { criticalShare, drawDuration } from "../critical-points.ts";
import { runSeed, RecordingPolicy } from "../exploration-policy.ts";
import { resolveLevels, type LevelOptions } from "../levels.ts";

/** The probability of cancelling at a fault point (`faults` level), as the `random` policy's default. */
const FAULT_PROBABILITY = 0.1;

/** @internal The policy of a generated `SimloopScheduler` under `policy: "fast-check"` (see the module doc). */
export class SchedulerDraws extends RecordingPolicy {
  private readonly draws: fc.Random;
  private readonly rng: Random;
  private readonly criticalDraws = criticalShare(undefined);
  /** Whether the policy picked a task since the last release: a release without a pick spends a draw. */
  private picked = false;

  /** `draws`: a clone of the generator fast-check gave the run; `seed`: the run's seed for the other draws. */
  constructor(draws: fc.Random, seed: number, levels: LevelOptions) {
    super("fast-check draws", resolveLevels(levels));
    this.draws = draws;
    this.rng = new Random(runSeed(seed, 0));
  }

  /** A scheduled task was released: when the loop released it without asking (one pending), one draw is spent. */
  released(): void {
    if (!this.picked) this.draws.nextInt(0, 0);
    this.picked = false;
  }

  protected pick(point: ChoicePoint): number {
    if (point.kind !== "delivery") {
      return point.kind === "fault"
        ? this.rng.next() < FAULT_PROBABILITY
          ? 1
          : 0
        : this.rng.integer(0, point.options - 1);
    }
    const pick = this.draws.nextInt(0, point.options - 1);
    // Letting the timer fire first releases nothing: the next release is still to be drawn.
    if (pick < point.candidates.length) this.picked = true;
    return pick;
  }

  protected draw(point: JitterPoint): number {
    return drawDuration(this.rng, point.min, point.max, point.deadlines, this.criticalDraws);
  }
}
