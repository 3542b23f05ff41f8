/**
 * `sleep`: asyncio's `sleep(delay, result)` on virtual time.
 *
 * Ordering, as asyncio 3.11: a delay <= 0 is a bare `yield` (the task gives up exactly one iteration);
 * a positive delay waits on a timer, and the task wakes one iteration after the timer fires, so a
 * `callLater` with the same deadline runs one iteration before the sleeper. Cancelling the sleeper
 * cancels the timer.
 *
 * Why not a generator function: a sleeping task holds its sleep for the whole delay, and a generator
 * object (with its register file) is several times the size of what a sleep needs. A positive delay
 * returns the core's {@link WaitableTimer}, a coroutine object that is its own timer handle and what its
 * task waits on (decision 0006); any other delay returns the three-field {@link YieldOnce} below. Both
 * implement the generator protocol (`next`, `throw`, `return`) with the steps a `function*` would take.
 *
 * @module
 */
import { ArgumentError, Uncertain, WaitableTimer, describeValue, type Coroutine, type Yieldable } from "@simloop/core";

/**
 * Suspends the calling task for `delay` units of virtual time and returns `value`:
 * `yield* sleep(3)`, `const x = yield* sleep(1, "x")`. A duration known only by its bounds,
 * `sleep(uncertain(5, 50))`, always arms a timer: the loop draws the duration when the sleep starts (the
 * policy's pick at the `jitter` level, else the minimum) and knows that this timer carries that range.
 * @throws {@link ArgumentError} (inside the coroutine) if `delay` is neither a finite number nor an
 * `Uncertain`.
 *
 * @example
 * ```ts
 * function* ticker() {
 *   for (let i = 0; i < 3; i++) yield* sleep(1);
 *   yield* sleep(uncertain(1, 2)); // somewhere in [4, 5]
 *   return loop.time();
 * }
 * ```
 */
export function sleep(delay: number | Uncertain): Coroutine<undefined>;
export function sleep<T>(delay: number | Uncertain, value: T): Coroutine<T>;
export function sleep<T>(delay: number | Uncertain, value?: T): Coroutine<T | undefined> {
  return (typeof delay === "number" ? delay > 0 && delay !== Infinity : delay instanceof Uncertain)
    ? new WaitableTimer<T | undefined>(delay, value)
    : new YieldOnce<T | undefined>(delay, value);
}

const START = 0;
const YIELDED = 1;
const DONE = 2;

/**
 * `sleep(0)`'s `yield` of nothing and its end with no value, shared and frozen: `yield*` passes an inner
 * result through as it is and reads only its two fields, so a sleep(0) switch allocates two objects fewer.
 */
const YIELD_NOTHING: IteratorYieldResult<undefined> = Object.freeze({ value: undefined, done: false });
const DONE_NOTHING: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** The error of an invalid delay (the first `next()` of such a sleep), built out of line. */
function invalidDelay(delay: unknown): ArgumentError {
  return new ArgumentError(
    `Expected \`delay\` to be a finite number, got \`${describeValue(delay)}\` (${typeof delay}).`,
  );
}

/**
 * The coroutine object of a sleep that arms no timer: a delay <= 0 (one bare `yield`), or an invalid
 * one (which throws when run). `sleep(0)` is the hot path of ping-pong tasks, and a timer handle costs
 * more than the whole hand-off (decision 0006).
 */
class YieldOnce<T> implements Generator<Yieldable, T, unknown> {
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
      case YIELDED: {
        this._state = DONE;
        const value = this._value;
        return value === undefined ? (DONE_NOTHING as IteratorReturnResult<T>) : { value, done: true };
      }
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
  [Symbol.iterator](): YieldOnce<T> {
    return this;
  }
}
