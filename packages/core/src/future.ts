/**
 * Futures: a value that arrives later, with asyncio's semantics.
 *
 * A future settles once. Its done callbacks are never called synchronously: at the moment it settles
 * each one is scheduled with `callSoon`, in registration order (and a callback added after it settled
 * is scheduled at once). Awaiting is iteration: `yield* future` inside a coroutine yields the future to
 * its task while it is pending, and returns its result (or throws its exception) once it is done, so
 * awaiting a done future does not give up the turn.
 *
 * Layout (a sleeping task holds one of these): the state and its flags share one integer, a single
 * done callback is held without an array, and what is rarely set (a cancel message, the
 * cancellation to re-raise, a task's cancellation count and queued interrupts) lives in an extra record
 * allocated only when needed. The creating task, kept for deadlock reports ("created by task X"), has
 * no field of its own: while the future is pending it sits in the value slot, which settling
 * overwrites (so it is also released then). `yield*` iterates a small awaiter object instead of a
 * generator.
 *
 * A future that fails with an exception nobody retrieves is kept on its loop's list
 * (`loop.unretrievedFutures()`), as asyncio's futures log "exception was never retrieved" when collected.
 *
 * @module
 */
import {
  ArgumentError,
  AwaitOutsideTaskError,
  BadYieldError,
  CancelledError,
  InvalidStateError,
  LoopMisuseError,
  WrongLoopError,
} from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import { runningLoopOrNull } from "./current-loop.ts";
import { scheduleDone, scheduleWakeup } from "./internal-handles.ts";
import type { Task } from "./task.ts";
import { NO_EXCEPTION, type Waitable } from "./waitable.ts";

/** A future's state, as a string union. */
export type FutureState = "pending" | "fulfilled" | "rejected" | "cancelled";

/** @internal The state, in the low two bits of `_state`. */
export const PENDING = 0;
/** @internal */
export const FINISHED = 1;
/** @internal */
export const CANCELLED = 2;
/** @internal */
export const STATE_MASK = 3;
/** @internal Finished with an exception. */
export const HAS_EXCEPTION = 4;
/** @internal Set by the awaiter just before it yields the future to a task (asyncio's `_asyncio_future_blocking`). */
export const BLOCKING = 8;
/** @internal An exception was set and nobody retrieved it. */
export const LOG_TRACEBACK = 16;
/** @internal Task: a cancellation must be thrown in at the next step (asyncio's `_must_cancel`). */
export const MUST_CANCEL = 32;
/** @internal Task: a policy with the `faults` level may cancel it. */
export const CANCELLABLE = 64;
/** @internal Its exception is unretrieved but the loop's bounded list did not keep it (only counted). */
export const UNTRACKED = 128;
/** @internal Task: its coroutine is a generator object, stepped with the engine's generator methods (see `Task._step`). */
export const ENGINE_GENERATOR = 256;

/** A done callback: called (through `callSoon`) with the future once it is done. */
export type DoneCallback<F> = (future: F) => unknown;

/** @internal What a future's callback list holds: user callbacks, or tasks waiting on it. */
export type CallbackEntry = DoneCallback<never> | Task<unknown>;

/** @internal What only some futures need. */
export interface FutureExtra {
  cancelMessage: string | undefined;
  cancelledExc: CancelledError | null;
  /** Task only: asyncio's `_num_cancels_requested`. */
  numCancelsRequested: number;
  /** Task only: errors queued by `interrupt()`, delivered one per step. */
  interrupts: unknown[] | null;
}

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
export class Future<T> implements Waitable {
  /** @internal State (low bits) and flags. */
  _state: number = PENDING;
  /**
   * @internal The result, or the exception when `HAS_EXCEPTION` is set; while pending, the task that
   * created the future (or `null`), for deadlock reports.
   */
  _value: unknown;
  /** @internal One registered done callback, an array of them, or `null` (none, or already scheduled). */
  _callbacks: CallbackEntry | CallbackEntry[] | null = null;
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal */
  _extra: FutureExtra | null = null;
  /** @internal The label; a task keeps its name here (a string, or the number `n` of `Task-n`). */
  _label: string | number | undefined;

  /**
   * Creates a pending future on `loop`; `loop.createFuture()` is the usual way (asyncio's
   * `Future()` without a loop is `getEventLoop().createFuture()`).
   */
  constructor(loop: EventLoop, label?: string) {
    this._loop = loop;
    this._value = loop._currentTask;
    this._label = label;
  }

