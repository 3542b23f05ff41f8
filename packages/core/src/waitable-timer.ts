/**
 * The waitable timer: a timer a task waits on, the core of `@simloop/coroutines`' `sleep(delay, value)`.
 *
 * Ordering, as asyncio 3.11's `sleep` with a positive delay: running it arms a timer at
 * `time() + delay`; the timer fires in one iteration and the waiting task wakes in the next; leaving the
 * wait in any way (woken, cancelled, closed) cancels the timer, as asyncio's `finally: h.cancel()`.
 *
 * Why one object (decision 0006): a sleeping task holds its sleep for the whole delay. asyncio's sleep
 * is a coroutine object, a future and a timer handle whose callback resolves the future; here the three
 * are one object. It is a coroutine object (the generator protocol: `next`, `throw`, `return`); it is
 * a plain {@link TimerHandle} to the loop, the heap, the trace and the policies (labelled
 * `setResultUnlessCancelled`, as asyncio's callback), armed when it first runs; and it is the
 * {@link Waitable} its task waits on: its dispatch queues the task's wake-up where the future's done
 * callback would have been queued, and cancelling the task cancels the wait as it would have cancelled
 * the future. Before arming, the argument slots hold the delay and the value; once armed, the waiting
 * task and the value (or, once the wait is cancelled, the cancel message). Its own state lives in high
 * bits of the handle's flags. When the wake-up would be the next iteration's only handle, the timer
 * runs it in place, as that iteration (decision 0039).
 *
 * @module
 */
import { describeValue } from "./describe.ts";
import { ArgumentError, AwaitOutsideTaskError, BadYieldError, CancelledError, LoopMisuseError } from "./errors.ts";
import { getRunningLoop } from "./current-loop.ts";
import type { EventLoop } from "./event-loop.ts";
import { ARGC_SHIFT, FLAG_CANCELLED, KIND_TIMER, TimerHandle } from "./handle.ts";
import { scheduleWakeup } from "./internal-handles.ts";
import type { Task, Yieldable } from "./task.ts";
import { NO_EXCEPTION, type Waitable } from "./waitable.ts";
import { Uncertain, drawDelay } from "./uncertain.ts";

/**
 * The timer's label in traces and reports, as asyncio's `futures._set_result_unless_cancelled`: the
 * timer does what it did when a sleep was a future plus a timer.
 */
function setResultUnlessCancelled(): void {}

/** The error of a delay that is neither a finite number nor an `Uncertain`. */
function invalidDelay(delay: unknown): ArgumentError {
  return new ArgumentError(
    `Expected \`delay\` to be a finite number, got \`${describeValue(delay)}\` (${typeof delay}).`,
  );
}

// The state, in bits 7–9 of the handle's flags (above every handle bit).
const STATE_SHIFT = 7;
const STATE_BITS = 7 << STATE_SHIFT;
const START = 0;
const DONE = 1 << STATE_SHIFT;
/** Armed and yielded to its task, not taken yet. */
const ARMED = 2 << STATE_SHIFT;
/** A task waits on it (asyncio: the task's wake-up is the sleep future's callback). */
const WAITING = 3 << STATE_SHIFT;
/** The timer ran (asyncio: the future got its result); the task's wake-up is queued. */
const FIRED = 4 << STATE_SHIFT;
/** The wait was cancelled (asyncio: the future was cancelled); the wake-up is queued. */
const WAIT_CANCELLED = 5 << STATE_SHIFT;

/**
 * Whether a wake-up queued now would run alone in the next iteration, so that running it in place is
 * the same run (decision 0039): this timer is the batch's last handle and queued nothing behind it
 * (the ready queue is empty), no timer is due now (the next iteration would move it behind the wake-up),
 * the loop is not stopping (the run call would end before that iteration), and no instrument or pending
 * delivery watches the iterations.
 */
function wakesAlone(loop: EventLoop): boolean {
  return (
    loop._ready.length === 0 &&
    !loop._stopping &&
    loop._instruments === null &&
    loop._deliveries === null &&
    loop._timers.peekWhen() > loop._now
  );
}

/**
 * The end of a wait with no value, shared and frozen: `yield*` passes an inner result through as it
 * is and reads only its two fields, so `sleep(d)` without a value allocates one object fewer.
 */
const DONE_NOTHING: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * A timer a task waits on: `yield* new WaitableTimer(delay, value)` suspends the running task for
 * `delay` units of virtual time and returns `value` (see the module header for the ordering).
 * `@simloop/coroutines`' `sleep(delay, value)` is this for a positive delay; use that.
 *
 * @example
 * ```ts
 * function* worker() {
 *   const x = yield* new WaitableTimer(2, "x"); // x === "x", at loop.time() === 2
 * }
 * ```
 */
