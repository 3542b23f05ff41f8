/**
 * The sleep coroutine object: the core hook behind `@simloop/coroutines`' `sleep(delay, value)`.
 *
 * Ordering, as asyncio 3.11's `sleep`: a delay <= 0 is a bare `yield` (the task gives up exactly one
 * iteration); a positive delay arms a timer that fires in one iteration, and the task wakes in the
 * next; leaving the sleep in any way (woken, cancelled, closed) cancels the timer, as asyncio's
 * `finally: h.cancel()`.
 *
 * Why in the core, and why a {@link TimerHandle}: a sleeping task holds its sleep for the whole delay.
 * asyncio's sleep is a coroutine object, a future and a timer handle whose callback resolves the
 * future; here the three are one object (decision 0006). The coroutine object *is* the timer handle (a
 * plain `TimerHandle` to the loop, the heap, the trace and the policies, labelled
 * `setResultUnlessCancelled` as asyncio's callback), armed when the coroutine first runs, and it is
 * what its task waits on: the timer's dispatch queues the task's wake-up where the future's done
 * callback would have been queued, and cancelling the task cancels the wait as it would have cancelled
 * the future. Before arming, the argument slots hold the delay and the value; once armed, the waiting
 * task and the value. The coroutine's own state lives in high bits of the handle's flags. A sleeping
 * task so holds one object for its sleep instead of three.
 *
 * A sleep that will never arm a timer (a delay <= 0, or an invalid one, which throws when run) is a
 * three-field object instead: `sleep(0)` is the hot path of ping-pong tasks, and building a timer
 * handle through its constructor chain for it costs more than the whole hand-off (measured ×1.4 on
 * two tasks alternating through `sleep(0)`). Which of the two a sleep is depends on `delay` alone.
 *
 * @module
 */
import { describeValue } from "./describe.ts";
import { ArgumentError, AwaitOutsideTaskError, CancelledError, LoopMisuseError } from "./errors.ts";
import { getRunningLoop } from "./current-loop.ts";
import type { EventLoop } from "./event-loop.ts";
import { ARGC_SHIFT, FLAG_CANCELLED, FLAG_SLEEP, KIND_TIMER, TimerHandle } from "./handle.ts";
import type { Coroutine, Task, Yieldable } from "./task.ts";

/**
 * The timer's label in traces and reports, as asyncio's `futures._set_result_unless_cancelled`: the
 * sleep's timer does what it did when a sleep was a future plus a timer (see {@link SleepTimer}).
 */
function setResultUnlessCancelled(): void {}

// The coroutine's state, in bits 7–9 of the handle's flags (above every handle bit).
const STATE_SHIFT = 7;
const STATE_BITS = 7 << STATE_SHIFT;
const START = 0;
/** YieldSleep: gave up its one turn. */
const YIELDED = 1 << STATE_SHIFT;
const DONE = 2 << STATE_SHIFT;
/** SleepTimer: armed and yielded to its task, not taken yet. */
const ARMED = 3 << STATE_SHIFT;
/** SleepTimer: a task waits on it (asyncio: the task's wake-up is the sleep future's callback). */
const WAITING = 4 << STATE_SHIFT;
/** SleepTimer: the timer ran (asyncio: the future got its result); the task's wake-up is queued. */
const FIRED = 5 << STATE_SHIFT;
/** SleepTimer: the wait was cancelled (asyncio: the future was cancelled); the wake-up is queued. */
const WAIT_CANCELLED = 6 << STATE_SHIFT;

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
  return new ArgumentError(
    `Expected \`delay\` to be a finite number, got \`${describeValue(delay)}\` (${typeof delay}).`,
  );
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

/**
 * The coroutine object of a sleep with a positive delay: a generator in all but implementation, its own
 * timer handle, and what its task waits on. asyncio's sleep is a future plus a timer whose callback
 * resolves it; here the two are one object, so that a sleeping task holds no future (72 bytes less):
 * the task takes the sleep it was yielded (`_take`), the timer's dispatch queues the task's wake-up
 * exactly where the future's done callback would have been queued, `Task.cancel` cancels the wait as it
 * would have cancelled the future (`_cancelWait`), and an interrupt detaches the task (`_detach`).
 * Before arming, the argument slots hold the delay and the value; once armed, the waiting task and the
 * value (or, once the wait is cancelled, the cancel message).
 */
