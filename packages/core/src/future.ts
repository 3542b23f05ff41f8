/**
 * Futures: a value that arrives later, with asyncio's semantics.
 *
 * A future settles once. Its done callbacks are never called synchronously: at the moment it settles
 * each one is scheduled with `callSoon`, in registration order (and a callback added after it settled
 * is scheduled at once). Awaiting is iteration: `yield* future` inside a coroutine yields the future to
 * its task when it is pending, and returns its result (or throws its exception) when it is done, so
 * awaiting a done future does not give up the turn.
 *
 * @module
 */
import { AwaitOutsideTaskError, CancelledError, InvalidStateError, LoopMisuseError } from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import { runningLoopOrNull } from "./running.ts";
import type { Task } from "./task.ts";

/** A future's state, as a string union. */
export type FutureState = "pending" | "fulfilled" | "rejected" | "cancelled";

/** @internal */
export const PENDING = 0;
/** @internal */
export const FINISHED = 1;
/** @internal */
export const CANCELLED = 2;

/** A done callback: called (through `callSoon`) with the future once it is done. */
export type DoneCallback<F> = (future: F) => unknown;

/** @internal What a future's callback list holds: user callbacks, or tasks waiting on it. */
export type CallbackEntry = DoneCallback<never> | Task<unknown>;

/**
 * A value that will be available later: asyncio's `Future`, on virtual time.
 *
 * Invariants: a future settles once (result, exception or cancellation); done callbacks run through
 * `callSoon` in registration order, never synchronously; a pending future is awaited with `yield*`.
 *
 * @example
 * ```ts
 * const fut = loop.createFuture<number>();
 * loop.callLater(1, () => fut.setResult(42));
 * loop.runUntilComplete(fut); // 42, at loop.time() === 1
 * ```
 */
export class Future<T> {
  /** @internal */
  _state: number = PENDING;
  /** @internal */
  _result: T | undefined = undefined;
  /** @internal */
  _exception: unknown = undefined;
  /** @internal True when the future finished with an exception. */
  _hasException = false;
  /** @internal Registered done callbacks; `null` once they are scheduled. */
  _callbacks: CallbackEntry[] | null = null;
  /** @internal Set by the iterator just before it yields the future to a task (asyncio's `_asyncio_future_blocking`). */
  _blocking = false;
  /** @internal */
  _cancelMessage: string | undefined = undefined;
  /** @internal The `CancelledError` to re-raise, kept when a task was cancelled from inside. */
  _cancelledExc: CancelledError | null = null;
  /** @internal True while an exception was set and nobody retrieved it. */
  _logTraceback = false;
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal The task that created the future, for messages. */
  readonly _creator: Task<unknown> | null;
  /** @internal */
  _label: string | undefined;

  /**
   * Creates a pending future on `loop`; `loop.createFuture()` is the usual way (asyncio's
   * `Future()` without a loop is `getEventLoop().createFuture()`).
   */
  constructor(loop: EventLoop, label?: string) {
    this._loop = loop;
    this._creator = this._loop._currentTask;
    this._label = label;
  }

  /** The loop this future belongs to. */
  getLoop(): EventLoop {
    return this._loop;
  }

  /** A label for messages and traces (set by `createFuture({ label })`), if any. */
  get label(): string | undefined {
    return this._label;
  }

  /** The message given to `cancel(message)`, once cancelled that way (asyncio's `_cancel_message`). */
  get cancelMessage(): string | undefined {
    return this._cancelMessage;
  }

  /** `"pending"`, `"fulfilled"`, `"rejected"` or `"cancelled"`. */
  get state(): FutureState {
    if (this._state === PENDING) return "pending";
    if (this._state === CANCELLED) return "cancelled";
    return this._hasException ? "rejected" : "fulfilled";
  }

  /** True once the future has a result, an exception, or was cancelled. */
  done(): boolean {
    return this._state !== PENDING;
  }

  /** True if the future was cancelled. */
  cancelled(): boolean {
    return this._state === CANCELLED;
  }