export class WaitableTimer<T> extends TimerHandle implements Generator<Yieldable, T, unknown>, Waitable {
  /**
   * A wait of `delay`, not armed yet: nothing happens until a task runs it. An `uncertain(min, max)`
   * delay is drawn when it is armed, and the loop follows it to this timer (see `uncertain.ts`).
   * @throws {@link ArgumentError} if `delay` is neither a finite number nor an `Uncertain`.
   */
  constructor(delay: number | Uncertain, value: T) {
    // The error is built out of line: the constructor stays small, so it is cheaper to inline where sleeps are made.
    if (typeof delay === "number" ? !Number.isFinite(delay) : !(delay instanceof Uncertain)) throw invalidDelay(delay);
    // No loop, deadline or source until the first `next()`.
    super(null, 0, KIND_TIMER | (2 << ARGC_SHIFT) | START, setResultUnlessCancelled, delay, value, null);
  }

  /**
   * Runs the wait to its suspension (arming the timer on the running loop), or to its end.
   * @throws {@link AwaitOutsideTaskError} outside a task; `CancelledError` once the wait was cancelled.
   */
  next(): IteratorResult<Yieldable, T> {
    switch (this._flags & STATE_BITS) {
      case START: {
        const loop = getRunningLoop();
        const delay = this._a as number | Uncertain;
        // Both throw (unarmed, still at START) on a closed loop.
        loop._armTimer(this, typeof delay === "number" ? delay : drawDelay(loop, delay));
        this._a = null;
        this._setState(ARMED);
        // As `yield* future` would: only a task may wait on it.
        if (loop._currentTask === null) throw new AwaitOutsideTaskError(this.toString());
        return { value: this, done: false };
      }
      case FIRED: {
        const value = this._b as T;
        this._finish();
        return value === undefined ? (DONE_NOTHING as IteratorReturnResult<T>) : { value, done: true };
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

  /** Ends the wait early: the timer is cancelled, as a `finally` would. */
  return(value: T): IteratorResult<Yieldable, T> {
    if ((this._flags & STATE_BITS) >= ARMED) this._finish();
    this._setState(DONE);
    return { value, done: true };
  }

  /** A coroutine object is its own iterator. */
  [Symbol.iterator](): WaitableTimer<T> {
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
   * unless the wait was cancelled, the wait is over and its task, if one still waits, wakes up next.
   */
  override _run(): void {
    const state = this._flags & STATE_BITS;
    if (state !== WAITING && state !== ARMED) return;
    this._setState(FIRED);
    const task = this._a as Task<unknown> | null;
    if (task === null) return;
    const loop = this._loop as EventLoop;
    if (loop._wakeInPlace && wakesAlone(loop)) {
      // The wake-up would be the next iteration's only handle: run it now, as that iteration.
      loop._iteration++;
      task._wakeup(this);
    } else {
      scheduleWakeup(loop, task, this);
    }
  }

  /** @internal {@link Waitable}: the task that ran it takes it; any other yield of it is a bad yield. */
  _waitBy(task: Task<unknown>): Error | null {
    if ((this._flags & STATE_BITS) !== ARMED) {
      return new BadYieldError(
        `yield was used instead of yield* for a generator in task ${task.toString()}: write \`yield* coroutine()\` to await a coroutine inline.`,
        this,
      );
    }
    this._a = task;
    this._setState(WAITING);
    return null;
  }

  /** @internal {@link Waitable}: asyncio's `future.cancel(message)` on the sleep's future. */
  _cancelWait(message: string | undefined): boolean {
    const state = this._flags & STATE_BITS;
    if (state !== WAITING && state !== ARMED) return false;
    const task = this._a as Task<unknown> | null;
    this._b = message;
    this._setState(WAIT_CANCELLED);
    if (task !== null) scheduleWakeup(this._loop as EventLoop, task, this);
    return true;
  }

  /** @internal {@link Waitable}: the task stops waiting (an interrupt). */
  _detach(task: Task<unknown>): boolean {
    if ((this._flags & STATE_BITS) !== WAITING || this._a !== task) return false;
    this._a = null;
    return true;
  }

  /** @internal {@link Waitable}: the `CancelledError` of a cancelled wait, else nothing. */
  _wakeException(): unknown {
    return (this._flags & STATE_BITS) === WAIT_CANCELLED
      ? new CancelledError(this._b as string | undefined)
      : NO_EXCEPTION;
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
