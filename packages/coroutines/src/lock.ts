/**
 * `Lock`: asyncio 3.11's `locks.Lock`, FIFO-fair.
 *
 * `acquire` succeeds at once only when the lock is free and no waiter that is still waiting exists
 * (no barging); `release` wakes exactly the first waiter, which takes the lock when it resumes. A waiter
 * cancelled while waiting is removed; one cancelled after it was woken (its wake-up already scheduled)
 * passes the wake-up on to the next waiter, so no wake-up is ever lost.
 *
 * @module
 */
import { type Coroutine, type Future, isCancellation, noteAccess } from "@simloop/core";
import { LockNotAcquiredError } from "./errors.ts";
import { remove } from "./internal/list.ts";
import { LoopBound } from "./internal/loop-bound.ts";
import { holding } from "./internal/holding.ts";

/** What {@link Lock.statistics} returns (Trio style): a frozen snapshot. */
export interface LockStatistics {
  /** True while the lock is held. */
  readonly locked: boolean;
  /** The number of tasks waiting in `acquire()`. */
  readonly tasksWaiting: number;
}

/**
 * A mutual-exclusion lock for tasks: asyncio's `Lock`.
 *
 * Invariants: at most one holder; waiters get the lock in the order they asked (FIFO, no barging);
 * cancelling a waiter never loses a wake-up.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * function* deposit(account: { balance: number }) {
 *   yield* lock.withLock(function* () {
 *     const b = account.balance;
 *     yield* sleep(1);
 *     account.balance = b + 1;
 *   });
 * }
 * ```
 */
export class Lock {
  private _waiters: Future<boolean>[] = [];
  private _locked = false;
  private readonly _bound = new LoopBound();

  /** True if the lock is held. */
  locked(): boolean {
    noteAccess(this);
    return this._locked;
  }

  /**
   * Waits until the lock is free, takes it and returns true: `yield* lock.acquire()`. Does not yield
   * when the lock is free and nobody waits.
   * @throws `CancelledError` if the task is cancelled while waiting (the lock is then not held).
   */
  *acquire(): Coroutine<true> {
    noteAccess(this);
    if (!this._locked && this._waiters.every((w) => w.cancelled())) {
      this._locked = true;
      return true;
    }
    const fut = this._bound.get(this).createFuture<boolean>("Lock.acquire");
    this._waiters.push(fut);
    try {
      try {
        yield* fut;
      } finally {
        noteAccess(this);
        remove(this._waiters, fut);
      }
    } catch (error) {
      if (isCancellation(error) && !this._locked) this._wakeUpFirst();
      throw error;
    }
    this._locked = true;
    return true;
  }

  /**
   * Releases the lock and wakes the first waiter.
   * @throws {@link LockNotAcquiredError} if the lock is not held.
   */
  release(): void {
    noteAccess(this);
    if (!this._locked) {
      throw new LockNotAcquiredError("Lock is not acquired: release() must follow a successful acquire().");
    }
    this._locked = false;
    this._wakeUpFirst();
  }

  /**
   * Runs `body` holding the lock and releases it afterwards, also on error or cancellation (asyncio's
   * `async with lock`). Returns the body's result.
   * @throws whatever the body throws; `CancelledError` if cancelled while waiting.
   */
  with<T>(body: () => Coroutine<T>): Coroutine<T> {
    return holding(this, body);
  }

  /**
   * The same as {@link Lock.with}: `yield* lock.withLock(function* () { … })`.
   * @throws whatever the body throws; `CancelledError` if cancelled while waiting.
   */
  withLock<T>(body: () => Coroutine<T>): Coroutine<T> {
    return this.with(body);
  }

  /** A frozen snapshot: whether the lock is held and how many tasks wait. */
  statistics(): LockStatistics {
    noteAccess(this);
    return Object.freeze({ locked: this._locked, tasksWaiting: this._waiters.filter((w) => !w.done()).length });
  }

  /** A readable description, such as `<Lock [locked, waiters:2]>`. */
  toString(): string {
    const extra = this._locked ? "locked" : "unlocked";
    return `<Lock [${extra}${this._waiters.length > 0 ? `, waiters:${this._waiters.length}` : ""}]>`;
  }

  private _wakeUpFirst(): void {
    const fut = this._waiters[0];
    if (fut !== undefined && !fut.done()) fut.setResult(true);
  }
}
