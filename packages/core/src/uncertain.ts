/**
 * Uncertain durations the loop can follow: `uncertain(min, max)` is a duration known only by its bounds,
 * accepted where a timer is armed (`callLater`, `callAt`, `@simloop/coroutines`' `sleep`). Unlike
 * `loop.jitter(min, max)`, which hands the program a bare number, the value stays inside the loop: the
 * loop draws it when the timer is armed (the policy's pick at the `jitter` level, else `min`) and knows
 * which timer carries which range.
 *
 * Why: an exploration that wants to claim it covered every order must know where an uncertain deadline
 * can land among the other deadlines of the run. With a bare number it cannot (the program may add it,
 * halve it, or arm two timers with it); with this form the loop reports, with the draw, the durations at
 * which other timers are due inside the range: those pending when it is drawn, and those armed with a
 * fixed deadline while it is pending (appended during the run, see {@link JitterPoint.deadlines}).
 *
 * Misuse: `Uncertain` is an object, so arithmetic on it is a type error in TypeScript and throws an
 * {@link UncertainValueError} at run time (its `valueOf` refuses); an API that wants a number refuses it
 * with its usual {@link ArgumentError}.
 *
 * @module
 */
import { drawJitter } from "./choice-points.ts";
import { describeValue } from "./describe.ts";
import { ArgumentError, SimloopError, badDelayError } from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import { FLAG_CANCELLED, FLAG_SCHEDULED, KIND_MASK, KIND_TIMER, type Handle, type TimerHandle } from "./handle.ts";
import type { Instrument } from "./instrument.ts";

/**
 * An uncertain duration was used as a number (`u + 1`, `Math.max(u, 2)`, `u > 3`): its value is drawn by
 * the loop when a timer is armed with it, and the program never sees it. Code `UNCERTAIN_VALUE`.
 *
 * @example
 * ```ts
 * try { Number(uncertain(1, 2)); } catch (e) { e instanceof UncertainValueError; } // true
 * ```
 */
export class UncertainValueError extends SimloopError {
  override readonly name: string = "UncertainValueError";

  constructor(what: string) {
    super(
      "UNCERTAIN_VALUE",
      `${what} has no value the program can read: pass it to sleep(...), loop.callLater(...) or loop.callAt(...), ` +
        "which arm a timer with it, or draw a bare number with loop.jitter(min, max) if the program needs one.",
    );
  }
}

/**
 * A duration known only by its bounds (see the module doc). Build one with {@link uncertain}.
 *
 * @example
 * ```ts
 * const reply = uncertain(5, 50);
 * reply.min; // 5
 * `${reply}`; // "uncertain(5, 50)"
 * ```
 */
export class Uncertain {
  /** The smallest value the duration may take. */
  readonly min: number;
  /** The largest value the duration may take. */
  readonly max: number;
  // A private member makes the type nominal: a `{ min, max }` literal is not an `Uncertain`.
  declare private readonly _brand: "uncertain";

  /** @internal Use {@link uncertain}. */
  constructor(min: number, max: number) {
    this.min = min;
    this.max = max;
    Object.freeze(this);
  }

  /** `"uncertain(min, max)"`. */
  toString(): string {
    return `uncertain(${this.min}, ${this.max})`;
  }

  /**
   * Refuses to be a number (`u + 1`, `u * 2`, `u < 3`); as a string it is `"uncertain(min, max)"`.
   * @throws {@link UncertainValueError} for any hint but `"string"`.
   */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === "string") return this.toString();
    throw new UncertainValueError(this.toString());
  }
}

/**
 * A duration known only by its bounds, for the loop to draw when a timer is armed with it:
 * `yield* sleep(uncertain(5, 50))`, `loop.callLater(uncertain(1, 3), retry)`. Without a policy at the
 * `jitter` level it is `min`; under one, the policy picks it in `[min, max]` and the loop tells the policy
 * where the other deadlines of the run fall inside that range. Prefer it to `loop.jitter(min, max)`,
 * whose bare number the loop cannot follow.
 * @throws {@link ArgumentError} unless `min` and `max` are finite numbers with `min <= max`.
 *
 * @example
 * ```ts
 * function* request() {
 *   yield* sleep(uncertain(5, 50)); // the reply takes 5 to 50 ms
 * }
 * ```
 */
