/**
 * `Queue`, `PriorityQueue`, `LifoQueue`: asyncio 3.11's `queues`, plus 3.13's `shutdown()`.
 *
 * Getters and putters wait on private futures. Each `putNowait` wakes the first getter still waiting
 * and each `getNowait` the first putter (one per operation, FIFO), but the queue allows barging: `get()`
 * takes an available item without checking for earlier waiters, and a woken getter that finds the queue
 * empty waits again at the *end* of the line. A waiter cancelled after being woken passes the wake-up on.
 * `shutdown()` makes puts throw {@link QueueShutDown} and gets throw it once the queue is empty
 * (`immediate` empties it first), and wakes every blocked caller.
 *
 * @module
 */
import { ArgumentError, type Coroutine, type Future, describeValue, noteAccess } from "@simloop/core";
import { QueueEmpty, QueueFull, QueueShutDown, QueueTaskDoneError } from "./errors.ts";
import { Event } from "./event.ts";
import { pythonCompare, type Compare } from "./internal/compare.ts";
import { heapPop, heapPush } from "./internal/heap.ts";
import { remove } from "./internal/list.ts";
import { LoopBound } from "./internal/loop-bound.ts";

/** Options of the queues. */
export interface QueueOptions {
  /**
   * The capacity; `0` (the default) or less, or `Infinity`, means unbounded. A fraction is accepted as
   * asyncio accepts a float: the queue is full once it holds `maxsize` items or more (1.3 → 2).
   */
  readonly maxsize?: number;
}

/** Options of {@link PriorityQueue}. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /** The order, smallest first. Default: Python's `<` on numbers, strings and arrays (tuples). */
  readonly compare?: Compare<T>;
}

/** What {@link Queue.statistics} returns (Trio style): a frozen snapshot. */
export interface QueueStatistics {
  readonly qsize: number;
  readonly maxsize: number;
  readonly tasksWaitingPut: number;
  readonly tasksWaitingGet: number;
  readonly unfinishedTasks: number;
  readonly shutdown: boolean;
}

function wakeupNext(waiters: Future<undefined>[]): void {
  while (waiters.length > 0) {
    const waiter = waiters.shift() as Future<undefined>;
    if (!waiter.done()) {
      waiter.setResult(undefined);
      break;
    }
  }
}

/**
 * A FIFO queue for tasks: asyncio's `Queue(maxsize)`.
 *
 * Invariants: an item put is got exactly once (no loss, no duplicate, also under cancellation);
 * `join()` returns once `taskDone()` was called for every item put.
 *
 * @example
 * ```ts
 * const q = new Queue<number>({ maxsize: 2 });
 * function* producer() { for (let i = 0; i < 5; i++) yield* q.put(i); }
 * function* consumer() { for (;;) { const x = yield* q.get(); q.taskDone(); } }
 * ```
 */
export class Queue<T> {
  private readonly _maxsize: number;
  private readonly _getters: Future<undefined>[] = [];
  private readonly _putters: Future<undefined>[] = [];
  private _unfinishedTasks = 0;
  private readonly _finished = new Event();
  private _isShutdown = false;
  private readonly _bound = new LoopBound();
  /** @internal The items, in the subclass's storage order. */
  protected readonly _items: T[] = [];

  /**
   * Creates a queue that is full once it holds `maxsize` items or more (unbounded when `maxsize <= 0`,
   * the default).
   * @throws {@link ArgumentError} if `maxsize` is not a number, or is NaN.
   */
  constructor(options: QueueOptions = {}) {
    const maxsize = options.maxsize ?? 0;
    if (typeof maxsize !== "number" || Number.isNaN(maxsize))
      throw new ArgumentError(`Expected \`maxsize\` to be a number, got \`${describeValue(maxsize)}\`.`);
    this._maxsize = maxsize;
    this._finished.set();
  }

  /** The number of items in the queue. */
  qsize(): number {
    noteAccess(this);
    return this._items.length;
  }

  /** The capacity (`<= 0`: unbounded). */
  get maxsize(): number {
    return this._maxsize;
  }

  /** True if the queue holds no item. */
  empty(): boolean {
    noteAccess(this);
    return this._items.length === 0;
  }

  /** True if the queue holds `maxsize` items (never for an unbounded queue). */
  full(): boolean {
    noteAccess(this);
    return this._maxsize > 0 && this._items.length >= this._maxsize;
  }

  /**
   * Puts `item`, waiting while the queue is full: `yield* q.put(item)`.
   * @throws {@link QueueShutDown} if the queue is (or becomes) shut down; `CancelledError` if cancelled
   * while waiting (the item is then not put).
   */
  *put(item: T): Coroutine<void> {
    noteAccess(this);
    while (this.full()) {
      if (this._isShutdown) throw new QueueShutDown();
      const putter = this._bound.get(this).createFuture<undefined>("Queue.put");
      this._putters.push(putter);
      try {
        yield* putter;
      } catch (error) {
        putter.cancel();
        remove(this._putters, putter);
        if (!this.full() && !putter.cancelled()) wakeupNext(this._putters);
        throw error;
      }
    }
    this.putNowait(item);
  }

