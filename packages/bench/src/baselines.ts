/**
 * Bare baselines written for the benchmark: the least a scheduler of each kind must do, with none of
 * simloop's guarantees (no handles, no cancellation, no batches, no error handling). They are the
 * "physical limit" proxies that simloop's ratios are measured against, in the same process and run.
 *
 * - {@link ObjectHeap}: a binary min-heap of `{ when, seq, fn }` objects (what a first implementation
 *   would write);
 * - {@link PackedHeap}: a binary min-heap with the `(when, seq)` keys in two `Float64Array`s and the
 *   payloads in a parallel array (the layout simloop's timer queue uses);
 * - {@link Ring}: a power-of-two ring buffer;
 * - {@link runBareSleepers} and friends: a generator scheduler (ring + packed heap + `next()`).
 *
 * @module
 */

/** A timer node of the object heap. */
class TimerNode {
  readonly when: number;
  readonly seq: number;
  readonly fn: () => void;
  constructor(when: number, seq: number, fn: () => void) {
    this.when = when;
    this.seq = seq;
    this.fn = fn;
  }
}

function nodeLess(a: TimerNode, b: TimerNode): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}

/** A binary min-heap of `(when, seq)` objects. */
export class ObjectHeap {
  private readonly _nodes: TimerNode[] = [];

  get size(): number {
    return this._nodes.length;
  }

  push(when: number, seq: number, fn: () => void): void {
    const nodes = this._nodes;
    const node = new TimerNode(when, seq, fn);
    let i = nodes.length;
    nodes.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = nodes[parent] as TimerNode;
      if (!nodeLess(node, p)) break;
      nodes[i] = p;
      i = parent;
    }
    nodes[i] = node;
  }

  /** Removes the earliest node. The heap must not be empty. */
  pop(): TimerNode {
    const nodes = this._nodes;
    const top = nodes[0] as TimerNode;
    const last = nodes.pop() as TimerNode;
    const n = nodes.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let c = nodes[child] as TimerNode;
      const right = child + 1;
      if (right < n) {
        const r = nodes[right] as TimerNode;
        if (nodeLess(r, c)) {
          child = right;
          c = r;
        }
      }
      if (!nodeLess(c, last)) break;
      nodes[i] = c;
      i = child;
    }
    nodes[i] = last;
    return top;
  }
}

/** A binary min-heap of `(when, seq)` keys packed in `Float64Array`s, with a parallel payload array. */
export class PackedHeap<T> {
  private _whens = new Float64Array(16);
  private _seqs = new Float64Array(16);
  private _items: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  size = 0;

  /** The earliest key's `when`; the heap must not be empty. */
  topWhen(): number {
    return this._whens[0] as number;
  }

  push(when: number, seq: number, item: T): void {
    if (this.size === this._whens.length) this._grow();
    const whens = this._whens;
    const seqs = this._seqs;
    const items = this._items;
    let i = this.size++;
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
    items[i] = item;
  }

  /** Removes the earliest item. The heap must not be empty. */
  pop(): T {
    const items = this._items;
    const top = items[0] as T;
    const n = --this.size;
    const whens = this._whens;
    const seqs = this._seqs;
    const when = whens[n] as number;
    const seq = seqs[n] as number;
    const last = items[n];
    items[n] = undefined;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
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

  private _grow(): void {
    const capacity = this._whens.length * 2;
    const whens = new Float64Array(capacity);
    whens.set(this._whens);
    const seqs = new Float64Array(capacity);
    seqs.set(this._seqs);
    this._whens = whens;
    this._seqs = seqs;
    for (let i = this._items.length; i < capacity; i++) this._items.push(undefined);
  }
}

/** A FIFO ring buffer with power-of-two capacity. */
export class Ring<T> {
  private _buf: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  private _mask = 15;
  private _head = 0;
  length = 0;

  push(item: T): void {
    if (this.length > this._mask) this._grow();
    this._buf[(this._head + this.length) & this._mask] = item;
    this.length++;
  }

