/**
 * `Event`: asyncio 3.11's `locks.Event`.
 *
 * `set()` resolves every current waiter's future at once, in wait order; they resume in the next
 * iteration, and a `clear()` right after does not stop them. `wait()` on a set event returns without
 * yielding.
 *
 * @module
 */
import { noteAccess } from "@simloop/core";
import type { Coroutine, Future } from "@simloop/core";
import { remove } from "./internal/list.ts";
import { LoopBound } from "./internal/loop-bound.ts";

/** What {@link Event.statistics} returns (Trio style): a frozen snapshot. */
export interface EventStatistics {
  /** True while the flag is set. */
  readonly isSet: boolean;
  /** The number of tasks waiting in `wait()`. */
  readonly tasksWaiting: number;
}

/**
 * A flag tasks can wait for: asyncio's `Event`.
 *
 * Invariants: `set()` wakes every task waiting at that moment, in wait order; `wait()` on a set event
 * does not yield.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * loop.createTask(function* () { yield* ready.wait(); log.push("go"); }());
 * loop.callLater(1, () => ready.set());
 * ```
 */
export class Event {
  private readonly _waiters: Future<boolean>[] = [];
  private _value = false;
  private readonly _bound = new LoopBound();

  /** True if the flag is set. */
  isSet(): boolean {
    noteAccess(this);
    return this._value;
  }

  /** Sets the flag and wakes every waiting task (they resume in the next iteration, in wait order). */
  set(): void {
    noteAccess(this);
    if (this._value) return;
    this._value = true;
    for (const fut of this._waiters) if (!fut.done()) fut.setResult(true);
  }

  /** Clears the flag: later `wait()` calls block until the next `set()`. */
  clear(): void {
    noteAccess(this);
    this._value = false;
  }

  /**
   * Waits until the flag is set and returns true: `yield* event.wait()`.
   * @throws `CancelledError` if the task is cancelled while waiting.
   */
  *wait(): Coroutine<true> {
    noteAccess(this);
    if (this._value) return true;
    const fut = this._bound.get(this).createFuture<boolean>("Event.wait");
    this._waiters.push(fut);
    try {
      yield* fut;
      return true;
    } finally {
      noteAccess(this);
      remove(this._waiters, fut);
    }
  }

  /** A frozen snapshot: whether the flag is set and how many tasks wait. */
  statistics(): EventStatistics {
    noteAccess(this);
    return Object.freeze({ isSet: this._value, tasksWaiting: this._waiters.filter((w) => !w.done()).length });
  }

  /** A readable description, such as `<Event [unset, waiters:1]>`. */
  toString(): string {
    const extra = this._value ? "set" : "unset";
    return `<Event [${extra}${this._waiters.length > 0 ? `, waiters:${this._waiters.length}` : ""}]>`;
  }
}