export function uncertain(min: number, max: number): Uncertain {
  if (
    typeof min !== "number" ||
    typeof max !== "number" ||
    !Number.isFinite(min) ||
    !Number.isFinite(max) ||
    min > max
  ) {
    throw new ArgumentError(
      `Expected finite bounds with min <= max, got min=${describeValue(min)}, max=${describeValue(max)}.`,
    );
  }
  return new Uncertain(min, max);
}

/**
 * True when `value` is an {@link Uncertain} duration.
 *
 * @example
 * ```ts
 * isUncertain(uncertain(1, 2)); // true
 * isUncertain(1); // false
 * ```
 */
export function isUncertain(value: unknown): value is Uncertain {
  return value instanceof Uncertain;
}

/** One uncertain timer the loop follows while it is pending. */
interface Followed {
  /** Its timer, once armed. */
  handle: TimerHandle | null;
  /** The deadline it was drawn to (to recognise its timer when it is scheduled). */
  readonly when: number;
  /** The time it was drawn at: its deadlines are durations from here. */
  readonly origin: number;
  readonly min: number;
  readonly max: number;
  /** The durations inside `(min, max)` at which other timers are due; shared with the policy. */
  readonly deadlines: number[];
}

/**
 * The instrument that follows a loop's pending uncertain timers: a timer armed with a fixed deadline
 * while one is pending adds its deadline to that one's list when it falls inside its range. Installed on
 * a loop the first time a policy draws an uncertain duration (never without a policy).
 */
class Follower implements Instrument {
  private readonly followed: Followed[] = [];
  /** The entry whose timer is the next one scheduled (drawn, not armed yet). */
  private awaiting: Followed | null = null;

  follow(entry: Followed): void {
    this.awaiting = entry;
  }

  scheduled(handle: Handle): void {
    if ((handle._flags & KIND_MASK) !== KIND_TIMER) return;
    const timer = handle as TimerHandle;
    const awaiting = this.awaiting;
    if (awaiting !== null) {
      this.awaiting = null;
      // Its own timer: an uncertain deadline is ordered against the others when it is drawn.
      if (timer._when === awaiting.when) {
        awaiting.handle = timer;
        this.followed.push(awaiting);
        return;
      }
    }
    let kept = 0;
    for (const entry of this.followed) {
      const h = entry.handle as TimerHandle;
      if ((h._flags & FLAG_SCHEDULED) === 0 || (h._flags & FLAG_CANCELLED) !== 0) continue;
      this.followed[kept++] = entry;
      const at = timer._when - entry.origin;
      if (at > entry.min && at < entry.max) entry.deadlines.push(at);
    }
    this.followed.length = kept;
  }
}

const followers = new WeakMap<EventLoop, Follower>();

/**
 * @internal The duration of a timer armed with `delay` (a number is returned as it is): an
 * {@link Uncertain} is drawn by the policy (jitter level) with the deadlines of the pending timers in its
 * range, and followed until it fires. `at` true: `delay` is a time (`callAt`), the result still a duration.
 * @throws {@link ArgumentError} (`badDelayError`) when `delay` is neither a number nor an `Uncertain`.
 */
export function drawDelay(loop: EventLoop, delay: unknown, at = false): number {
  if (typeof delay === "number") return delay;
  if (!(delay instanceof Uncertain)) throw badDelayError(delay, loop._now);
  const now = loop._now;
  const min = at ? delay.min - now : delay.min;
  const max = at ? delay.max - now : delay.max;
  if (loop._policy === null || min === max || loop._levels?.jitter !== true) return min;
  const deadlines: number[] = [];
  for (const timer of loop._timers.toArray()) {
    const d = timer._when - now;
    if ((timer._flags & FLAG_CANCELLED) === 0 && d > min && d < max) deadlines.push(d);
  }
  const value = drawJitter(loop, min, max, deadlines);
  let follower = followers.get(loop);
  if (follower === undefined) {
    follower = new Follower();
    followers.set(loop, follower);
    loop.addInstrument(follower);
  }
  follower.follow({ handle: null, when: now + value, origin: now, min, max, deadlines });
  return value;
}
