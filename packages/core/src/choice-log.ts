/**
 * The loop's record of every answer its policy gave (`loop.choiceLog()`).
 *
 * Why numbers in chunks: a run under a policy may ask tens of thousands of questions, and one object per
 * answer would hand the garbage collector that many objects to promote. The answers are kept as five
 * doubles each, and the records built when asked for, once each. The doubles go in fixed chunks rather
 * than one growing array: growing a single array copies everything recorded at every step and allocates
 * ever larger blocks, which at 40,000 answers cost several times the run itself; a full chunk is kept
 * as it is and a new one started. The first chunk is a plain array grown as answers come, up to
 * {@link FIRST_CHUNK} numbers: most policy loops answer a few questions, and a typed array of that size
 * would cost them a separately allocated buffer (microseconds). The next chunks are typed arrays, each
 * twice the last, up to {@link MAX_CHUNK} numbers.
 *
 * @module
 */
import type { ChoiceRecord } from "./policy.ts";

/** The numbers kept per answer: kind, time, iteration, options, pick. */
const STRIDE = 5;

/** The first chunk's size in numbers (64 answers), a plain array. */
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

/** @internal The answers of one loop's policy, in order (nothing allocated until the first: most loops have no policy). */
export class ChoiceLog {
  /** The first chunk, a plain array (`null` before the first answer: a loop without a policy allocates none). */
  private _head: number[] | null = null;
  /** The typed chunks filled, oldest first. */
  private _full: Float64Array[] = [];
  /** The typed chunk being written, once the first is full. */
  private _chunk: Float64Array | null = null;
  /** The numbers written in {@link ChoiceLog._chunk}. */
  private _used = 0;
  /** The answers before {@link ChoiceLog._chunk} (in the first chunk and the full ones). */
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
    if (this._chunk !== null) return this._before + this._used / STRIDE;
    return this._head === null ? 0 : this._head.length / STRIDE;
  }

  /** Records an answer. */
  push(kind: ChoiceRecord["kind"], time: number, iteration: number, options: number, pick: number): void {
    if (!this._on) return;
    const code = KIND_CODES[kind];
    let chunk = this._chunk;
    if (chunk === null) {
      const head = (this._head ??= []);
      if (head.length < FIRST_CHUNK) {
        // Indexed stores rather than one push of five (which the optimizer leaves to a builtin call).
        const at = head.length;
        head[at] = code;
        head[at + 1] = time;
        head[at + 2] = iteration;
        head[at + 3] = options;
        head[at + 4] = pick;
        return;
      }
      chunk = this._nextChunk(FIRST_CHUNK / STRIDE, 2 * FIRST_CHUNK);
    } else if (this._used === chunk.length) {
      this._full.push(chunk);
      chunk = this._nextChunk(this._before + chunk.length / STRIDE, Math.min(2 * chunk.length, MAX_CHUNK));
    }
    // The typed chunks' stores have a site of their own: one site for both kinds of array would be slower for each.
    const at = this._used;
    chunk[at] = code;
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
    if (this._head === null) return records;
    let first = 0;
    const chunks: ArrayLike<number>[] = [this._head, ...this._full];
    if (this._chunk !== null) chunks.push(this._chunk.subarray(0, this._used));
    for (const chunk of chunks) {
      const count = chunk.length / STRIDE;
      for (let i = Math.max(records.length - first, 0); i < count; i++) records.push(this._record(chunk, i, first + i));
      first += count;
    }
    return records;
  }

  /** The record of answer `index`, the `i`th of `chunk`. */
  private _record(chunk: ArrayLike<number>, i: number, index: number): ChoiceRecord {
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

  /** Starts a typed chunk of `size` numbers after `before` answers. */
  private _nextChunk(before: number, size: number): Float64Array {
    const chunk = new Float64Array(size);
    this._chunk = chunk;
    this._before = before;
    this._used = 0;
    return chunk;
  }
}
