/**
 * The verbatim policy: answers a run's questions exactly as an exploring policy answered them, so that
 * `explore` can re-run a failing run with the trace and candidate labels on after exploring without
 * them. A run is a pure function of (program, loop seed, answers), so the re-run is the run.
 *
 * Unlike the replaying policy it does not correct answers: an invalid pick is given again (and core
 * turns it into the same `PolicyError`), and when the exploring policy threw, the same value is thrown
 * at the same question.
 *
 * @module
 */
import type { ChoicePoint, JitterPoint, PolicyLevels } from "@simloop/core";
import { RecordingPolicy } from "../exploration-policy.ts";
import type { Decision } from "../schedule.ts";

class Verbatim extends RecordingPolicy {
  private readonly answers: readonly Decision[];
  private readonly thrown: { readonly value: unknown } | null;

  constructor(name: string, levels: PolicyLevels, answers: readonly Decision[], thrown: { value: unknown } | null) {
    super(name, levels);
    this.answers = answers;
    this.thrown = thrown;
  }

  private answer(fallback: number): number {
    const recorded = this.answers[this.step];
    if (recorded !== undefined) return recorded.pick;
    if (this.thrown !== null) throw this.thrown.value;
    return fallback;
  }

  protected pick(_point: ChoicePoint): number {
    return this.answer(0);
  }

  protected draw(point: JitterPoint): number {
    return this.answer(point.min);
  }
}

/**
 * @internal A policy named `name` at `levels` that gives `answers` again, then throws `thrown.value`
 * (the exploring policy threw there) or answers FIFO.
 */
export function verbatim(
  name: string,
  levels: PolicyLevels,
  answers: readonly Decision[],
  thrown: { value: unknown } | null,
): RecordingPolicy {
  return new Verbatim(name, levels, answers, thrown);
}
