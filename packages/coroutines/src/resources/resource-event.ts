/**
 * The futures that resources, stores and containers hand out (SimPy's `Put`/`Get` events): a request
 * that is granted later.
 *
 * Awaiting one (`yield* event`) waits until it is granted. Cancelling it (directly, or by cancelling
 * the task waiting on it) withdraws it from its queue. If the waiting task receives an error after the
 * event was granted but before it resumed (a cancellation or an interrupt arriving in between), the
 * grant is undone so that nothing is lost: a resource slot is released, a store item is put back, a
 * container amount is returned. If the waiting task is interrupted while the event is still queued, the
 * event withdraws itself, so nothing is granted to a process that stopped waiting.
 *
 * @module
 */
import { Future, type EventLoop, type Task } from "@simloop/core";

/** @internal What an event's resource does when the event is withdrawn or its grant undone. */
export interface EventOwner {
  _withdraw(event: ResourceEvent<unknown>): void;
  _undo(event: ResourceEvent<unknown>): void;
}

/**
 * A request to a resource, store or container, granted later: a {@link Future} of what it gives.
 *
 * Invariants: granted at most once; withdrawn from its queue when cancelled; a grant the waiting task
 * never saw is undone.
 *
 * @example
 * ```ts
 * const req = resource.request();
 * try { yield* req; yield* sleep(service); } finally { resource.release(req); }
 * ```
 */
export class ResourceEvent<T> extends Future<T> {
  /** The virtual time at which the event was created. */
  readonly requestedAt: number;
  /** The task that created it (SimPy's active process), or `null` outside a task. */
  readonly process: Task<unknown> | null;
  /** The virtual time at which it was granted, or `null`. */
  grantedAt: number | null = null;
  /** @internal */
  readonly _owner: EventOwner;

  /** @internal Created by resources, stores and containers. */
  constructor(loop: EventLoop, owner: EventOwner, label: string) {
    super(loop, label);
    this._owner = owner;
    this.requestedAt = loop.time();
    this.process = loop.currentTask();
  }

  /** Withdraws a pending event from its queue and cancels it; returns false if it is already done. */
  override cancel(message?: string): boolean {
    if (!this.done()) this._owner._withdraw(this);
    return super.cancel(message);
  }

  /**
   * Awaits the grant: `yield* event`. Undoes a grant the task did not see, and withdraws the event if
   * the task is interrupted while it is still queued. An event granted already (a free slot) returns
   * at once, as `yield* future` on a done future: no suspension, nothing to undo.
   */
  override [Symbol.iterator](): IterableIterator<Future<T>, T, unknown> {
    return this.state === "fulfilled" ? super[Symbol.iterator]() : this._await();
  }

  private *_await(): Generator<Future<T>, T, unknown> {
    try {
      return yield* super[Symbol.iterator]();
    } catch (error) {
      if (this.state === "fulfilled") this._owner._undo(this);
      else if (!this.done()) this.cancel();
      throw error;
    }
  }

  /** @internal Grants the event with `value`. */
  _grant(value: T): void {
    this.grantedAt = this.getLoop().time();
    this.setResult(value);
  }
}
