/**
 * The timer heap: a 4-ary min-heap of {@link TimerHandle}s keyed by `(when, seq)`.
 *
 * Why packed: comparisons read the keys from one `Float64Array` (`when` and `seq` side by side) instead
 * of chasing a pointer to each handle, which keeps a heap of a million timers cache-friendly. The
 * handles ride along in a parallel array. Why 4-ary: a pop walks half as many levels as in a binary
 * heap, and the four children's keys are 64 contiguous bytes (one or two cache lines), so the extra
 * comparisons per level cost less than the cache misses they save. `seq` is the loop's insertion
 * counter, so equal deadlines pop in scheduling order (SimPy's `(time, priority, id)` key; asyncio leaves
 * that order undefined).
 *
 * Beside the heap, a *front run*: timers handed back in key order, all earlier than any timer of the heap
 * when handed back (a tie group a scheduling policy deferred to the next iteration). They stay in their
 * own array instead of being pushed back one by one, so a deferral costs O(1) however many timers tie,
 * and the next iteration takes the group back whole ({@link TimerQueue.takeFront}). Every read compares
 * the front's head with the heap's top, so a timer pushed later with an earlier key still comes first.
 *
 * @module
 */
import { FLAG_SCHEDULED, type TimerHandle } from "./handle.ts";

/**
 * Shared by every empty queue: a loop that never schedules a timer allocates no typed array. The first
 * growth makes room for four timers (see `_grow`).
 */
const EMPTY_KEYS = new Float64Array(0);

/** The front run when there is none: shared, never written (a deferral hands back an array of its own). */
const NO_FRONT: TimerHandle[] = [];

/**
 * A min-heap of timer handles by `(when, seq)`. Cancelled handles are not removed here: the loop skips
 * them at the head and rebuilds the heap with {@link TimerQueue.retain} when they dominate.
 */
export class TimerQueue {
  /** `when` of slot i at `2 * i`, `seq` at `2 * i + 1`. */
  private _keys: Float64Array = EMPTY_KEYS;
  private _items: (TimerHandle | undefined)[] = [];
  private _size = 0;
  /** The front run (see the module doc): its timers from `_frontHead` on. */
  private _front: TimerHandle[] = NO_FRONT;
  private _frontHead = 0;
  /** The timers left in the front run. */
  private _frontCount = 0;
  /** {@link TimerQueue.cancels} when the front run was handed back. */
  private _frontCancels = 0;
  /**
   * How many scheduled timers were cancelled so far (never decreases): a policy that took a deferred
   * group back whole compares it with its value at the deferral to know whether to look for cancelled ones.
   */
  cancels = 0;

  /**
   * For the run the last {@link TimerQueue.takeFront} returned: false when no timer at all was cancelled
   * since it was handed back (none of its timers can be cancelled).
   */
  takenMaybeCancelled = false;

  /** The number of timers held, cancelled ones included. */
  get size(): number {
    return this._size + this._frontCount;
  }

  /** The earliest timer, or `undefined` when empty. */
  peek(): TimerHandle | undefined {
    if (this._frontCount !== 0 && this._frontFirst()) return this._front[this._frontHead];
    return this._items[0];
  }

  /** The earliest deadline, or `Infinity` when empty. */
  peekWhen(): number {
    if (this._frontCount !== 0 && this._frontFirst()) return (this._front[this._frontHead] as TimerHandle)._when;
    return this._size === 0 ? Infinity : (this._keys[0] as number);
  }

  /** The earliest timer's insertion counter; the queue must not be empty. */
  peekSeq(): number {
    // The front run's counters are not kept: only their order matters, and it precedes the heap's.
    if (this._frontCount !== 0 && this._frontFirst()) return this._frontHead - this._front.length;
    return this._keys[1] as number;
  }

