/**
 * The sleep coroutine object: the core hook behind `@simloop/coroutines`' `sleep(delay, value)`.
 *
 * Ordering, as asyncio 3.11's `sleep`: a delay <= 0 is a bare `yield` (the task gives up exactly one
 * iteration); a positive delay creates a future and arms a timer whose callback,
 * `setResultUnlessCancelled(future, value)`, resolves it, so the timer fires in one iteration and the
 * task wakes in the next (the future's done callback schedules the wake-up); leaving the sleep in any
 * way (woken, cancelled, closed) cancels the timer, as asyncio's `finally: h.cancel()`.
 *
 * Why in the core, and why a {@link TimerHandle}: a sleeping task holds its sleep for the whole delay,
 * and a sleep needs a coroutine object and a timer handle. Both are one object here: the coroutine
 * object *is* the timer handle (a plain `TimerHandle` to the loop, the heap, the trace and the
 * policies, with the same callback, arguments and label as a `callLater` would give it), armed when the
 * coroutine first runs. Before that, the argument slots hold the delay and the value; once armed, the
 * future and the value, as a `callLater(delay, setResultUnlessCancelled, future, value)` would. The
 * coroutine's own state lives in high bits of the handle's flags. This saves a whole object (and its
 * header) per sleeping task against a separate coroutine object holding a `callLater` handle.
 *
 * A sleep that will never arm a timer (a delay <= 0, or an invalid one, which throws when run) is a
 * three-field object instead: `sleep(0)` is the hot path of ping-pong tasks, and building a timer
 * handle through its constructor chain for it costs more than the whole hand-off (measured ×1.4 on
 * two tasks alternating through `sleep(0)`). Which of the two a sleep is depends on `delay` alone.
 *
 * @module
 */
import { ArgumentError, AwaitOutsideTaskError, LoopMisuseError } from "./errors.ts";
import { getRunningLoop } from "./current-loop.ts";
import type { EventLoop } from "./event-loop.ts";
import { BLOCKING, type Future } from "./future.ts";
import { ARGC_SHIFT, FLAG_CANCELLED, KIND_TIMER, TimerHandle } from "./handle.ts";
import type { Coroutine, Yieldable } from "./task.ts";

/** The timer's callback (its name is the timer's label in traces and reports). */
function setResultUnlessCancelled<T>(future: Future<T>, value: T): void {
  if (!future.cancelled()) future.setResult(value);
}

// The coroutine's state, in bits 7–8 of the handle's flags (above every handle bit).
const STATE_SHIFT = 7;
const STATE_BITS = 3 << STATE_SHIFT;
const START = 0;
const YIELDED = 1 << STATE_SHIFT;
const WAITING = 2 << STATE_SHIFT;
const DONE = 3 << STATE_SHIFT;

/**
 * The two results a sleep returns most: its `yield` of nothing (a delay <= 0), and its end with no value
 * (`sleep(d)` without a value). Shared and frozen: `yield*` passes an inner result through as it is,
 * and reads only its two fields, so a sleep(0) switch allocates two objects fewer (measured: 192 → 112
 * bytes per switch).
 */
const YIELD_NOTHING: IteratorYieldResult<undefined> = Object.freeze({ value: undefined, done: false });
const DONE_NOTHING: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** A sleep's final result: the shared one when the value is `undefined`. */
function doneWith<T>(value: T): IteratorReturnResult<T> {
  return value === undefined ? (DONE_NOTHING as IteratorReturnResult<T>) : { value, done: true };
}

/** Throws the error of an invalid delay (the first `next()` of such a sleep). */
function invalidDelay(delay: unknown): ArgumentError {
  return new ArgumentError(`Expected \`delay\` to be a finite number, got \`${String(delay)}\` (${typeof delay}).`);
}

/** The coroutine object of a sleep that arms no timer: a delay <= 0 (one bare `yield`), or an invalid one. */
class YieldSleep<T> implements Generator<Yieldable, T, unknown> {
  private _state = START;
  private readonly _delay: unknown;
  private readonly _value: T;

  constructor(delay: unknown, value: T) {
    this._delay = delay;
    this._value = value;
  }

