/**
 * `Barrier`: asyncio 3.11's `locks.Barrier`, built on a {@link Condition} as asyncio's is.
 *
 * A barrier fills until `parties` tasks wait, then drains: all of them return (each with a distinct
 * index, in arrival order 0..parties-1) before the barrier fills again. `reset()` and `abort()` make the
 * current waiters throw {@link BrokenBarrierError}; an aborted barrier stays broken until reset.
 *
 * @module
 */
import { ArgumentError, type Coroutine, describeValue, noteAccess } from "@simloop/core";
import { Condition } from "./condition.ts";
import { BrokenBarrierError } from "./errors.ts";

/** A barrier's state, as asyncio's `_BarrierState` values. */
export type BarrierState = "filling" | "draining" | "resetting" | "broken";

/** What {@link Barrier.statistics} returns: a frozen snapshot. */
export interface BarrierStatistics {
  readonly state: BarrierState;
  readonly parties: number;
  readonly nWaiting: number;
  readonly broken: boolean;
}

/**
 * A meeting point for a fixed number of tasks: asyncio's `Barrier(parties)`.
 *
 * Invariants: exactly `parties` tasks pass per cycle; the indices of one cycle are 0..parties-1.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3);
 * function* worker() { yield* sleep(loop.random.uniform(0, 2)); const i = yield* barrier.wait(); }
 * ```
 */
export class Barrier {
  private readonly _cond = new Condition();
  private readonly _parties: number;
  private _state: BarrierState = "filling";
  private _count = 0;

  /**
   * Creates a barrier for `parties` tasks.
   * @throws {@link ArgumentError} unless `parties` is an integer > 0.
   */
  constructor(parties: number) {
    if (!Number.isInteger(parties) || parties < 1) {
      throw new ArgumentError(`parties must be an integer > 0, got \`${describeValue(parties)}\`.`);
    }
    this._parties = parties;
  }

  /**
   * Waits until `parties` tasks wait, then returns this task's index (0..parties-1, in arrival order).
   * @throws {@link BrokenBarrierError} if the barrier is broken, reset or aborted meanwhile;
   * `CancelledError` if cancelled.
   */
  *wait(): Coroutine<number> {
    noteAccess(this);
    return yield* this._cond.with(
      function* (this: Barrier): Coroutine<number> {
        yield* this._block();
        try {
          const index = this._count;
          this._count += 1;
          if (index + 1 === this._parties) this._release();
          else yield* this._wait();
          return index;
        } finally {
          this._count -= 1;
          this._exit();
        }
      }.bind(this),
    );
  }

  /**
   * Resets the barrier to filling; tasks waiting now throw {@link BrokenBarrierError}.
   * @throws `CancelledError` if cancelled while taking the internal lock.
   */
  *reset(): Coroutine<void> {
    noteAccess(this);
    yield* this._cond.with(
      function* (this: Barrier): Coroutine<void> {
        if (this._count > 0) {
          if (this._state !== "resetting") this._state = "resetting";
        } else {
          this._state = "filling";
        }
        this._cond.notifyAll();
      }.bind(this),
    );
  }

  /**
   * Breaks the barrier: current and later waiters throw {@link BrokenBarrierError} until `reset()`.
   * @throws `CancelledError` if cancelled while taking the internal lock.
   */
  *abort(): Coroutine<void> {
    noteAccess(this);
    yield* this._cond.with(
      function* (this: Barrier): Coroutine<void> {
        this._state = "broken";
        this._cond.notifyAll();
      }.bind(this),
    );
  }

  /** The number of tasks needed to trip the barrier. */
  get parties(): number {
    return this._parties;
  }

  /** The number of tasks waiting now (0 unless filling). */
  get nWaiting(): number {
    noteAccess(this);
    return this._state === "filling" ? this._count : 0;
  }

  /** True if the barrier is broken. */
  get broken(): boolean {
    noteAccess(this);
    return this._state === "broken";
  }

  /** A frozen snapshot of the barrier's state. */
  statistics(): BarrierStatistics {
    noteAccess(this);
    return Object.freeze({ state: this._state, parties: this._parties, nWaiting: this.nWaiting, broken: this.broken });
  }

  /** A readable description, such as `<Barrier [filling, waiters:1/3]>`. */
  toString(): string {
    return `<Barrier [${this._state}${this.broken ? "" : `, waiters:${this.nWaiting}/${this._parties}`}]>`;
  }

  private *_block(): Coroutine<void> {
    yield* this._cond.waitFor(() => this._state !== "draining" && this._state !== "resetting");
    if (this._state === "broken") throw new BrokenBarrierError("Barrier aborted: reset() it before waiting again.");
  }

  private _release(): void {
    this._state = "draining";
    this._cond.notifyAll();
  }

  private *_wait(): Coroutine<void> {
    yield* this._cond.waitFor(() => this._state !== "filling");
    if (this._state === "broken" || this._state === "resetting") {
      throw new BrokenBarrierError("Abort or reset of barrier while waiting on it.");
    }
  }

  private _exit(): void {
    if (this._count === 0) {
      if (this._state === "resetting" || this._state === "draining") this._state = "filling";
      this._cond.notifyAll();
    }
  }
}
