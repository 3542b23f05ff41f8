/**
 * The loop's record of every answer its policy gave (`loop.choiceLog()`).
 *
 * Why numbers in chunks: a run under a policy may ask tens of thousands of questions, and one object per
 * answer would hand the garbage collector that many objects to promote. The answers are kept as five
 * doubles each, and the records built when asked for, once each. The doubles go in fixed chunks rather
 * than one growing array: growing a single array copies everything recorded at every step and allocates
 * ever larger blocks, which at 40,000 answers cost several times the run itself; a full chunk is kept
 * as it is and a new one started. The first chunk is small (most policy loops answer a few questions),
 * and each new chunk is twice the last, up to {@link MAX_CHUNK} numbers.
 *
 * @module
 */
import type { ChoiceRecord } from "./policy.ts";

/** The numbers kept per answer: kind, time, iteration, options, pick. */
const STRIDE = 5;

/** The first chunk's size in numbers (64 answers). */
const FIRST_CHUNK = 64 * STRIDE;

/** The largest chunk in numbers (2,048 answers, 80 KiB). */
const MAX_CHUNK = 2048 * STRIDE;

const KINDS: readonly ChoiceRecord["kind"][] = ["tie", "interleave", "fault", "delivery", "jitter"];
const KIND_CODES: Readonly<Record<ChoiceRecord["kind"], number>> = {
  tie: 0,
  interleave: 1,
  fault: 2,
  delivery: 3,
  jitter: 4,
};

/** Shared by every log that has recorded nothing: a loop without a policy allocates no chunk. */
const NO_CHUNK = new Float64Array(0);

/** @internal The answers of one loop's policy, in order (nothing allocated until the first: most loops have no policy). */
export class ChoiceLog {
  /** The full chunks, oldest first. */
  private _full: Float64Array[] | null = null;
  /** The chunk being written. */
  private _chunk: Float64Array = NO_CHUNK;
  /** The numbers written in {@link ChoiceLog._chunk}. */
  private _used = 0;
  /** The answers in the full chunks. */
  private _before = 0;
  /** A jitter answer's bounds, by its index. */
  private _bounds: Map<number, { readonly min: number; readonly max: number }> | null = null;
  /** The records built so far (the first `_records.length` answers). */
  private _records: ChoiceRecord[] | null = null;
  /** False once {@link ChoiceLog.off} was called: answers are not recorded. */
  private _on = true;

  /** Stops recording (the loop's `recordChoices: false`). */
  off(): void {
    this._on = false;
  }

  /** The number of answers recorded. */
  get length(): number {
    return this._before + this._used / STRIDE;
  }

  /** Records an answer. */
  push(kind: ChoiceRecord["kind"], time: number, iteration: number, options: number, pick: number): void {
    if (!this._on) return;
    if (this._used === this._chunk.length) this._nextChunk();
    const chunk = this._chunk;
    const at = this._used;
    chunk[at] = KIND_CODES[kind];
    chunk[at + 1] = time;
    chunk[at + 2] = iteration;
    chunk[at + 3] = options;
    chunk[at + 4] = pick;
    this._used = at + STRIDE;
  }

  /** Records a jitter draw of `value` in `[min, max]`. */
  pushJitter(time: number, iteration: number, value: number, min: number, max: number): void {
    if (!this._on) return;
    (this._bounds ??= new Map()).set(this.length, { min, max });
    this.push("jitter", time, iteration, 0, value);
  }

  /** Every answer as a record, in order: the same array each call, completed with the answers since. */
  records(): readonly ChoiceRecord[] {
    const records = (this._records ??= []);
    const chunks = this._full === null ? [this._chunk] : [...this._full, this._chunk];
    let first = 0;
    for (const chunk of chunks) {
      const count = chunk === this._chunk ? this._used / STRIDE : chunk.length / STRIDE;
      for (let i = Math.max(records.length - first, 0); i < count; i++) records.push(this._record(chunk, i, first + i));
      first += count;
    }
    return records;
  }

  /** The record of answer `index`, the `i`th of `chunk`. */
  private _record(chunk: Float64Array, i: number, index: number): ChoiceRecord {
    const at = i * STRIDE;
    const base = {
      kind: KINDS[chunk[at] as number] as ChoiceRecord["kind"],
      time: chunk[at + 1] as number,
      iteration: chunk[at + 2] as number,
      options: chunk[at + 3] as number,
      pick: chunk[at + 4] as number,
    };
    const bounds = this._bounds?.get(index);
    return bounds === undefined ? base : { ...base, min: bounds.min, max: bounds.max };
  }

  /** Keeps the full chunk and starts one twice its size (the first: {@link FIRST_CHUNK}). */
  private _nextChunk(): void {
    const full = this._chunk;
    if (full.length > 0) {
      (this._full ??= []).push(full);
      this._before += full.length / STRIDE;
    }
    this._chunk = new Float64Array(Math.min(Math.max(2 * full.length, FIRST_CHUNK), MAX_CHUNK));
    this._used = 0;
  }
}
