/**
 * `sleep`: asyncio's `sleep(delay, result)` on virtual time.
 *
 * Ordering, as asyncio 3.11: a delay <= 0 is a bare `yield` (the task gives up exactly one iteration);
 * a positive delay arms a timer that resolves a future, and the task wakes one iteration after the timer
 * fires (the timer's done callback schedules the wake-up), so a `callLater` with the same deadline runs
 * one iteration before the sleeper. Cancelling the sleeper cancels the timer.
 *
 * Why not a generator function: a sleeping task holds its sleep for the whole delay, and a generator
 * object (with its register file) is several times the size of the four fields a sleep needs. `sleep`
 * returns a small object that implements the generator protocol — `next`, `throw`, `return` — with the
 * same steps a `function*` would take: validate on first `next()`, then `yield` (delay <= 0) or
 * `yield* future` with the timer cancelled on the way out, as a `finally` would.
 *
 * @module
 */
import {
  ArgumentError,
  LoopMisuseError,
  getRunningLoop,
  type Coroutine,
  type Future,
  type TimerHandle,
  type Yieldable,
} from "@simloop/core";

function setResultUnlessCancelled<T>(future: Future<T>, value: T): void {
  if (!future.cancelled()) future.setResult(value);
}

const START = 0;
const YIELDED = 1;
const WAITING = 2;
const DONE = 3;

/** The coroutine object `sleep()` returns: a generator in all but implementation. */
class Sleep<T> implements Generator<Yieldable, T, unknown> {
  private _state = START;
  private readonly _delay: number;
  private readonly _value: T;
  private _future: Future<T> | null = null;
  private _handle: TimerHandle | null = null;

  constructor(delay: number, value: T) {
    this._delay = delay;
    this._value = value;
  }

  /** Runs the sleep to its next suspension, or to its end. */
  next(): IteratorResult<Yieldable, T> {
    switch (this._state) {
      case START: {
        const delay = this._delay;
        if (typeof delay !== "number" || Number.isNaN(delay) || delay === Infinity) {
          this._state = DONE;
          throw new ArgumentError(
            `Expected \`delay\` to be a finite number, got \`${String(delay)}\` (${typeof delay}).`,
          );
        }
        if (delay <= 0) {
          this._state = YIELDED;
          return { value: undefined, done: false };
        }
        const loop = getRunningLoop();
        const future = loop.createFuture<T>("sleep");
        this._future = future;
        this._handle = loop.callLater(delay, setResultUnlessCancelled, future, this._value);
        this._state = WAITING;
        // Exactly what `yield* future` does: the future's own awaiter yields it to the task.
        return this._await(future);
      }
      case YIELDED:
        this._state = DONE;
        return { value: this._value, done: true };
      case WAITING: {
        const future = this._future as Future<T>;
        if (!future.done()) {
          throw new LoopMisuseError(
            "AWAIT_NOT_USED",
            "await wasn't used with future: a sleep was resumed before its timer fired. Use `yield* sleep(d)` in a coroutine, not a manual iteration.",
          );
        }
        this._finish();
        return { value: future.result(), done: true };
      }
      default:
        return { value: undefined as T, done: true };
    }
  }

  /** Throws `error` in at the suspension point: the timer is cancelled, as a `finally` would. */
  throw(error: unknown): IteratorResult<Yieldable, T> {
    if (this._state === WAITING) this._finish();
    this._state = DONE;
    throw error;
  }

  /** Ends the sleep early: the timer is cancelled, as a `finally` would. */
  return(value: T): IteratorResult<Yieldable, T> {
    if (this._state === WAITING) this._finish();
    this._state = DONE;
    return { value, done: true };
  }

  /** A coroutine object is its own iterator. */
  [Symbol.iterator](): Sleep<T> {
    return this;
  }

  private _await(future: Future<T>): IteratorResult<Yieldable, T> {
    const step = future[Symbol.iterator]().next();
    if (step.done === true) {
      this._finish();
      return { value: step.value, done: true };
    }
    return { value: step.value, done: false };
  }

  private _finish(): void {
    (this._handle as TimerHandle).cancel();
    this._handle = null;
    this._state = DONE;
  }
}

/**
 * Suspends the calling task for `delay` units of virtual time and returns `value`:
 * `yield* sleep(3)`, `const x = yield* sleep(1, "x")`.
 * @throws {@link ArgumentError} (inside the coroutine) if `delay` is not a finite number.
 *
 * @example
 * ```ts
 * function* ticker() {
 *   for (let i = 0; i < 3; i++) yield* sleep(1);
 *   return loop.time(); // 3
 * }
 * ```
 */
export function sleep(delay: number): Coroutine<undefined>;
export function sleep<T>(delay: number, value: T): Coroutine<T>;
export function sleep<T>(delay: number, value?: T): Coroutine<T | undefined> {
  return new Sleep<T | undefined>(delay, value);
}