  /**
   * Whether the front run's head comes before the heap's top (the front run must not be empty). On equal
   * deadlines it does: every timer of the heap with the front's deadline was pushed after the front
   * was handed back (the others were in the group), so its insertion counter is larger.
   */
  private _frontFirst(): boolean {
    return this._size === 0 || (this._front[this._frontHead] as TimerHandle)._when <= (this._keys[0] as number);
  }

  /**
   * Hands back timers just popped, in key order, as the front run: all with the same deadline, every
   * one earlier than any timer in the heap and than any pushed later with that deadline. The array is
   * kept, not copied (the caller must not change it afterwards). The front run must be empty.
   */
  restoreFront(handles: TimerHandle[]): void {
    this._front = handles;
    this._frontHead = 0;
    this._frontCount = handles.length;
    this._frontCancels = this.cancels;
  }

  /**
   * Takes the whole front run when its head is the earliest timer (the array given to
   * {@link TimerQueue.restoreFront}, the very same when none was popped meanwhile), or returns `null`.
   * {@link TimerQueue.takenMaybeCancelled} then says whether a timer of it may have been cancelled since.
   * (Two results without an object: a policy that defers after every fire takes a run per iteration.)
   */
  takeFront(): TimerHandle[] | null {
    if (this._frontCount === 0 || !this._frontFirst()) return null;
    const handles = this._front;
    if (this._frontHead > 0) handles.splice(0, this._frontHead);
    this.takenMaybeCancelled = this.cancels !== this._frontCancels;
    this._dropFront();
    return handles;
  }

  private _dropFront(): void {
    this._front = NO_FRONT;
    this._frontHead = 0;
    this._frontCount = 0;
  }

  /** Adds a timer, due at its `_when`; `seq` (the loop's insertion counter) orders equal deadlines. */
  push(handle: TimerHandle, seq: number): void {
    if (this._size === this._items.length) this._grow();
    this._siftUp(this._size++, handle._when, seq, handle);
  }

  /**
   * Removes and returns the earliest timer, its `FLAG_SCHEDULED` cleared (it left the heap for good). The
   * queue must not be empty.
   */
  popUnscheduled(): TimerHandle {
    const handle = this.peek() as TimerHandle;
    // Marked before the pop reorders the heap: loading the handle (untouched since it was scheduled, so
    // rarely in cache) then overlaps with the sift instead of following it.
    handle._flags &= ~FLAG_SCHEDULED;
    this.pop();
    return handle;
  }

