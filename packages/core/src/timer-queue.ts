/**
 * The timer heap: a binary min-heap of {@link TimerHandle}s keyed by `(when, seq)`.
 *
 * Why packed: comparisons read the keys from two `Float64Array`s instead of chasing a pointer to each
 * handle, which keeps a heap of a million timers cache-friendly. The handles ride along in a parallel
 * array. `seq` is the loop's insertion counter, so equal deadlines pop in scheduling order (SimPy's
 * `(time, priority, id)` key; asyncio leaves that order undefined).
 *
 * @module
 */
import type { TimerHandle } from "./handle.ts";

/**
 * A min-heap of timer handles by `(when, seq)`. Cancelled handles are not removed here: the loop skips
 * them at the head and rebuilds the heap with {@link TimerQueue.retain} when they dominate.
 */
export class TimerQueue {
  private _whens: Float64Array = new Float64Array(16);
  private _seqs: Float64Array = new Float64Array(16);
  private _items: (TimerHandle | undefined)[] = new Array<TimerHandle | undefined>(16).fill(undefined);
  private _size = 0;

  /** The number of timers held, cancelled ones included. */
  get size(): number {
    return this._size;
  }

  /** The earliest timer, or `undefined` when empty. */
  peek(): TimerHandle | undefined {
    return this._items[0];
  }

  /** The earliest deadline, or `Infinity` when empty. */
  peekWhen(): number {
    return this._size === 0 ? Infinity : (this._whens[0] as number);
  }

  /** Adds a timer. */
  push(handle: TimerHandle): void {
    if (this._size === this._whens.length) this._grow();
    const whens = this._whens;
    const seqs = this._seqs;
    const items = this._items;
    const when = handle._when;
    const seq = handle._seq;
    let i = this._size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pw = whens[parent] as number;
      if (pw < when || (pw === when && (seqs[parent] as number) < seq)) break;
      whens[i] = pw;
      seqs[i] = seqs[parent] as number;
      items[i] = items[parent];
      i = parent;
    }
    whens[i] = when;
    seqs[i] = seq;
    items[i] = handle;
  }

  /** Removes and returns the earliest timer. The queue must not be empty. */
  pop(): TimerHandle {
    const items = this._items;
    const top = items[0] as TimerHandle;
    const n = --this._size;
    if (n === 0) {
      items[0] = undefined;
      return top;
    }
    const whens = this._whens;
    const seqs = this._seqs;
    const when = whens[n] as number;
    const seq = seqs[n] as number;
    const last = items[n];
    items[n] = undefined;
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let cw = whens[child] as number;
      let cs = seqs[child] as number;
      const right = child + 1;
      if (right < n) {
        const rw = whens[right] as number;
        const rs = seqs[right] as number;
        if (rw < cw || (rw === cw && rs < cs)) {
          child = right;
          cw = rw;
          cs = rs;
        }
      }
      if (when < cw || (when === cw && seq < cs)) break;
      whens[i] = cw;
      seqs[i] = cs;
      items[i] = items[child];
      i = child;
    }
    whens[i] = when;
    seqs[i] = seq;
    items[i] = last;
    return top;
  }

  /** Keeps only the timers for which `keep` returns true, and restores the heap order. */
  retain(keep: (handle: TimerHandle) => boolean): void {
    const kept: TimerHandle[] = [];
    for (let i = 0; i < this._size; i++) {
      const handle = this._items[i] as TimerHandle;
      if (keep(handle)) kept.push(handle);
      this._items[i] = undefined;
    }
    this._size = 0;
    kept.sort((a, b) => a._when - b._when || a._seq - b._seq);
    for (const handle of kept) this.push(handle);
  }

  /** Every timer held, in no particular order. */
  toArray(): TimerHandle[] {
    return this._items.slice(0, this._size) as TimerHandle[];
  }

  /** Removes every timer. */
  clear(): void {
    this._items.fill(undefined, 0, this._size);
    this._size = 0;
  }

  private _grow(): void {
    const capacity = this._whens.length * 2;
    const whens = new Float64Array(capacity);
    whens.set(this._whens);
    const seqs = new Float64Array(capacity);
    seqs.set(this._seqs);
    this._whens = whens;
    this._seqs = seqs;
    const items = this._items;
    for (let i = items.length; i < capacity; i++) items.push(undefined);
  }
}