  /** The loop this future belongs to. */
  getLoop(): EventLoop {
    return this._loop;
  }

  /** A label for messages and traces (set by `createFuture(label)`), if any. */
  get label(): string | undefined {
    return this._label as string | undefined;
  }

  /** The message given to `cancel(message)`, once cancelled that way (asyncio's `_cancel_message`). */
  get cancelMessage(): string | undefined {
    return this._extra?.cancelMessage;
  }

  /** `"pending"`, `"fulfilled"`, `"rejected"` or `"cancelled"`. */
  get state(): FutureState {
    const state = this._state;
    switch (state & STATE_MASK) {
      case PENDING:
        return "pending";
      case CANCELLED:
        return "cancelled";
      default:
        return (state & HAS_EXCEPTION) !== 0 ? "rejected" : "fulfilled";
    }
  }

  /** True once the future has a result, an exception, or was cancelled. */
  done(): boolean {
    return (this._state & STATE_MASK) !== PENDING;
  }

  /** True if the future was cancelled. */
  cancelled(): boolean {
    return (this._state & STATE_MASK) === CANCELLED;
  }

  /**
   * The result.
   * @throws {@link CancelledError} if the future was cancelled; its exception if it has one;
   * {@link InvalidStateError} if it is still pending.
   */
  result(): T {
    const state = this._state;
    const s = state & STATE_MASK;
    if (s === FINISHED && (state & (HAS_EXCEPTION | LOG_TRACEBACK)) === 0) return this._value as T;
    if (s === CANCELLED) throw this._makeCancelledError();
    if (s === PENDING) {
      throw new InvalidStateError(
        `Result is not ready: ${this.toString()} is still pending. Await it with \`yield*\` first, or check done().`,
      );
    }
    this._retrieved();
    if ((state & HAS_EXCEPTION) !== 0) throw this._value;
    return this._value as T;
  }

  /**
   * The exception the future finished with, or `undefined` if it has a result.
   * @throws {@link CancelledError} if it was cancelled; {@link InvalidStateError} if it is still pending.
   */
  exception(): unknown {
    const s = this._state & STATE_MASK;
    if (s === CANCELLED) throw this._makeCancelledError();
    if (s === PENDING) {
      throw new InvalidStateError(
        `Exception is not set: ${this.toString()} is still pending. Await it with \`yield*\` first, or check done().`,
      );
    }
    this._retrieved();
    return (this._state & HAS_EXCEPTION) !== 0 ? this._value : undefined;
  }

  /**
   * Marks the future done with `value` and schedules its done callbacks.
   * @throws {@link InvalidStateError} if it is already done.
   */
  setResult(value: T): void {
    if ((this._state & STATE_MASK) !== PENDING) throw this._alreadyDone("setResult");
    this._value = value;
    this._state = (this._state & ~STATE_MASK) | FINISHED;
    this._scheduleCallbacks();
  }

  /**
   * Marks the future done with `exception` and schedules its done callbacks.
   * @throws {@link InvalidStateError} if it is already done.
   */
  setException(exception: unknown): void {
    if ((this._state & STATE_MASK) !== PENDING) throw this._alreadyDone("setException");
    this._value = exception;
    this._state = (this._state & ~STATE_MASK) | FINISHED | HAS_EXCEPTION | LOG_TRACEBACK;
    noteUnretrieved(this._loop, this);
    this._scheduleCallbacks();
  }

  /**
   * Cancels the future and schedules its done callbacks. Returns false if it was already done.
   * `message` becomes the `CancelledError`'s message.
   */
  cancel(message?: string): boolean {
    this._retrieved();
    if ((this._state & STATE_MASK) !== PENDING) return false;
    this._settleCancelledState(message);
    this._scheduleCallbacks();
    return true;
  }

  /**
   * Registers `callback`, called with this future once it is done, through `callSoon`. If the future is
   * already done, the call is scheduled at once.
   * @throws {@link ArgumentError} if `callback` is not a function.
   */
  addDoneCallback(callback: DoneCallback<this>): void {
    if (typeof callback !== "function") {
      throw new ArgumentError(
        `addDoneCallback() expects a function, got ${callback === null ? "null" : typeof callback}. ` +
          "Pass the function itself: future.addDoneCallback((f) => …).",
      );
    }
    this._addEntry(callback as DoneCallback<never>);
  }