  /**
   * The result.
   * @throws {@link CancelledError} if the future was cancelled; its exception if it has one;
   * {@link InvalidStateError} if it is still pending.
   */
  result(): T {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state === PENDING) {
      throw new InvalidStateError(
        `Result is not ready: ${this.toString()} is still pending. Await it with \`yield*\` first, or check done().`,
      );
    }
    this._retrieved();
    if (this._hasException) throw this._exception;
    return this._result as T;
  }

  /**
   * The exception the future finished with, or `undefined` if it has a result.
   * @throws {@link CancelledError} if it was cancelled; {@link InvalidStateError} if it is still pending.
   */
  exception(): unknown {
    if (this._state === CANCELLED) throw this._makeCancelledError();
    if (this._state === PENDING) {
      throw new InvalidStateError(
        `Exception is not set: ${this.toString()} is still pending. Await it with \`yield*\` first, or check done().`,
      );
    }
    this._retrieved();
    return this._hasException ? this._exception : undefined;
  }

  /**
   * Marks the future done with `value` and schedules its done callbacks.
   * @throws {@link InvalidStateError} if it is already done.
   */
  setResult(value: T): void {
    if (this._state !== PENDING) throw this._alreadyDone("setResult");
    this._result = value;
    this._state = FINISHED;
    this._scheduleCallbacks();
  }

  /**
   * Marks the future done with `exception` and schedules its done callbacks.
   * @throws {@link InvalidStateError} if it is already done.
   */
  setException(exception: unknown): void {
    if (this._state !== PENDING) throw this._alreadyDone("setException");
    this._exception = exception;
    this._hasException = true;
    this._state = FINISHED;
    this._logTraceback = true;
    this._loop._noteUnretrieved(this);
    this._scheduleCallbacks();
  }

  /**
   * Cancels the future and schedules its done callbacks. Returns false if it was already done.
   * `message` becomes the `CancelledError`'s message.
   */
  cancel(message?: string): boolean {
    this._retrieved();
    if (this._state !== PENDING) return false;
    this._state = CANCELLED;
    this._cancelMessage = message;
    this._scheduleCallbacks();
    return true;
  }

  /**
   * Registers `callback`, called with this future once it is done, through `callSoon`. If the future is
   * already done, the call is scheduled at once.
   */
  addDoneCallback(callback: DoneCallback<this>): void {
    if (typeof callback !== "function") {
      throw new TypeError(`addDoneCallback() expects a function, got ${typeof callback}.`);
    }
    if (this._state !== PENDING) {
      this._loop._scheduleDone(callback as DoneCallback<never>, this);
    } else if (this._callbacks === null) {
      this._callbacks = [callback as DoneCallback<never>];
    } else {
      this._callbacks.push(callback as DoneCallback<never>);
    }
  }

  /**
   * Removes every registration of `callback` and returns how many there were. Once the future is done
   * its callbacks are already scheduled, so this returns 0 and they still run (as in asyncio).
   */
  removeDoneCallback(callback: DoneCallback<this>): number {
    const callbacks = this._callbacks;
    if (callbacks === null) return 0;
    const kept = callbacks.filter((entry) => entry !== (callback as unknown));
    const removed = callbacks.length - kept.length;
    if (removed > 0) this._callbacks = kept.length > 0 ? kept : null;
    return removed;
  }

  /**
   * Awaits the future: `const value = yield* future` inside a coroutine. Yields to the task only while
   * the future is pending.
   * @throws {@link AwaitOutsideTaskError} when iterated outside a task while pending.
   */
  *[Symbol.iterator](): Generator<Future<T>, T, unknown> {
    if (this._state === PENDING) {
      const running = runningLoopOrNull();
      if (running === null || running._currentTask === null) throw new AwaitOutsideTaskError(this.toString());
      this._blocking = true;
      yield this;
    }
    if (this._state === PENDING) {
      throw new LoopMisuseError(
        "AWAIT_NOT_USED",
        `await wasn't used with future: ${this.toString()} was resumed while still pending. Use \`yield* future\`, not a manual iteration.`,
      );
    }
    return this.result();
  }

  /** A readable description, such as `<Future pending label>`. */
  toString(): string {
    const label = this._label === undefined ? "" : ` ${this._label}`;
    return `<Future ${this.state}${label}>`;
  }

  /** @internal Schedules the done callbacks, in registration order. */
  _scheduleCallbacks(): void {
    const callbacks = this._callbacks;
    if (callbacks === null) return;
    this._callbacks = null;
    const loop = this._loop;
    for (let i = 0; i < callbacks.length; i++) {
      const entry = callbacks[i] as CallbackEntry;
      if (typeof entry === "function") loop._scheduleDone(entry, this);
      else loop._scheduleWakeup(entry, this);
    }
  }

  /** @internal Registers a task to be woken when this future is done. */
  _addWakeup(task: Task<unknown>): void {
    if (this._state !== PENDING) {
      this._loop._scheduleWakeup(task, this);
    } else if (this._callbacks === null) {
      this._callbacks = [task];
    } else {
      this._callbacks.push(task);
    }
  }

  /** @internal Unregisters a waiting task's wake-up; false if it was not registered (already scheduled). */
  _removeWakeup(task: Task<unknown>): boolean {
    const callbacks = this._callbacks;
    if (callbacks === null) return false;
    const index = callbacks.indexOf(task);
    if (index < 0) return false;
    callbacks.splice(index, 1);
    if (callbacks.length === 0) this._callbacks = null;
    return true;
  }

  /** @internal asyncio's `_make_cancelled_error`. */
  _makeCancelledError(): CancelledError {
    const kept = this._cancelledExc;
    if (kept !== null) {
      this._cancelledExc = null;
      return kept;
    }
    return new CancelledError(this._cancelMessage);
  }

  /** @internal The exception was seen by someone: it no longer counts as never retrieved. */
  _retrieved(): void {
    if (this._logTraceback) {
      this._logTraceback = false;
      this._loop._forgetUnretrieved(this);
    }
  }

  private _alreadyDone(action: string): InvalidStateError {
    return new InvalidStateError(
      `Cannot ${action}() on ${this.toString()}: it is already ${this.state}. A future settles once; check done() first.`,
    );
  }
}
