/**
 * The decisions of one run as a policy records them: a choice point's answer as five numbers in one
 * growing array of doubles (no object per decision, so a run of tens of thousands of decisions leaves the
 * garbage collector nothing to promote), a jitter draw or a labelled decision as its object beside
 * them. The {@link Decision} objects are built when asked for, once each per run.
 *
 * @module
 */
import type { Decision, DecisionKind } from "../schedule.ts";

/** The numbers kept per decision: kind, options, pick, time, iteration. */
const STRIDE = 5;

const KINDS: readonly DecisionKind[] = ["tie", "interleave", "fault", "delivery", "jitter"];
const KIND_CODES: Readonly<Record<DecisionKind, number>> = { tie: 0, interleave: 1, fault: 2, delivery: 3, jitter: 4 };

/** @internal The decisions of one run, in order. */
export class DecisionLog {
  /** Five numbers per decision (see STRIDE); the array is reused from run to run. */
  private readonly data: number[] = [];
  private count = 0;
  /** Decisions kept whole (jitter draws, labelled decisions), by index. */
  private readonly whole = new Map<number, Decision>();
  /** The objects built so far (the first `built.length` decisions). */
  private built: Decision[] = [];
  /** Whether `built` was handed out (a new run then starts a new one). */
  private handedOut = false;

  /** The number of decisions recorded. */
  get length(): number {
    return this.count;
  }

  /** Forgets every decision (a new run); the objects handed out before stay as they were. */
  clear(): void {
    this.count = 0;
    if (this.whole.size > 0) this.whole.clear();
    if (this.handedOut) {
      this.built = [];
      this.handedOut = false;
    } else if (this.built.length > 0) this.built.length = 0;
  }

  /** Records a choice point's answer. */
  push(kind: DecisionKind, options: number, pick: number, time: number, iteration: number): void {
    const data = this.data;
    const at = this.count * STRIDE;
    // Written in place over the last run's numbers (appended past them).
    data[at] = KIND_CODES[kind];
    data[at + 1] = options;
    data[at + 2] = pick;
    data[at + 3] = time;
    data[at + 4] = iteration;
    this.count++;
  }

  /** Records a decision kept whole (a jitter draw with its bounds, or one with labels). */
  pushWhole(decision: Decision): void {
    this.whole.set(this.count, decision);
    this.push(decision.kind, decision.options, decision.pick, decision.time ?? 0, decision.iteration ?? 0);
  }

  /** The kind of decision `i`. */
  kindAt(i: number): DecisionKind {
    return KINDS[this.data[i * STRIDE] as number] as DecisionKind;
  }

  /** The option count of decision `i` (0 for a jitter draw). */
  optionsAt(i: number): number {
    return this.data[i * STRIDE + 1] as number;
  }

  /** The pick of decision `i` (the value drawn, for a jitter draw). */
  pickAt(i: number): number {
    return this.data[i * STRIDE + 2] as number;
  }

  /** Decision `i` as an object (the one recorded, for a decision kept whole). */
  at(i: number): Decision {
    const kept = this.whole.get(i);
    if (kept !== undefined) return kept;
    const at = i * STRIDE;
    const data = this.data;
    return {
      kind: KINDS[data[at] as number] as DecisionKind,
      options: data[at + 1] as number,
      pick: data[at + 2] as number,
      time: data[at + 3] as number,
      iteration: data[at + 4] as number,
    };
  }

  /** Whether decision `i` deviates from asyncio's order (see `isDeviation`). */
  deviatesAt(i: number): boolean {
    const kept = this.whole.get(i);
    if (kept !== undefined && kept.kind === "jitter") return kept.pick !== kept.min;
    return this.data[i * STRIDE + 2] !== 0;
  }

  /** Every decision as an object, in order: the same array each call within a run, completed with the decisions since. */
  decisions(): readonly Decision[] {
    const built = this.built;
    for (let i = built.length; i < this.count; i++) built.push(this.at(i));
    this.handedOut = true;
    return built;
  }
}
