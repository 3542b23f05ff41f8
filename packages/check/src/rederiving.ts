/**
 * The re-deriving policy of shrinking: it answers from a recorded schedule by *identity* rather than by
 * position, so that a decision keeps its meaning after an earlier one was changed.
 *
 * Replaying by position (`replaying`) gives decision i the recorded pick i. Once shrinking resets a
 * deviation, the run may ask a different number of questions before the ones that matter (deferring a
 * timer splits a tie group; another order arms timers in another order), and a pick lands on the wrong
 * question. This policy matches each question to the first unused recorded decision with the same kind,
 * virtual time, option count and candidate labels (for a jitter draw: the same bounds), and answers with
 * that decision's pick; a question with no match gets FIFO.
 *
 * @module
 */
import type { ChoicePoint, JitterPoint, PolicyLevels } from "@simloop/core";
import { candidateLabels, RecordingPolicy } from "./exploration-policy.ts";
import type { Decision } from "./schedule.ts";

function choiceKey(kind: string, time: number, options: number, labels: readonly string[] | undefined): string {
  return `${kind}\u0001${time}\u0001${options}\u0001${labels === undefined ? "" : labels.join("\u0002")}`;
}

function jitterKey(min: number, max: number): string {
  return `jitter\u0001${min}\u0001${max}`;
}

class Rederiving extends RecordingPolicy {
  private readonly byKey = new Map<string, number[]>();
  private readonly byPoint = new Map<string, number[]>();
  private readonly recorded: readonly Decision[];
  private used: boolean[] = [];

  constructor(decisions: readonly Decision[], levels: PolicyLevels) {
    super("rederive", levels);
    this.recorded = decisions;
    decisions.forEach((decision, index) => {
      const exact =
        decision.kind === "jitter"
          ? jitterKey(decision.min ?? 0, decision.max ?? 0)
          : choiceKey(decision.kind, decision.time ?? NaN, decision.options, decision.labels);
      const loose =
        decision.kind === "jitter"
          ? exact
          : choiceKey(decision.kind, decision.time ?? NaN, decision.options, undefined);
      for (const [map, key] of [
        [this.byKey, exact],
        [this.byPoint, loose],
      ] as const) {
        const list = map.get(key);
        if (list === undefined) map.set(key, [index]);
        else list.push(index);
      }
    });
  }

  override beginRun(run: number): boolean {
    this.used = [];
    return super.beginRun(run);
  }

  private take(map: Map<string, number[]>, key: string): Decision | undefined {
    const list = map.get(key);
    if (list === undefined) return undefined;
    for (const index of list) {
      if (this.used[index] === true) continue;
      this.used[index] = true;
      return this.recorded[index];
    }
    return undefined;
  }

  protected pick(point: ChoicePoint): number {
    const match =
      this.take(this.byKey, choiceKey(point.kind, point.time, point.options, candidateLabels(point))) ??
      this.take(this.byPoint, choiceKey(point.kind, point.time, point.options, undefined));
    return match !== undefined && match.pick < point.options ? match.pick : 0;
  }

  protected draw(point: JitterPoint): number {
    const match = this.take(this.byKey, jitterKey(point.min, point.max));
    if (match === undefined) return point.min;
    return Math.min(point.max, Math.max(point.min, match.pick));
  }
}

/**
 * A policy answering from `decisions` by identity (see the module doc): each question gets the pick of
 * the first unused recorded decision of the same kind, time, option count and candidate labels (a jitter
 * draw: of the same bounds), FIFO when none matches.
 *
 * @example
 * ```ts
 * const policy = rederiving(schedule.withFifoAt(3).decisions, levels);
 * policy.beginRun(0);
 * runProgram(program, { policy }).schedule; // the picks after index 3 kept on the questions they answered
 * ```
 */
export function rederiving(decisions: readonly Decision[], levels: PolicyLevels): RecordingPolicy {
  return new Rederiving(decisions, levels);
}
