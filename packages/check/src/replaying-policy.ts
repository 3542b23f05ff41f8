/**
 * The replaying policy: answers from a recorded schedule, and notices when the program stops asking
 * the recorded questions.
 *
 * @module
 */
import type { ChoicePoint, JitterPoint, PolicyLevels } from "@simloop/core";
import { RecordingPolicy } from "./exploration-policy.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";
import { Schedule, type Decision } from "./schedule.ts";

/** Where a replay left its recording. */
export interface Divergence {
  /** The 0-based decision index. */
  readonly index: number;
  /** What the recording has there. */
  readonly expected: string;
  /** What the program asked. */
  readonly actual: string;
  /** The virtual time of the question, if one was asked. */
  readonly time?: number;
}

/** A policy that follows a recorded schedule; see {@link replaying}. */
export interface ReplayingPolicy extends RecordingPolicy {
  /** The first divergence of the current run, or `null`. */
  divergence(): Divergence | null;
}

function describeDecision(decision: Decision): string {
  return decision.kind === "jitter"
    ? `a jitter draw in [${decision.min}, ${decision.max}]`
    : `a ${decision.kind} choice with ${decision.options} options`;
}

class Replaying extends RecordingPolicy implements ReplayingPolicy {
  private readonly recorded: Schedule;
  private diverged: Divergence | null = null;

  constructor(schedule: Schedule, levels: PolicyLevels) {
    super("replay", levels);
    this.recorded = schedule;
  }

  override beginRun(run: number): boolean {
    this.diverged = null;
    return super.beginRun(run);
  }

  divergence(): Divergence | null {
    return this.diverged;
  }

  private diverge(index: number, expected: Decision, actual: string, time: number): void {
    if (this.diverged === null) this.diverged = { index, expected: describeDecision(expected), actual, time };
  }

  protected pick(point: ChoicePoint): number {
    const index = this.step;
    const expected = this.recorded.at(index);
    if (expected === undefined) return 0;
    if (expected.kind !== point.kind || expected.options !== point.options) {
      this.diverge(index, expected, `a ${point.kind} choice with ${point.options} options`, point.time);
    }
    return expected.kind !== "jitter" && expected.pick < point.options ? expected.pick : 0;
  }

  protected draw(point: JitterPoint): number {
    const index = this.step;
    const expected = this.recorded.at(index);
    if (expected === undefined) return point.min;
    if (expected.kind !== "jitter" || expected.min !== point.min || expected.max !== point.max) {
      this.diverge(index, expected, `a jitter draw in [${point.min}, ${point.max}]`, point.time);
    }
    return expected.kind === "jitter" && expected.pick >= point.min && expected.pick <= point.max
      ? expected.pick
      : point.min;
  }
}

/**
 * Follows a recorded schedule: decision i gets the recorded pick i, and past the end of the recording
 * FIFO. When the program asks something else at step i (another kind, another option count, other
 * jitter bounds), it records the divergence (read it with `divergence()`) and goes on as best it can.
 * The levels are those the schedule needs (the kinds it contains plus ties), unless given.
 *
 * @example
 * ```ts
 * const policy = replaying(Schedule.parse("t2=1"));
 * const loop = new EventLoop({ policy });
 * loop.runUntilComplete(program(loop));
 * policy.divergence(); // null when the program asked what was recorded
 * ```
 */
export function replaying(schedule: Schedule | string, levels?: LevelOptions): ReplayingPolicy {
  const parsed = Schedule.from(schedule);
  const kinds = new Set(parsed.repeats().map((r) => r.decision.kind));
  const resolved = resolveLevels(
    levels ?? {
      interleave: kinds.has("interleave"),
      jitter: kinds.has("jitter"),
      faults: kinds.has("fault"),
      io: kinds.has("delivery"),
    },
  );
  return new Replaying(parsed, resolved);
}