  /**
   * Removes every registration of `callback` and returns how many there were. Once the future is done
   * its callbacks are already scheduled, so this returns 0 and they still run (as in asyncio).
   */
  removeDoneCallback(callback: DoneCallback<this>): number {
    return this._removeEntries(callback as unknown as CallbackEntry, true);
  }

  /**
   * Awaits the future: `const value = yield* future` inside a coroutine. Yields to the task only while
   * the future is pending.
   * @throws {@link AwaitOutsideTaskError} when iterated outside a task while pending.
   */
  [Symbol.iterator](): IterableIterator<Future<T>, T, unknown> {
    return new FutureAwaiter(this);
  }

  /** A readable description, such as `<Future pending label>`. */
  toString(): string {
    const label = this._label;
    return `<Future ${this.state}${label === undefined ? "" : ` ${String(label)}`}>`;
  }

  /** @internal The future is done: tells the instruments, then schedules the done callbacks in order. */
  _scheduleCallbacks(): void {
    const loop = this._loop;
    if (loop._instruments !== null) loop._instruments.futureDone(this);
    const callbacks = this._callbacks;
    if (callbacks === null) return;
    this._callbacks = null;
    if (!Array.isArray(callbacks)) {
      if (typeof callbacks === "function") scheduleDone(loop, callbacks, this);
      else scheduleWakeup(loop, callbacks, this);
      return;
    }
    for (let i = 0; i < callbacks.length; i++) {
      const entry = callbacks[i] as CallbackEntry;
      if (typeof entry === "function") scheduleDone(loop, entry, this);
      else scheduleWakeup(loop, entry, this);
    }
  }

  /**
   * @internal {@link Waitable}: the task waits on this future, which its awaiter yielded (asyncio's
   * `_asyncio_future_blocking` check in `Task.__step`), until its done callbacks wake it.
   */
  _waitBy(task: Task<unknown>): Error | null {
    if (this._loop !== task._loop) {
      return new WrongLoopError(
        "WRONG_LOOP",
        `Task ${task.toString()} got Future ${this.toString()} attached to a different loop. Create futures with the loop the task runs on.`,
      );
    }
    if ((this._state & BLOCKING) === 0) {
      return new BadYieldError(
        `yield was used instead of yield* in task ${task.toString()} with ${this.toString()}: write \`yield* future\`, which returns its result.`,
        this,
      );
    }
    if (this === (task as Future<unknown>)) {
      return new LoopMisuseError("AWAIT_SELF", `Task cannot await on itself: ${task.toString()}.`);
    }
    this._state &= ~BLOCKING;
    this._addEntry(task);
    return null;
  }

  /** @internal {@link Waitable}: cancels this future (a task's own `cancel` for a task). */
  _cancelWait(message: string | undefined): boolean {
    return this.cancel(message);
  }

  /** @internal {@link Waitable}: unregisters a waiting task's wake-up; false if it was already scheduled. */
  _detach(task: Task<unknown>): boolean {
    return this._removeEntries(task, false) > 0;
  }

  /** @internal {@link Waitable}: the cancellation or exception the woken task gets thrown in, else nothing. */
  _wakeException(): unknown {
    const state = this._state;
    if ((state & STATE_MASK) === CANCELLED) return this._makeCancelledError();
    if ((state & HAS_EXCEPTION) === 0) return NO_EXCEPTION;
    this._retrieved();
    return this._value;
  }

  /** @internal asyncio's `_make_cancelled_error`. */
  _makeCancelledError(): CancelledError {
    const extra = this._extra;
    if (extra === null) return new CancelledError();
    const kept = extra.cancelledExc;
    if (kept !== null) {
      extra.cancelledExc = null;
      return kept;
    }
    return new CancelledError(extra.cancelMessage);
  }

  /** @internal Moves to the cancelled state with `message` (no callbacks scheduled here). */
  _settleCancelledState(message: string | undefined): void {
    this._state = (this._state & ~STATE_MASK) | CANCELLED;
    this._value = undefined;
    if (message !== undefined) this._extraRecord().cancelMessage = message;
    else if (this._extra !== null) this._extra.cancelMessage = undefined;
  }

