/**
 * `Condition`: asyncio 3.11's `locks.Condition`.
 *
 * `wait()` releases the lock, waits to be notified, then re-acquires the lock before returning, even
 * when cancelled meanwhile: it keeps re-acquiring through cancellations and throws `CancelledError`
 * once it holds the lock again, so the `with` block's release stays balanced. `notify(n)` wakes the
 * first `n` waiters that are still waiting, in wait order.
 *
 * @module
 */
import { CancelledError, type Coroutine, type Future, isCancellation, noteAccess } from "@simloop/core";
import { LockNotAcquiredError } from "./errors.ts";
import { remove } from "./internal/list.ts";
import { LoopBound } from "./internal/loop-bound.ts";
import { Lock } from "./lock.ts";
import { holding } from "./internal/holding.ts";

/** What {@link Condition.statistics} returns (Trio style): a frozen snapshot. */
export interface ConditionStatistics {
  /** True while the underlying lock is held. */
  readonly locked: boolean;
  /** The number of tasks waiting in `wait()` to be notified. */
  readonly tasksWaiting: number;
}

/**
 * A condition variable: asyncio's `Condition`, over a {@link Lock} (a new one by default).
 *
 * Invariants: `wait()` returns (or throws) holding the lock; notified waiters wake in wait order.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * function* consumer() {
 *   yield* cond.with(function* () { yield* cond.waitFor(() => items.length > 0); return items.shift(); });
 * }
 * ```
 */
export class Condition {
  private readonly _lock: Lock;
  private readonly _waiters: Future<boolean>[] = [];
  private readonly _bound = new LoopBound();

  /** Creates a condition over `lock`, or over a new {@link Lock}. */
  constructor(lock?: Lock) {
    this._lock = lock ?? new Lock();
  }

  /** True if the underlying lock is held. */
  locked(): boolean {
    noteAccess(this);
    return this._lock.locked();
  }

  /**
   * Acquires the underlying lock: `yield* cond.acquire()`.
   * @throws `CancelledError` if cancelled while waiting.
   */
  acquire(): Coroutine<true> {
    return this._lock.acquire();
  }

  /**
   * Releases the underlying lock.
   * @throws {@link LockNotAcquiredError} if it is not held.
   */
  release(): void {
    this._lock.release();
  }

  /**
   * Runs `body` holding the lock (asyncio's `async with cond`) and returns its result.
   * @throws whatever the body throws; `CancelledError` if cancelled while waiting for the lock.
   */
  with<T>(body: () => Coroutine<T>): Coroutine<T> {
    return holding(this, body);
  }

  /**
   * Releases the lock, waits to be notified, re-acquires the lock and returns true.
   * @throws {@link LockNotAcquiredError} if the lock is not held; `CancelledError` if cancelled (the
   * lock is held again when it is thrown).
   */
  *wait(): Coroutine<true> {
    noteAccess(this);
    if (!this.locked()) {
      throw new LockNotAcquiredError("cannot wait on un-acquired lock: call wait() inside `yield* cond.with(...)`.");
    }
    this.release();
    try {
      const fut = this._bound.get(this).createFuture<boolean>("Condition.wait");
      this._waiters.push(fut);
      try {
        yield* fut;
        return true;
      } finally {
        noteAccess(this);
        remove(this._waiters, fut);
      }
    } finally {
      // Re-acquiring (and re-raising) in `finally` is what asyncio's Condition.wait does, on purpose.
      let cancelled = false;
      for (;;) {
        try {
          yield* this.acquire();
          break;
        } catch (error) {
          // oxlint-disable-next-line no-unsafe-finally -- asyncio re-raises here too
          if (!isCancellation(error)) throw error;
          cancelled = true;
        }
      }
      // oxlint-disable-next-line no-unsafe-finally -- asyncio's `raise exceptions.CancelledError`
      if (cancelled) throw new CancelledError();
    }
  }

  /**
   * Waits until `predicate()` is truthy, re-checking after each notification, and returns its value.
   * @throws as {@link Condition.wait}.
   */
  *waitFor<R>(predicate: () => R): Coroutine<R> {
    noteAccess(this);
    let result = predicate();
    while (!result) {
      yield* this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiting tasks (default 1), in wait order.
   * @throws {@link LockNotAcquiredError} if the lock is not held.
   */
  notify(n = 1): void {
    noteAccess(this);
    if (!this.locked()) {
      throw new LockNotAcquiredError(
        "cannot notify on un-acquired lock: call notify() inside `yield* cond.with(...)`.",
      );
    }
    let idx = 0;
    for (const fut of this._waiters) {
      if (idx >= n) break;
      if (!fut.done()) {
        idx += 1;
        fut.setResult(false);
      }
    }
  }

  /**
   * Wakes every waiting task.
   * @throws {@link LockNotAcquiredError} if the lock is not held.
   */
  notifyAll(): void {
    noteAccess(this);
    this.notify(this._waiters.length);
  }

  /** A frozen snapshot: whether the lock is held and how many tasks wait to be notified. */
  statistics(): ConditionStatistics {
    noteAccess(this);
    return Object.freeze({ locked: this.locked(), tasksWaiting: this._waiters.filter((w) => !w.done()).length });
  }

  /** A readable description, such as `<Condition [locked, waiters:1]>`. */
  toString(): string {
    const extra = this.locked() ? "locked" : "unlocked";
    return `<Condition [${extra}${this._waiters.length > 0 ? `, waiters:${this._waiters.length}` : ""}]>`;
  }
}
