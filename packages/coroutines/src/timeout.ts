/**
 * `timeout` and `timeoutAt`: asyncio 3.11's `async with timeout(delay)` / `timeout_at(when)`, as scoped
 * generators (`async with` cannot be written in JavaScript).
 *
 * Entering arms a timer at the deadline (or, when the deadline is already reached, queues the expiry
 * with `callSoon`, so a body that never suspends completes normally). At the deadline the enclosing
 * task is cancelled; the `CancelledError` is delivered at the body's current wait. On exit the scope
 * `uncancel()`s the task and turns the cancellation into `TimeoutError` only if it caused it (no other
 * cancellation request is pending), as asyncio's `Timeout.__aexit__` does. Nested scopes: only the
 * expired one converts.
 *
 * @module
 */
import { TimeoutError, currentTask, getRunningLoop, isCancellation, type Coroutine, type Task } from "@simloop/core";
import { TimeoutStateError } from "./errors.ts";
import { checkTimeout } from "./internal/validate.ts";

/** The state of a {@link Timeout} scope, as asyncio's `_State` values. */
export type TimeoutState = "created" | "active" | "expiring" | "expired" | "finished";

/**
 * The scope object a `timeout`/`timeoutAt` body receives: read or move its deadline.
 *
 * Invariants: it is entered once; only an active scope can be rescheduled; it converts only the
 * cancellation it caused.
 *
 * @example
 * ```ts
 * yield* timeout(5, function* (scope) {
 *   yield* sleep(4);
 *   scope.reschedule(scope.when()! + 5); // extend by 5
 *   yield* sleep(4);
 * });
 * ```
 */
export class Timeout {
  private _state: TimeoutState = "created";
  private _when: number | null;
  private _handle: { cancel(): void } | null = null;
  private _task: Task<unknown> | null = null;
  private _cancelling = 0;

  /** Created by {@link timeout} and {@link timeoutAt}; `when` is an absolute virtual time or `null` (never). */
  constructor(when: number | null) {
    this._when = checkTimeout("when", when);
  }

  /** The current deadline (absolute virtual time), or `null` for none. */
  when(): number | null {
    return this._when;
  }

  /** The scope's state. */
  get state(): TimeoutState {
    return this._state;
  }

  /** True once the deadline was reached while the body ran. */
  expired(): boolean {
    return this._state === "expiring" || this._state === "expired";
  }

  /**
   * Moves the deadline to `when` (absolute virtual time; `null` disables it). A deadline already
   * reached expires on the next iteration (`callSoon`).
   * @throws {@link TimeoutStateError} unless the scope is active; {@link ArgumentError} for a non-finite time.
   */
  reschedule(when: number | null): void {
    if (this._state !== "active") {
      if (this._state === "created")
        throw new TimeoutStateError("Timeout has not been entered: reschedule() works only inside the body.");
      throw new TimeoutStateError(
        `Cannot change state of ${this._state} Timeout: reschedule() works only while the body runs and before the deadline.`,
      );
    }
    const next = checkTimeout("when", when);
    this._when = next;
    this._handle?.cancel();
    if (next === null) {
      this._handle = null;
    } else {
      const loop = getRunningLoop();
      this._handle = next <= loop.time() ? loop.callSoon(this._onTimeout) : loop.callAt(next, this._onTimeout);
    }
  }

  /** A readable description, such as `<Timeout [active] when=5>`. */
  toString(): string {
    return `<Timeout [${this._state}]${this._state === "active" ? ` when=${String(this._when)}` : ""}>`;
  }

  /** @internal `__aenter__`. */
  _enter(): void {
    if (this._state !== "created") throw new TimeoutStateError("Timeout has already been entered: use a new scope.");
    const task = currentTask();
    if (task === null)
      throw new TimeoutStateError("Timeout should be used inside a task: run the code with loop.createTask().");
    this._state = "active";
    this._task = task;
    this._cancelling = task.cancelling();
    this.reschedule(this._when);
  }

  /** @internal `__aexit__`: returns the error to throw instead of the body's, if any. */
  _exit(hasError: boolean, error: unknown): { replace: boolean; error?: unknown } {
    this._handle?.cancel();
    this._handle = null;
    if (this._state === "expiring") {
      this._state = "expired";
      if ((this._task as Task<unknown>).uncancel() <= this._cancelling && hasError && isCancellation(error)) {
        const timeoutError = new TimeoutError();
        Object.defineProperty(timeoutError, "cause", { value: error, configurable: true, writable: true });
        return { replace: true, error: timeoutError };
      }
    } else if (this._state === "active") {
      this._state = "finished";
    }
    return { replace: false };
  }

  private readonly _onTimeout = (): void => {
    (this._task as Task<unknown>).cancel();
    this._state = "expiring";
    this._handle = null;
  };
}

function* runScope<T>(scope: Timeout, body: (scope: Timeout) => Coroutine<T>): Coroutine<T> {
  scope._enter();
  let result: T;
  try {
    result = yield* body(scope);
  } catch (error) {
    const exit = scope._exit(true, error);
    throw exit.replace ? exit.error : error;
  }
  scope._exit(false, undefined);
  return result;
}

/**
 * Runs `body` with a deadline `delay` units of virtual time from now and returns its result:
 * `yield* timeout(5, function* (scope) { … })`. `null` means no deadline (it can be set later with
 * `scope.reschedule`).
 * @throws {@link TimeoutError} when the deadline cancels the body; whatever the body throws;
 * {@link TimeoutStateError} outside a task; {@link ArgumentError} for a non-finite delay.
 *
 * @example
 * ```ts
 * try {
 *   yield* timeout(1, function* () { yield* sleep(10); });
 * } catch (e) { if (!(e instanceof TimeoutError)) throw e; } // at t=1
 * ```
 */
export function* timeout<T>(delay: number | null, body: (scope: Timeout) => Coroutine<T>): Coroutine<T> {
  const d = checkTimeout("delay", delay);
  const loop = getRunningLoop();
  return yield* runScope(new Timeout(d === null ? null : loop.time() + d), body);
}

/**
 * Like {@link timeout} with an absolute deadline `when` (virtual time, as `loop.time()`).
 * @throws {@link TimeoutError} when the deadline cancels the body; whatever the body throws;
 * {@link TimeoutStateError} outside a task; {@link ArgumentError} for a non-finite time.
 *
 * @example
 * ```ts
 * yield* timeoutAt(loop.time() + 10, function* () { yield* work(); });
 * ```
 */
export function* timeoutAt<T>(when: number | null, body: (scope: Timeout) => Coroutine<T>): Coroutine<T> {
  return yield* runScope(new Timeout(when), body);
}
