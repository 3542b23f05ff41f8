/**
 * `Store`, `FilterStore`, `PriorityStore`: SimPy 4's stores of items, on simloop tasks.
 *
 * `yield* store.put(item)` waits while the store holds `capacity` items; `const item = yield* store.get()`
 * waits for an item (the oldest; for a `FilterStore` the oldest matching the filter; for a
 * `PriorityStore` the smallest, in `heapq` order). Puts are served FIFO; gets FIFO, except that a
 * `FilterStore` getter whose filter matches nothing lets later getters try. A get granted to a task that
 * is cancelled or interrupted before it resumes puts the item back at the front.
 *
 * Statistics: time-weighted mean number of items, and for each side the time-weighted mean queue length
 * and waiting-time samples.
 *
 * @module
 */
import { ArgumentError, type EventLoop, describeValue, noteAccess } from "@simloop/core";
import { pythonCompare, type Compare } from "../internal/compare.ts";
import { heapPop, heapPush } from "../internal/heap.ts";
import { TimeWeighted } from "../internal/time-weighted.ts";
import { BaseResource, type BaseResourceOptions, type QueueSideStatistics } from "./base-resource.ts";
import { ResourceEvent, type EventOwner } from "./resource-event.ts";

/** Options of {@link Store} and {@link FilterStore}. */
export interface StoreOptions extends BaseResourceOptions {
  /** The most items the store holds. Default `Infinity`. */
  readonly capacity?: number;
}

/** Options of {@link PriorityStore}. */
export interface PriorityStoreOptions<T> extends StoreOptions {
  /** The order, smallest first. Default: Python's `<` on numbers, strings and arrays (tuples). */
  readonly compare?: Compare<T>;
}

/** What a store's `statistics()` returns: a frozen snapshot over the observation window. */
export interface StoreStatistics {
  readonly time: number;
  readonly since: number;
  readonly capacity: number;
  /** Items held now. */
  readonly items: number;
  /** Time-weighted mean number of items held. */
  readonly meanItems: number;
  readonly put: QueueSideStatistics;
  readonly get: QueueSideStatistics;
}

/**
 * A pending `put` of an item into a store; `yield* put` waits until the item is in.
 *
 * @example
 * ```ts
 * yield* store.put("widget");
 * ```
 */
export class StorePut<T> extends ResourceEvent<undefined> {
  /** The item to put. */
  readonly item: T;

  /** @internal */
  constructor(loop: EventLoop, owner: EventOwner, item: T) {
    super(loop, owner, "Store.put");
    this.item = item;
  }
}

/**
 * A pending `get` from a store; `yield* get` gives the item.
 *
 * @example
 * ```ts
 * const item = yield* store.get();
 * ```
 */
export class StoreGet<T> extends ResourceEvent<T> {
  /** The filter of a {@link FilterStore} get, or `null`. */
  readonly filter: ((item: T) => boolean) | null;

  /** @internal */
  constructor(loop: EventLoop, owner: EventOwner, filter: ((item: T) => boolean) | null) {
    super(loop, owner, "Store.get");
    this.filter = filter;
  }
}

/**
 * A store of items with FIFO puts and gets: SimPy's `Store(capacity)`.
 *
 * Invariants: never more than `capacity` items after a put is granted; each item put is got at most
 * once; a granted get the task never saw gives its item back.
 *
 * @example
 * ```ts
 * const belt = new Store<string>({ capacity: 2 });
 * function* producer() { for (;;) { yield* sleep(1); yield* belt.put("part"); } }
 * function* consumer() { for (;;) { const part = yield* belt.get(); yield* sleep(2); } }
 * ```
 */
export class Store<T> extends BaseResource<StorePut<T>, StoreGet<T>> {
  /** The most items the store holds. */
  readonly capacity: number;
  /** @internal */
  protected _items: T[] = [];
  /** @internal */
  protected readonly _level: TimeWeighted;

  /**
   * Creates a store holding at most `capacity` items (default unbounded).
   * @throws {@link ArgumentError} unless `capacity` is a positive integer or `Infinity`.
   */
  constructor(options: StoreOptions = {}) {
    super(options);
    const capacity = options.capacity ?? Infinity;
    if (!(capacity > 0) || (Number.isFinite(capacity) && !Number.isInteger(capacity))) {
      throw new ArgumentError(
        `Expected \`capacity\` to be a positive integer or Infinity, got \`${describeValue(capacity)}\`.`,
      );
    }
    this.capacity = capacity;
    this._level = new TimeWeighted(this._startTime(), 0);
  }

  /** The items held now, in storage order. */
  get items(): readonly T[] {
    noteAccess(this);
    return this._items;
  }