  /** Runs the sleep to its `yield`, or to its end. */
  next(): IteratorResult<Yieldable, T> {
    switch (this._state) {
      case START: {
        const delay = this._delay;
        this._state = DONE;
        if (typeof delay !== "number" || Number.isNaN(delay) || delay === Infinity) throw invalidDelay(delay);
        this._state = YIELDED;
        return YIELD_NOTHING;
      }
      case YIELDED:
        this._state = DONE;
        return doneWith(this._value);
      default:
        return { value: undefined as T, done: true };
    }
  }

  /** Throws `error` in at the `yield`. */
  throw(error: unknown): IteratorResult<Yieldable, T> {
    this._state = DONE;
    throw error;
  }

  /** Ends the sleep early. */
  return(value: T): IteratorResult<Yieldable, T> {
    this._state = DONE;
    return { value, done: true };
  }

  /** A coroutine object is its own iterator. */
  [Symbol.iterator](): YieldSleep<T> {
    return this;
  }
}

/** The coroutine object of a sleep with a positive delay: a generator in all but implementation, and its own timer handle. */
class SleepTimer<T> extends TimerHandle implements Generator<Yieldable, T, unknown> {
  constructor(delay: number, value: T) {
    // Not armed yet: no loop, deadline, sequence number or source until the first `next()`.
    super(
      null as unknown as EventLoop,
      0,
      KIND_TIMER | (2 << ARGC_SHIFT) | START,
      setResultUnlessCancelled,
      delay,
      value,
      null,
    );
  }

  /** Runs the sleep to its next suspension, or to its end. */
  next(): IteratorResult<Yieldable, T> {
    switch (this._flags & STATE_BITS) {
      case START: {
        // A positive finite number (see `sleepCoroutine`).
        const delay = this._a as number;
        const loop = getRunningLoop();
        const future = loop.createFuture<T>("sleep");
        loop._armTimer(this, delay); // throws (unarmed, still at START) on a closed loop
        this._a = future;
        this._setState(WAITING);
        // Exactly what `yield* future` does with the fresh (pending) future, without its awaiter object:
        // only a task may wait on it; it is marked as awaited and yielded to the task.
        if (loop._currentTask === null) throw new AwaitOutsideTaskError(future.toString());
        future._state |= BLOCKING;
        return { value: future, done: false };
      }
      case WAITING: {
        const future = this._a as Future<T>;
        if (!future.done()) {
          throw new LoopMisuseError(
            "AWAIT_NOT_USED",
            "await wasn't used with future: a sleep was resumed before its timer fired. Use `yield* sleep(d)` in a coroutine, not a manual iteration.",
          );
        }
        this._finish();
        return doneWith(future.result());
      }
      default:
        return { value: undefined as T, done: true };
    }
  }

  /** Throws `error` in at the suspension point: the timer is cancelled, as a `finally` would. */
  throw(error: unknown): IteratorResult<Yieldable, T> {
    if ((this._flags & STATE_BITS) === WAITING) this._finish();
    this._setState(DONE);
    throw error;
  }

  /** Ends the sleep early: the timer is cancelled, as a `finally` would. */
  return(value: T): IteratorResult<Yieldable, T> {
    if ((this._flags & STATE_BITS) === WAITING) this._finish();
    this._setState(DONE);
    return { value, done: true };
  }

  /** A coroutine object is its own iterator. */
  [Symbol.iterator](): SleepTimer<T> {
    return this;
  }

  private _setState(state: number): void {
    this._flags = (this._flags & ~STATE_BITS) | state;
  }

  /** Cancels the timer (asyncio's `finally: h.cancel()`), which also drops the future and the value. */
  private _finish(): void {
    if ((this._flags & FLAG_CANCELLED) === 0) this.cancel();
    this._setState(DONE);
  }
}

/**
 * The coroutine object of asyncio's `sleep(delay, value)`, for `@simloop/coroutines`' `sleep` (use
 * that): nothing happens until a task runs it; then a delay <= 0 yields one iteration, and a positive
 * delay arms a timer (a {@link TimerHandle}, which is the returned object itself) that resolves a future
 * the task waits on. Leaving the sleep early (a cancellation, an interrupt) cancels the timer.
 * Running it throws {@link ArgumentError} if `delay` is not a finite number.
 */
export function sleepCoroutine<T>(delay: number, value: T): Coroutine<T> {
  return typeof delay === "number" && delay > 0 && delay !== Infinity
    ? new SleepTimer<T>(delay, value)
    : new YieldSleep<T>(delay, value);
}
