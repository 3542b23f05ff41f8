/**
 * The random policy: a uniform pick at every decision point, seeded per run.
 *
 * @module
 */
import { Random, type ChoicePoint, type JitterPoint } from "@simloop/core";
import { criticalShare, drawDuration } from "./critical-points.ts";
import { runSeed, RecordingPolicy } from "./exploration-policy.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";

/** Options of {@link random}. */
export interface RandomOptions {
  /** The levels to ask about. Default: ties only. */
  readonly levels?: LevelOptions;
  /** The probability of injecting a fault at a fault point (`faults` level). Default 0.1. */
  readonly faultProbability?: number;
  /**
   * The share of uncertain durations drawn at or next to a critical point (just before, at or just after
   * another deadline in the range; its bounds when it has none) instead of uniformly (see
   * `drawDuration`). Default 0.75; 0 draws every duration uniformly.
   */
  readonly criticalDraws?: number;
}

class RandomPolicy extends RecordingPolicy {
  private rng: Random;
  private readonly seed: number;
  private readonly faultProbability: number;
  private readonly criticalDraws: number;

  constructor(seed: number, options: RandomOptions) {
    super("random", resolveLevels(options.levels));
    this.seed = seed;
    this.rng = new Random(seed);
    this.faultProbability = options.faultProbability ?? 0.1;
    this.criticalDraws = criticalShare(options.criticalDraws);
  }

  override beginRun(run: number): boolean {
    this.rng = new Random(runSeed(this.seed, run));
    return super.beginRun(run);
  }

  protected pick(point: ChoicePoint): number {
    if (point.kind === "fault") return this.rng.next() < this.faultProbability ? 1 : 0;
    return this.rng.integer(0, point.options - 1);
  }

  protected draw(point: JitterPoint): number {
    return drawDuration(this.rng, point.min, point.max, point.deadlines, this.criticalDraws);
  }
}

/**
 * Picks uniformly at random at every decision point; draws an uncertain duration next to a critical
 * point with probability `criticalDraws`, else uniformly within its bounds; a fault point cancels with
 * `faultProbability`. Each run `r` of an exploration uses a PRNG seeded from
 * `(seed, r)`, so any run can be reproduced on its own.
 *
 * @throws {@link CheckArgumentError} when `criticalDraws` is not a number in [0, 1].
 * @example
 * ```ts
 * explore(program, { policy: random(42), runs: 500 });
 * new EventLoop({ policy: random(42) }); // also a plain SchedulingPolicy
 * ```
 */
export function random(seed: number, options: RandomOptions = {}): RecordingPolicy {
  return new RandomPolicy(seed, options);
}