  /** Puts `item`, waiting while the store is full: `yield* store.put(item)`. */
  put(item: T): StorePut<T> {
    noteAccess(this);
    return this._add(this._puts, new StorePut<T>(this._useLoop(), this, item));
  }

  /** Takes the next item, waiting for one: `const item = yield* store.get()`. */
  get(): StoreGet<T> {
    noteAccess(this);
    return this._add(this._gets, new StoreGet<T>(this._useLoop(), this, null));
  }

  /** A frozen snapshot of the statistics over the observation window. */
  statistics(): StoreStatistics {
    const now = this._loop.time();
    return Object.freeze({
      time: now,
      since: this._since,
      capacity: this.capacity,
      items: this._items.length,
      meanItems: this._level.mean(now),
      put: this._puts.statistics(now),
      get: this._gets.statistics(now),
    });
  }

  /** A readable description, such as `<Store 2/Infinity items>`. */
  override toString(): string {
    return `<${this.constructor.name} ${this._items.length}/${this.capacity} items>`;
  }

  /** @internal */
  protected _doPut(event: StorePut<T>): boolean {
    if (this._items.length < this.capacity) {
      this._store(event.item);
      this._levelChanged();
      this._grant(this._puts, event, undefined);
    }
    return false;
  }

  /** @internal */
  protected _doGet(event: StoreGet<T>): boolean {
    if (this._items.length > 0) {
      const item = this._take();
      this._levelChanged();
      this._grant(this._gets as never, event, item);
    }
    return false;
  }

  /** @internal Stores an item (FIFO: at the end). */
  protected _store(item: T): void {
    this._items.push(item);
  }

  /** @internal Takes the next item (FIFO: the first). */
  protected _take(): T {
    return this._items.shift() as T;
  }

  /** @internal Puts back an item whose get was never seen (FIFO: at the front). */
  protected _restore(item: T): void {
    this._items.unshift(item);
  }

  /** @internal */
  protected _levelChanged(): void {
    this._level.set(this._loop.time(), this._items.length);
  }

  /** @internal */
  protected _resetLevel(now: number): void {
    this._level.reset(now);
  }

  /** @internal */
  override _undo(event: ResourceEvent<unknown>): void {
    if (event instanceof StoreGet) {
      this._restore(event.result() as T);
      this._levelChanged();
      this._settle();
    }
  }
}

/**
 * A store whose gets take the oldest item matching a filter: SimPy's `FilterStore`.
 *
 * @example
 * ```ts
 * const parts = new FilterStore<{ kind: string }>();
 * const bolt = yield* parts.get((p) => p.kind === "bolt");
 * ```
 */
export class FilterStore<T> extends Store<T> {
  /** Takes the oldest item for which `filter(item)` is true, waiting for one (default: any item). */
  override get(filter: (item: T) => boolean = () => true): StoreGet<T> {
    return this._add(this._gets, new StoreGet<T>(this._useLoop(), this, filter));
  }

  /** @internal SimPy's `FilterStore._do_get`: later getters may try when this one finds nothing. */
  protected override _doGet(event: StoreGet<T>): boolean {
    const filter = event.filter ?? (() => true);
    const i = this._items.findIndex((item) => filter(item));
    if (i >= 0) {
      const [item] = this._items.splice(i, 1);
      this._levelChanged();
      this._grant(this._gets as never, event, item as T);
    }
    return true;
  }
}

/**
 * A store whose gets take the smallest item (Python `heapq` order): SimPy's `PriorityStore`. Items are
 * typically `[priority, data]` arrays, or ordered with a `compare` option.
 *
 * @example
 * ```ts
 * const jobs = new PriorityStore<[number, string]>();
 * yield* jobs.put([2, "later"]);
 * yield* jobs.put([1, "first"]);
 * (yield* jobs.get())[1]; // "first"
 * ```
 */
export class PriorityStore<T> extends Store<T> {
  private readonly _less: (a: T, b: T) => boolean;

  /**
   * Creates a priority store; `compare` orders items (default: Python's `<`).
   * @throws {@link ArgumentError} unless `capacity` is a positive integer or `Infinity`.
   */
  constructor(options: PriorityStoreOptions<T> = {}) {
    super(options);
    const compare: Compare<T> = options.compare ?? pythonCompare;
    this._less = (a, b) => compare(a, b) < 0;
  }

  /** @internal */
  protected override _store(item: T): void {
    heapPush(this._items, item, this._less);
  }

  /** @internal */
  protected override _take(): T {
    return heapPop(this._items, this._less);
  }

  /** @internal */
  protected override _restore(item: T): void {
    heapPush(this._items, item, this._less);
  }
}