  /** Removes and returns the earliest timer. The queue must not be empty. */
  pop(): TimerHandle {
    if (this._frontCount !== 0 && this._frontFirst()) {
      // The slot keeps its handle until the run is dropped, once empty (takeFront).
      const handle = this._front[this._frontHead++] as TimerHandle;
      if (--this._frontCount === 0) this._dropFront();
      return handle;
    }
    const items = this._items;
    const top = items[0] as TimerHandle;
    const n = --this._size;
    const last = items[n];
    items[n] = undefined;
    if (n === 0) return top;
    const keys = this._keys;
    const when = keys[2 * n] as number;
    const seq = keys[2 * n + 1] as number;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      let child: number;
      let cw: number;
      let cs: number;
      if (first + 3 < n) {
        // All four children exist (every level but the last): a tournament of two pairs.
        let a = first;
        let aw = keys[2 * first] as number;
        let as = keys[2 * first + 1] as number;
        const bw = keys[2 * first + 2] as number;
        if (bw < aw || (bw === aw && (keys[2 * first + 3] as number) < as)) {
          a = first + 1;
          aw = bw;
          as = keys[2 * first + 3] as number;
        }
        let b = first + 2;
        let bw2 = keys[2 * first + 4] as number;
        let bs2 = keys[2 * first + 5] as number;
        const dw = keys[2 * first + 6] as number;
        if (dw < bw2 || (dw === bw2 && (keys[2 * first + 7] as number) < bs2)) {
          b = first + 3;
          bw2 = dw;
          bs2 = keys[2 * first + 7] as number;
        }
        if (bw2 < aw || (bw2 === aw && bs2 < as)) {
          child = b;
          cw = bw2;
          cs = bs2;
        } else {
          child = a;
          cw = aw;
          cs = as;
        }
      } else {
        if (first >= n) break;
        child = first;
        cw = keys[2 * first] as number;
        cs = keys[2 * first + 1] as number;
        for (let c = first + 1; c < n; c++) {
          const w = keys[2 * c] as number;
          if (w < cw || (w === cw && (keys[2 * c + 1] as number) < cs)) {
            child = c;
            cw = w;
            cs = keys[2 * c + 1] as number;
          }
        }
      }
      keys[2 * i] = cw;
      keys[2 * i + 1] = cs;
      items[i] = items[child];
      i = child;
    }
    // Bottom-up: the hole went down to a leaf along the smallest children; the last timer (which came
    // from the bottom, so usually belongs near it) now rises to its place.
    this._siftUp(i, when, seq, last as TimerHandle);
    return top;
  }

  /** Puts `item` with key `(when, seq)` at slot `i` or above, moving larger parents down. */
  private _siftUp(start: number, when: number, seq: number, item: TimerHandle): void {
    const keys = this._keys;
    const items = this._items;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pw = keys[2 * parent] as number;
      if (pw < when || (pw === when && (keys[2 * parent + 1] as number) < seq)) break;
      keys[2 * i] = pw;
      keys[2 * i + 1] = keys[2 * parent + 1] as number;
      items[i] = items[parent];
      i = parent;
    }
    keys[2 * i] = when;
    keys[2 * i + 1] = seq;
    items[i] = item;
  }

  /** Keeps only the timers for which `keep` returns true, and restores the heap order. */
  retain(keep: (handle: TimerHandle) => boolean): void {
    const keys = this._keys;
    const kept: { when: number; seq: number; handle: TimerHandle }[] = [];
    // The front run keeps its place before the heap's timers of its deadline: counters below theirs.
    for (let i = this._frontHead; i < this._front.length; i++) {
      const handle = this._front[i] as TimerHandle;
      if (keep(handle)) kept.push({ when: handle._when, seq: i - this._front.length, handle });
    }
    this._dropFront();
    for (let i = 0; i < this._size; i++) {
      const handle = this._items[i] as TimerHandle;
      if (keep(handle)) kept.push({ when: keys[2 * i] as number, seq: keys[2 * i + 1] as number, handle });
      this._items[i] = undefined;
    }
    this._size = 0;
    kept.sort((a, b) => a.when - b.when || a.seq - b.seq);
    for (const { seq, handle } of kept) this.push(handle, seq);
  }

  /** Every timer held, in no particular order. */
  toArray(): TimerHandle[] {
    return [...this._front.slice(this._frontHead), ...(this._items.slice(0, this._size) as TimerHandle[])];
  }

  /** Removes every timer. */
  clear(): void {
    this._items.fill(undefined, 0, this._size);
    this._size = 0;
    this._dropFront();
  }

  private _grow(): void {
    // Four timers first: their keys (64 bytes) fit V8's on-heap typed arrays, so a short-lived loop
    // with a few timers (an exploration run) allocates no ArrayBuffer backing store.
    const capacity = Math.max(4, this._items.length * 2);
    const keys = new Float64Array(2 * capacity);
    // A plain loop, and the payload array resized in one step: with `keys.set` and one `push` per new
    // slot, growing was two thirds of the cost of scheduling 10^4 timers on a fresh loop.
    const old = this._keys;
    for (let i = 0; i < 2 * this._size; i++) keys[i] = old[i] as number;
    this._keys = keys;
    // The first four slots from an array literal: setting `length` is a runtime call (about 650
    // instructions), paid by every short-lived loop's first timer.
    if (this._items.length === 0) this._items = [undefined, undefined, undefined, undefined];
    else this._items.length = capacity;
  }
}