  /** Removes the first item. The ring must not be empty. */
  shift(): T {
    const head = this._head;
    const item = this._buf[head] as T;
    this._buf[head] = undefined;
    this._head = (head + 1) & this._mask;
    this.length--;
    return item;
  }

  private _grow(): void {
    const old = this._buf;
    const capacity = old.length * 2;
    const buf = new Array<T | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.length; i++) buf[i] = old[(this._head + i) & this._mask];
    this._buf = buf;
    this._head = 0;
    this._mask = capacity - 1;
  }
}

// ---------------------------------------------------------------- W1: timers

/** W1 on the object heap: schedules a callback at each of `times`, then dispatches them all. Returns the count fired. */
export function runObjectHeapTimers(times: Float64Array): number {
  const heap = new ObjectHeap();
  let fired = 0;
  const callback = (): void => {
    fired++;
  };
  for (let i = 0; i < times.length; i++) heap.push(times[i] as number, i, callback);
  let now = 0;
  while (heap.size > 0) {
    const node = heap.pop();
    now = node.when;
    node.fn();
  }
  return now >= 0 ? fired : -1;
}

/** W1 on the packed heap. Returns the count fired. */
export function runPackedHeapTimers(times: Float64Array): number {
  const heap = new PackedHeap<() => void>();
  let fired = 0;
  const callback = (): void => {
    fired++;
  };
  for (let i = 0; i < times.length; i++) heap.push(times[i] as number, i, callback);
  let now = 0;
  while (heap.size > 0) {
    now = heap.topWhen();
    heap.pop()();
  }
  return now >= 0 ? fired : -1;
}

/**
 * The least a handle-returning scheduler allocates per event: what `callAt`/`callSoon` must return
 * (asyncio's `TimerHandle`/`Handle`) is an object that holds the callback and its argument, its
 * deadline, and a cancelled flag. simloop's handles carry more (the source, the sequence number, the
 * loop); this is the floor.
 */
export class BareHandle {
  fn: ((arg: unknown) => void) | null;
  arg: unknown;
  when: number;
  cancelled: boolean;
  constructor(when: number, fn: (arg: unknown) => void, arg: unknown) {
    this.fn = fn;
    this.arg = arg;
    this.when = when;
    this.cancelled = false;
  }
}

/**
 * W1 on the packed heap, with a {@link BareHandle} allocated per timer (as an API that returns a
 * cancellable handle must) and checked at dispatch: the bound that asyncio's handle-per-timer API puts
 * on any implementation, the packed heap's layout being the same. Returns the count fired.
 */
export function runPackedHeapHandleTimers(times: Float64Array): number {
  const heap = new PackedHeap<BareHandle>();
  let fired = 0;
  const callback = (): void => {
    fired++;
  };
  for (let i = 0; i < times.length; i++) {
    const when = times[i] as number;
    heap.push(when, i, new BareHandle(when, callback, undefined));
  }
  let now = 0;
  while (heap.size > 0) {
    now = heap.topWhen();
    const handle = heap.pop();
    if (!handle.cancelled) (handle.fn as (arg: unknown) => void)(handle.arg);
  }
  return now >= 0 ? fired : -1;
}

// ---------------------------------------------------------------- W2: ready chain

/** W2 on a ring: a chain of `n` callbacks, each queueing the next. Returns the count run. */
export function runRingChain(n: number): number {
  const ring = new Ring<() => void>();
  let ran = 0;
  const next = (): void => {
    if (++ran < n) ring.push(next);
  };
  ring.push(next);
  while (ring.length > 0) ring.shift()();
  return ran;
}

/**
 * W2 on a ring of {@link BareHandle}s: each callback allocates the handle of the next, as an API that
 * returns a cancellable handle per `callSoon` must (RxJS's `this.schedule()` reuses its action instead).
 * Returns the count run.
 */
