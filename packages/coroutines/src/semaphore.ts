/**
 * `Semaphore` and `BoundedSemaphore`: asyncio 3.11.7's `locks.Semaphore` (the fixed, FIFO version).
 *
 * `acquire` takes a permit at once only when one is free and no task still waits (no barging).
 * `release` hands the permit directly to the first waiting task (the counter is decremented on its
 * behalf). A waiter cancelled after it was handed a permit gives the permit back and passes it on, so
 * no permit is ever lost; a woken waiter that finds permits left wakes the next one.
 *
 * @module
 */
import { ArgumentError, type Coroutine, type Future, describeValue, isCancellation, noteAccess } from "@simloop/core";
import { SemaphoreOverReleaseError } from "./errors.ts";
import { remove } from "./internal/list.ts";
import { LoopBound } from "./internal/loop-bound.ts";
import { holding } from "./internal/holding.ts";

/** What {@link Semaphore.statistics} returns (Trio style): a frozen snapshot. */
export interface SemaphoreStatistics {
  /** Permits free now. */
  readonly value: number;
  /** True if `acquire()` would block. */
  readonly locked: boolean;
  /** The number of tasks waiting in `acquire()`. */
  readonly tasksWaiting: number;
}

/**
 * A counting semaphore: asyncio's `Semaphore(value)`.
 *
 * Invariants: the counter never goes below zero; permits go to waiters in FIFO order; cancellation
 * never loses a permit.
 *
 * @example
 * ```ts
 * const pool = new Semaphore(2);
 * function* fetch(url: string) {
 *   return yield* pool.with(function* () { yield* sleep(1); return url; });
 * }
 * ```
 */
export class Semaphore {
  /** @internal */
  protected _value: number;
  private readonly _waiters: Future<boolean>[] = [];
  private readonly _bound = new LoopBound();

  /**
   * Creates a semaphore with `value` permits (default 1).
   * @throws {@link ArgumentError} if `value` is negative or not an integer.
   */
  constructor(value = 1) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ArgumentError(`Semaphore initial value must be an integer >= 0, got \`${describeValue(value)}\`.`);
    }
    this._value = value;
  }

  /** True if `acquire()` would block: no permit, or tasks still waiting. */
  locked(): boolean {
    noteAccess(this);
    return this._value === 0 || this._waiters.some((w) => !w.cancelled());
  }

  /**
   * Takes a permit, waiting for one if needed, and returns true: `yield* sem.acquire()`.
   * @throws `CancelledError` if cancelled while waiting (no permit is then held).
   */
  *acquire(): Coroutine<true> {
    noteAccess(this);
    if (!this.locked()) {
      this._value -= 1;
      return true;
    }
    const fut = this._bound.get(this).createFuture<boolean>("Semaphore.acquire");
    this._waiters.push(fut);
    try {
      try {
        yield* fut;
      } finally {
        noteAccess(this);
        remove(this._waiters, fut);
      }
    } catch (error) {
      if (isCancellation(error) && !fut.cancelled()) {
        this._value += 1;
        this._wakeUpNext();
      }
      throw error;
    }
    if (this._value > 0) this._wakeUpNext();
    return true;
  }

  /** Returns a permit, handing it to the first waiting task if any. */
  release(): void {
    noteAccess(this);
    this._value += 1;
    this._wakeUpNext();
  }

  /**
   * Runs `body` holding a permit and returns it afterwards, also on error or cancellation (asyncio's
   * `async with sem`). Returns the body's result.
   * @throws whatever the body throws; `CancelledError` if cancelled while waiting.
   */
  with<T>(body: () => Coroutine<T>): Coroutine<T> {
    return holding(this, body);
  }

  /** A frozen snapshot: free permits, whether acquire would block, and how many tasks wait. */
  statistics(): SemaphoreStatistics {
    noteAccess(this);
    return Object.freeze({
      value: this._value,
      locked: this.locked(),
      tasksWaiting: this._waiters.filter((w) => !w.done()).length,
    });
  }

  /** A readable description, such as `<Semaphore [unlocked, value:2]>`. */
  toString(): string {
    const extra = this.locked() ? "locked" : `unlocked, value:${this._value}`;
    return `<${this.constructor.name} [${extra}${this._waiters.length > 0 ? `, waiters:${this._waiters.length}` : ""}]>`;
  }

  private _wakeUpNext(): void {
    for (const fut of this._waiters) {
      if (!fut.done()) {
        this._value -= 1;
        fut.setResult(true);
        return;
      }
    }
  }
}

/**
 * A semaphore that refuses to be released above its initial value: asyncio's `BoundedSemaphore`.
 *
 * @example
 * ```ts
 * const sem = new BoundedSemaphore(1);
 * sem.release(); // throws SemaphoreOverReleaseError
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  private readonly _boundValue: number;

  /**
   * Creates a bounded semaphore with `value` permits (default 1), which is also its bound.
   * @throws {@link ArgumentError} if `value` is negative or not an integer.
   */
  constructor(value = 1) {
    super(value);
    this._boundValue = value;
  }

  /**
   * Returns a permit.
   * @throws {@link SemaphoreOverReleaseError} if that would exceed the initial value.
   */
  override release(): void {
    if (this._value >= this._boundValue) throw new SemaphoreOverReleaseError(this._boundValue);
    super.release();
  }
}