  /** @internal */
  _extraRecord(): FutureExtra {
    return (this._extra ??= { cancelMessage: undefined, cancelledExc: null, numCancelsRequested: 0, interrupts: null });
  }

  /** @internal The task that created this pending future (`null`: outside any task, or done). */
  _creatorTask(): Task<unknown> | null {
    return (this._state & STATE_MASK) === PENDING ? (this._value as Task<unknown> | null) : null;
  }

  /** @internal The exception was seen by someone: it no longer counts as never retrieved. */
  _retrieved(): void {
    if ((this._state & LOG_TRACEBACK) !== 0) {
      this._state &= ~LOG_TRACEBACK;
      forgetUnretrieved(this._loop, this);
    }
  }

  private _addEntry(entry: CallbackEntry): void {
    if ((this._state & STATE_MASK) !== PENDING) {
      if (typeof entry === "function") scheduleDone(this._loop, entry, this);
      else scheduleWakeup(this._loop, entry, this);
      return;
    }
    const callbacks = this._callbacks;
    if (callbacks === null) this._callbacks = entry;
    else if (Array.isArray(callbacks)) callbacks.push(entry);
    else this._callbacks = [callbacks, entry];
  }

  private _removeEntries(entry: CallbackEntry, all: boolean): number {
    const callbacks = this._callbacks;
    if (callbacks === null) return 0;
    if (!Array.isArray(callbacks)) {
      if (callbacks !== entry) return 0;
      this._callbacks = null;
      return 1;
    }
    let removed = 0;
    const kept: CallbackEntry[] = [];
    for (const existing of callbacks) {
      if (existing === entry && (all || removed === 0)) removed++;
      else kept.push(existing);
    }
    if (removed > 0) this._callbacks = kept.length === 0 ? null : kept.length === 1 ? (kept[0] as CallbackEntry) : kept;
    return removed;
  }

  private _alreadyDone(action: string): InvalidStateError {
    return new InvalidStateError(
      `Cannot ${action}() on ${this.toString()}: it is already ${this.state}. A future settles once; check done() first.`,
    );
  }
}

/**
 * What `yield*` iterates: yields the future while it is pending, then returns its result (or throws
 * its exception). Resumed while the future is still pending — a manual iteration, not a task's
 * wake-up — it throws asyncio's "await wasn't used with future" instead of yielding again.
 */
class FutureAwaiter<T> implements IterableIterator<Future<T>, T, unknown> {
  private readonly _future: Future<T>;
  private _yielded = false;

  constructor(future: Future<T>) {
    this._future = future;
  }

  next(): IteratorResult<Future<T>, T> {
    const future = this._future;
    if ((future._state & STATE_MASK) === PENDING) {
      if (this._yielded) {
        throw new LoopMisuseError(
          "AWAIT_NOT_USED",
          `await wasn't used with future: ${future.toString()} was resumed while still pending. Use \`yield* future\` in a coroutine, not a manual iteration.`,
        );
      }
      const running = runningLoopOrNull();
      if (running === null || running._currentTask === null) throw new AwaitOutsideTaskError(future.toString());
      this._yielded = true;
      future._state |= BLOCKING;
      return { value: future, done: false };
    }
    return { value: future.result(), done: true };
  }

  throw(error: unknown): IteratorResult<Future<T>, T> {
    throw error;
  }

  return(value?: T): IteratorResult<Future<T>, T> {
    return { value: value as T, done: true };
  }

  [Symbol.iterator](): FutureAwaiter<T> {
    return this;
  }
}

/** @internal A future failed and nobody has retrieved its exception yet: listed, or counted once the list is full. */
export function noteUnretrieved(loop: EventLoop, future: Future<unknown>): void {
  const kept = (loop._unretrieved ??= new Set());
  if (kept.size < loop._maxUnretrieved) kept.add(future);
  else {
    future._state |= UNTRACKED;
    loop._unretrievedDropped++;
  }
}

/** @internal Its exception was retrieved: off the list, or off the count. */
export function forgetUnretrieved(loop: EventLoop, future: Future<unknown>): void {
  if ((future._state & UNTRACKED) !== 0) {
    future._state &= ~UNTRACKED;
    loop._unretrievedDropped--;
  } else {
    loop._unretrieved?.delete(future);
  }
}