export function runRingHandleChain(n: number): number {
  const ring = new Ring<BareHandle>();
  let ran = 0;
  const next = (): void => {
    if (++ran < n) ring.push(new BareHandle(0, next, undefined));
  };
  ring.push(new BareHandle(0, next, undefined));
  while (ring.length > 0) {
    const handle = ring.shift();
    if (!handle.cancelled) (handle.fn as (arg: unknown) => void)(handle.arg);
  }
  return ran;
}

// ---------------------------------------------------------------- W3: coroutines

/** What a bare coroutine yields: a delay (0: give up one turn). */
type BareCoroutine = Generator<number, void, unknown>;

/** The bare scheduler's `sleep`: a helper generator, used with `yield*` as `sleep` is. */
export function* bareSleep(delay: number): BareCoroutine {
  yield delay;
}

/** The floor: `n` raw `next()` calls on one generator that yields forever. Returns `n`. */
export function runRawNext(n: number): number {
  function* forever(): Generator<number, void, unknown> {
    let i = 0;
    for (;;) yield i++;
  }
  const gen = forever();
  let last = 0;
  for (let i = 0; i < n; i++) last = gen.next().value as number;
  return last + 1;
}

/** A bare generator scheduler: a ring of runnable generators, a packed heap of sleeping ones, `next()`. */
export class BareScheduler {
  now = 0;
  private _seq = 0;
  private readonly _ring = new Ring<BareCoroutine>();
  private readonly _heap = new PackedHeap<BareCoroutine>();
  /** The number of `next()` calls that resumed a coroutine. */
  resumes = 0;

  spawn(coro: BareCoroutine): void {
    this._ring.push(coro);
  }

  /** Resumes the coroutines that are runnable now, once each, without advancing the clock. */
  runReady(): void {
    for (let k = this._ring.length; k > 0; k--) this._resume(this._ring.shift());
  }

  private _resume(coro: BareCoroutine): void {
    this.resumes++;
    const r = coro.next();
    if (r.done === true) return;
    const delay = r.value;
    if (delay <= 0) this._ring.push(coro);
    else this._heap.push(this.now + delay, ++this._seq, coro);
  }

  /** Runs until no coroutine is runnable or sleeping. */
  run(): void {
    const ring = this._ring;
    const heap = this._heap;
    for (;;) {
      if (ring.length === 0) {
        if (heap.size === 0) return;
        const now = heap.topWhen();
        this.now = now;
        while (heap.size > 0 && heap.topWhen() <= now) ring.push(heap.pop());
      }
      const coro = ring.shift();
      this.resumes++;
      const r = coro.next();
      if (r.done === true) continue;
      const delay = r.value;
      if (delay <= 0) ring.push(coro);
      else heap.push(this.now + delay, ++this._seq, coro);
    }
  }
}

/** W3a on the bare scheduler: two coroutines alternate through `bareSleep(0)`, `n` wake-ups in all. */
export function runBarePingPong(n: number): number {
  const scheduler = new BareScheduler();
  let last = -1;
  let turns = 0;
  function* player(id: number, count: number): BareCoroutine {
    for (let i = 0; i < count; i++) {
      if (last === id) throw new Error("ping-pong lost its alternation");
      last = id;
      turns++;
      yield* bareSleep(0);
    }
  }
  scheduler.spawn(player(0, n >> 1));
  scheduler.spawn(player(1, n >> 1));
  scheduler.run();
  return turns;
}

/**
 * W3b on the bare scheduler: `tasks` coroutines each sleep `perTask` durations from `durations`
 * (task i uses `durations[i * perTask + j]`). Returns the number of sleeps completed.
 */
export function runBareSleepers(durations: Float64Array, tasks: number, perTask: number): number {
  const scheduler = new BareScheduler();
  let woken = 0;
  function* sleeper(base: number): BareCoroutine {
    for (let j = 0; j < perTask; j++) {
      yield* bareSleep(durations[base + j] as number);
      woken++;
    }
  }
  for (let i = 0; i < tasks; i++) scheduler.spawn(sleeper(i * perTask));
  scheduler.run();
  return woken;
}
