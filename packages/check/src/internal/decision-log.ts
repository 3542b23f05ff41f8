/**
 * The decisions of one run as a policy records them: a choice point's answer as five numbers in one
 * growing buffer of doubles (no object per decision, so a run of tens of thousands of decisions leaves the
 * garbage collector nothing to promote), a jitter draw or a labelled decision as its object beside
 * them. The {@link Decision} objects are built when asked for, once each per run.
 *
 * The buffer is kept from run to run, and a campaign that made its policy itself hands it back when it
 * ends ({@link DecisionLog.release}) for the next campaign's log to take: a fresh buffer of a large run
 * costs more than the run's own work (its memory is new to the process: zeroed and mapped page by page),
 * and a campaign of a few runs (a FIFO one runs once) would otherwise pay it every time.
 *
 * @module
 */
import type { JitterPoint } from "@simloop/core";
import type { Decision, DecisionKind } from "../schedule.ts";

/**
 * The decision that records an uncertain duration drawn as `value` at `point` (its bounds, the instant
 * and iteration it was asked at), as the recording policy logs it and the determinism sample compares it.
 */
export function jitterDecision(point: JitterPoint, value: number): Decision {
  return {
    kind: "jitter",
    options: 0,
    pick: value,
    min: point.min,
    max: point.max,
    time: point.time,
    iteration: point.iteration,
  };
}

/** The numbers kept per decision: kind, options, pick, time, iteration. */
const STRIDE = 5;

const KINDS: readonly DecisionKind[] = ["tie", "interleave", "fault", "delivery", "jitter"];

/** @internal A kind's code (its index in KINDS): compared, not looked up by name, as it runs per decision. */
export function codeOf(kind: DecisionKind): number {
  return kind === "tie" ? 0 : kind === "interleave" ? 1 : kind === "fault" ? 2 : kind === "delivery" ? 3 : 4;
}

const EMPTY = new Float64Array(0);

/** The buffer the last released log handed back (one: the next log takes it), if any. */
let spare: Float64Array | null = null;

/** The largest buffer kept for the next log (4M numbers, 32 MB: a run of 800,000 decisions). */
const MAX_SPARE = 1 << 22;

/** @internal The decisions of one run, in order. */
export class DecisionLog {
  /** Five numbers per decision (see STRIDE); the buffer is reused from run to run. */
  private data: Float64Array = EMPTY;
  private count = 0;
  /** The kinds recorded since the last clear, one bit each (bit `codeOf(kind)`). */
  private kindBits = 0;
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

  /** The kinds of decision recorded in this run, one bit each: tie 1, interleave 2, fault 4, delivery 8, jitter 16. */
  get kinds(): number {
    return this.kindBits;
  }

  /** Forgets every decision (a new run); the objects handed out before stay as they were. */
  clear(): void {
    this.count = 0;
    this.kindBits = 0;
    if (this.whole.size > 0) this.whole.clear();
    if (this.handedOut) {
      this.built = [];
      this.handedOut = false;
    } else if (this.built.length > 0) this.built.length = 0;
  }

  /**
   * Forgets every decision and hands the buffer back for the next log to take (see the module doc): for
   * a log nothing reads any more (the policy of a campaign that has ended, which the campaign made).
   */
  release(): void {
    this.clear();
    const data = this.data;
    this.data = EMPTY;
    if (data.length <= MAX_SPARE && (spare === null || data.length > spare.length)) spare = data;
  }

  /** Records a choice point's answer. */
  push(kind: DecisionKind, options: number, pick: number, time: number, iteration: number): void {
    const at = this.count * STRIDE;
    if (at + STRIDE > this.data.length) this.grow(at + STRIDE);
    const data = this.data;
    const code = codeOf(kind);
    this.kindBits |= 1 << code;
    // Written in place over the last run's numbers.
    data[at] = code;
    data[at + 1] = options;
    data[at + 2] = pick;
    data[at + 3] = time;
    data[at + 4] = iteration;
    this.count++;
  }

  /** Makes room for `needed` numbers: the spare buffer if large enough, else one twice as large. */
  private grow(needed: number): void {
    let next: Float64Array;
    if (spare !== null && spare.length >= needed) {
      next = spare;
      spare = null;
    } else next = new Float64Array(Math.max(needed, 2 * this.data.length, 64 * STRIDE));
    next.set(this.data.subarray(0, this.count * STRIDE));
    this.data = next;
  }

  /** Records a decision kept whole (a jitter draw with its bounds, or one with labels). */
  pushWhole(decision: Decision): void {
    this.whole.set(this.count, decision);
    this.push(decision.kind, decision.options, decision.pick, decision.time ?? 0, decision.iteration ?? 0);
  }

  /** Whether a decision is kept whole (a jitter draw, a labelled decision): else each is only its numbers. */
  get hasWhole(): boolean {
    return this.whole.size > 0;
  }

  /**
   * The numbers of the decisions, five per decision (kind code as KINDS indexes it, options, pick, time,
   * iteration), valid up to `5 × length`: for a reader that walks a whole run (read, never written).
   */
  numbers(): Float64Array {
    return this.data;
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

  /** The answer of decision `i` as the policy gave it (a pick kept whole may be no number), without building its object. */
  answerAt(i: number): number {
    const kept = this.whole.size === 0 ? undefined : this.whole.get(i);
    return kept !== undefined ? kept.pick : (this.data[i * STRIDE + 2] as number);
  }

  /** The virtual time of decision `i`. */
  timeAt(i: number): number {
    return this.data[i * STRIDE + 3] as number;
  }

  /** The loop iteration of decision `i`. */
  iterationAt(i: number): number {
    return this.data[i * STRIDE + 4] as number;
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