  /**
   * Puts `item` without waiting.
   * @throws {@link QueueFull} if the queue is full; {@link QueueShutDown} if it is shut down.
   */
  putNowait(item: T): void {
    noteAccess(this);
    if (this._isShutdown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull(this._maxsize);
    this._put(item);
    this._unfinishedTasks += 1;
    this._finished.clear();
    wakeupNext(this._getters);
  }

  /**
   * Takes an item, waiting while the queue is empty: `const x = yield* q.get()`.
   * @throws {@link QueueShutDown} if the queue is shut down and empty; `CancelledError` if cancelled
   * while waiting (no item is then taken).
   */
  *get(): Coroutine<T> {
    noteAccess(this);
    while (this.empty()) {
      if (this._isShutdown && this.empty()) throw new QueueShutDown();
      const getter = this._bound.get(this).createFuture<undefined>("Queue.get");
      this._getters.push(getter);
      try {
        yield* getter;
      } catch (error) {
        getter.cancel();
        remove(this._getters, getter);
        if (!this.empty() && !getter.cancelled()) wakeupNext(this._getters);
        throw error;
      }
    }
    return this.getNowait();
  }

  /**
   * Takes an item without waiting.
   * @throws {@link QueueEmpty} if the queue is empty; {@link QueueShutDown} if it is also shut down.
   */
  getNowait(): T {
    noteAccess(this);
    if (this.empty()) {
      if (this._isShutdown) throw new QueueShutDown();
      throw new QueueEmpty();
    }
    const item = this._get();
    wakeupNext(this._putters);
    return item;
  }

  /**
   * Marks one item taken with `get()` as processed; `join()` returns when every item put was.
   * @throws {@link QueueTaskDoneError} if called more often than items were put.
   */
  taskDone(): void {
    noteAccess(this);
    if (this._unfinishedTasks <= 0) throw new QueueTaskDoneError();
    this._unfinishedTasks -= 1;
    if (this._unfinishedTasks === 0) this._finished.set();
  }

  /**
   * Waits until every item put has been marked done with `taskDone()`: `yield* q.join()`.
   * @throws `CancelledError` if cancelled while waiting.
   */
  *join(): Coroutine<void> {
    noteAccess(this);
    if (this._unfinishedTasks > 0) yield* this._finished.wait();
  }

  /**
   * Shuts the queue down (asyncio 3.13): puts throw {@link QueueShutDown}; gets throw it once the queue
   * is empty. With `immediate`, the queue is emptied first (each removed item counts as done for
   * `join()`). Every blocked `put()` and `get()` is woken to re-check.
   */
  shutdown(immediate = false): void {
    noteAccess(this);
    this._isShutdown = true;
    if (immediate) {
      while (!this.empty()) {
        this._get();
        if (this._unfinishedTasks > 0) this._unfinishedTasks -= 1;
      }
      if (this._unfinishedTasks === 0) this._finished.set();
    }
    while (this._getters.length > 0) {
      const getter = this._getters.shift() as Future<undefined>;
      if (!getter.done()) getter.setResult(undefined);
    }
    while (this._putters.length > 0) {
      const putter = this._putters.shift() as Future<undefined>;
      if (!putter.done()) putter.setResult(undefined);
    }
  }

  /** True once `shutdown()` was called. */
  isShutdown(): boolean {
    noteAccess(this);
    return this._isShutdown;
  }

  /** A frozen snapshot of the queue's counters. */
  statistics(): QueueStatistics {
    noteAccess(this);
    return Object.freeze({
      qsize: this.qsize(),
      maxsize: this._maxsize,
      tasksWaitingPut: this._putters.filter((f) => !f.done()).length,
      tasksWaitingGet: this._getters.filter((f) => !f.done()).length,
      unfinishedTasks: this._unfinishedTasks,
      shutdown: this._isShutdown,
    });
  }

  /** A readable description, such as `<Queue maxsize=0 tasks=1>`. */
  toString(): string {
    let result = `maxsize=${this._maxsize}`;
    if (this._getters.length > 0) result += ` _getters[${this._getters.length}]`;
    if (this._putters.length > 0) result += ` _putters[${this._putters.length}]`;
    if (this._unfinishedTasks > 0) result += ` tasks=${this._unfinishedTasks}`;
    return `<${this.constructor.name} ${result}>`;
  }

  /** @internal Stores an item (FIFO: at the end). */
  protected _put(item: T): void {
    this._items.push(item);
  }

  /** @internal Removes the next item (FIFO: the first). */
  protected _get(): T {
    return this._items.shift() as T;
  }
}

/**
 * A queue that returns the smallest item first: asyncio's `PriorityQueue` (a `heapq`, popped in exactly
 * CPython's order). Items are typically `[priority, data]` arrays.
 *
 * @example
 * ```ts
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, "b"]); q.putNowait([1, "a"]);
 * q.getNowait(); // [1, "a"]
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  private readonly _less: (a: T, b: T) => boolean;

  /**
   * Creates a priority queue; `compare` orders items (default: Python's `<`).
   * @throws {@link ArgumentError} if `maxsize` is not a number, or is NaN.
   */
  constructor(options: PriorityQueueOptions<T> = {}) {
    super(options);
    const compare: Compare<T> = options.compare ?? pythonCompare;
    this._less = (a, b) => compare(a, b) < 0;
  }

  /** @internal */
  protected override _put(item: T): void {
    heapPush(this._items, item, this._less);
  }

  /** @internal */
  protected override _get(): T {
    return heapPop(this._items, this._less);
  }
}

/**
 * A queue that returns the most recently added item first: asyncio's `LifoQueue`.
 *
 * @example
 * ```ts
 * const q = new LifoQueue<number>();
 * q.putNowait(1); q.putNowait(2);
 * q.getNowait(); // 2
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  /** @internal */
  protected override _get(): T {
    return this._items.pop() as T;
  }
}
