/**
 * Deliveries: the clockless choice for I/O. `loop.deliver(complete)` stands for an operation whose
 * completion arrives at a moment nobody can predict, without a latency guess: it returns a future that
 * the loop settles with `complete()`'s result when the completion is *delivered*.
 *
 * When they are delivered: only when the loop has nothing ready at the current instant (as fast-check's
 * scheduler releases a scheduled promise only once the program waits). Pending deliveries then compete
 * with each other and with the next timer: under a policy with the `io` level, the loop asks a
 * `delivery` choice point whose options are the pending deliveries (in request order) and, when a timer
 * is pending, "let the next timer fire first". With no policy (or pick 0) the oldest pending delivery is
 * delivered at once: a completion arrives as soon as the program waits, before any timer. No virtual
 * time passes for a delivery; `complete` runs in a callback at the instant it is delivered, so its
 * effects (a write to a shared store, a value read) happen at that moment of the schedule.
 *
 * A delivery whose future is done before its turn (cancelled with the task that waited on it) is
 * withdrawn: `complete` never runs.
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import { Future } from "./future.ts";
import type { Task } from "./task.ts";

/**
 * A delivery the loop has not made yet: what a `delivery` choice point offers.
 *
 * @example
 * ```ts
 * point.candidates.map((d) => `${d.label} (${d.task?.getName() ?? "main"})`);
 * ```
 */
export class PendingDelivery<T = unknown> {
  /** The label given to `loop.deliver` (default `"io"`), for reports. */
  readonly label: string;
  /** The task that requested it (running when `deliver` was called), or `null`. */
  readonly task: Task<unknown> | null;
  /** @internal The future settled at delivery. */
  readonly _future: Future<T>;
  /** @internal Computes the result at delivery. */
  readonly _complete: () => T;

  /** @internal Made by `EventLoop.deliver`. */
  constructor(future: Future<T>, complete: () => T, label: string, task: Task<unknown> | null) {
    this._future = future;
    this._complete = complete;
    this.label = label;
    this.task = task;
  }

  /** True once its future is done before delivery: the loop drops it without running `complete`. */
  get withdrawn(): boolean {
    return this._future.done();
  }
}

/**
 * @internal `loop.deliver(complete, { label })` on an open loop: a pending delivery, requested by the
 * running task, and the future it will settle.
 * @throws {@link ArgumentError} if `complete` is not a function.
 */
export function requestDelivery<T>(loop: EventLoop, complete: () => T, label: string): Future<T> {
  if (typeof complete !== "function") {
    throw new ArgumentError(
      `deliver() expects a function that computes the completion's result, got ${complete === null ? "null" : typeof complete}. Pass \`() => value\`.`,
    );
  }
  const future = new Future<T>(loop, `deliver ${label}`);
  (loop._deliveries ??= []).push(new PendingDelivery<T>(future, complete, label, loop._currentTask));
  return future;
}

/** @internal The callback that delivers: runs `complete` and settles the future with its outcome. */
export function deliver(delivery: PendingDelivery): void {
  const future = delivery._future;
  if (future.done()) return;
  let value: unknown;
  try {
    value = delivery._complete();
  } catch (error) {
    future.setException(error);
    return;
  }
  future.setResult(value);
}