class SleepTimer<T> extends TimerHandle implements Generator<Yieldable, T, unknown> {
  constructor(delay: number, value: T) {
    // Not armed yet: no loop, deadline or source until the first `next()`.
    super(
      null as unknown as EventLoop,
      0,
      KIND_TIMER | (2 << ARGC_SHIFT) | FLAG_SLEEP | START,
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
        loop._armTimer(this, delay); // throws (unarmed, still at START) on a closed loop
        this._a = null;
        this._setState(ARMED);
        // As `yield* future` would: only a task may wait on it.
        if (loop._currentTask === null) throw new AwaitOutsideTaskError(this.toString());
        return { value: this, done: false };
      }
      case FIRED: {
        const value = this._b as T;
        this._finish();
        return doneWith(value);
      }
      case WAIT_CANCELLED: {
        const message = this._b as string | undefined;
        this._finish();
        throw new CancelledError(message);
      }
      case ARMED:
      case WAITING:
        throw new LoopMisuseError(
          "AWAIT_NOT_USED",
          "await wasn't used with future: a sleep was resumed before its timer fired. Use `yield* sleep(d)` in a coroutine, not a manual iteration.",
        );
      default:
        return { value: undefined as T, done: true };
    }
  }

  /** Throws `error` in at the suspension point: the timer is cancelled, as a `finally` would. */
  throw(error: unknown): IteratorResult<Yieldable, T> {
    if ((this._flags & STATE_BITS) >= ARMED) this._finish();
    this._setState(DONE);
    throw error;
  }

  /** Ends the sleep early: the timer is cancelled, as a `finally` would. */
  return(value: T): IteratorResult<Yieldable, T> {
    if ((this._flags & STATE_BITS) >= ARMED) this._finish();
    this._setState(DONE);
    return { value, done: true };
  }

  /** A coroutine object is its own iterator. */
  [Symbol.iterator](): SleepTimer<T> {
    return this;
  }

  /** A readable description, such as `<sleep until t=5>` (what a waiting task's reports show). */
  override toString(): string {
    const state = this._flags & STATE_BITS;
    if (state === START) return `<sleep ${describeValue(this._a)} not started>`;
    if (state === DONE) return "<sleep done>";
    const cancelled = state === WAIT_CANCELLED ? " cancelled" : "";
    return `<sleep${cancelled} until t=${this._when}${state === FIRED ? ", due" : ""}>`;
  }

  /**
   * @internal The timer's dispatch (asyncio's `_set_result_unless_cancelled` on the sleep's future):
   * unless the wait was cancelled, the sleep is done and its task, if one still waits, wakes up next.
   */
  override _run(): void {
    const state = this._flags & STATE_BITS;
    if (state !== WAITING && state !== ARMED) return;
    this._setState(FIRED);
    const task = this._a as Task<unknown> | null;
    if (task !== null) this._loop._scheduleWakeup(task, this);
  }

  /** @internal A task takes the sleep its coroutine yielded; false if it is not a sleep awaiting a task. */
  _take(task: Task<unknown>): boolean {
    if ((this._flags & STATE_BITS) !== ARMED) return false;
    this._a = task;
    this._setState(WAITING);
    return true;
  }

  /**
   * @internal asyncio's `future.cancel(message)` on the sleep's future: if the wait is pending, it is
   * cancelled and the task wakes next with `CancelledError(message)`; false if the sleep is already done.
   */
  _cancelWait(message: string | undefined): boolean {
    const state = this._flags & STATE_BITS;
    if (state !== WAITING && state !== ARMED) return false;
    const task = this._a as Task<unknown> | null;
    this._b = message;
    this._setState(WAIT_CANCELLED);
    if (task !== null) this._loop._scheduleWakeup(task, this);
    return true;
  }

  /** @internal The task stops waiting (an interrupt); false if its wake-up is already queued. */
  _detach(task: Task<unknown>): boolean {
    if ((this._flags & STATE_BITS) !== WAITING || this._a !== task) return false;
    this._a = null;
    return true;
  }

  /** @internal What the woken task gets thrown in: the `CancelledError` of a cancelled wait, or nothing. */
  _wakeError(): CancelledError | undefined {
    return (this._flags & STATE_BITS) === WAIT_CANCELLED
      ? new CancelledError(this._b as string | undefined)
      : undefined;
  }

  private _setState(state: number): void {
    this._flags = (this._flags & ~STATE_BITS) | state;
  }

  /** Cancels the timer (asyncio's `finally: h.cancel()`), which also drops the task and the value. */
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
