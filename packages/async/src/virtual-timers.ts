/**
 * Node's timer objects on virtual time: `Timeout` (from `setTimeout`/`setInterval`) and `Immediate`
 * (from `setImmediate`), with the API libraries call on them — `ref`, `unref`, `hasRef`, `refresh`,
 * `close`, `Symbol.toPrimitive` (a numeric id `clearTimeout` accepts), `Symbol.dispose`.
 *
 * Node's rules kept: a delay is coerced to a number, anything outside `[1, 2^31 - 1]` becomes 1, and
 * it is truncated to whole milliseconds (so `setTimeout(fn, 0)` is 1 ms, after any `setImmediate`
 * queued meanwhile); the callback is called with the timer as `this`; an interval is re-armed after
 * its callback returns (or throws), from the time it fired, unless the callback cleared or refreshed
 * it; `refresh()` re-arms a timer that already fired, and does nothing to a cleared one. Under the
 * install's `jitter` option every arming (a timeout, each period of an interval, a refresh) is given an
 * `uncertain(d, d + extra)` delay, which the loop follows to its timer, so a policy at the jitter level
 * may lengthen it within the bounds (and `exhaustive` order it among the other deadlines).
 *
 * @module
 */
import type { Handle, TimerHandle } from "@simloop/core";
import { currentBinding, type Binding, type PendingTimer } from "./internal/binding.ts";

/** The largest delay Node accepts (2^31 - 1 ms); larger ones become 1 ms, as in Node. */
export const TIMEOUT_MAX: number = 2 ** 31 - 1;

// biome-ignore lint: callbacks take any arguments
type AnyFunction = (...args: any[]) => unknown;

/** Node's delay coercion: a number in [1, TIMEOUT_MAX], truncated to whole milliseconds. */
function coerceDelay(delay: unknown): number {
  let after = Number(delay);
  if (!(after >= 1 && after <= TIMEOUT_MAX)) after = 1;
  return Math.trunc(after);
}

function callbackError(callback: unknown): TypeError {
  const shown = callback === null ? "null" : typeof callback;
  const error = new TypeError(`The "callback" argument must be of type function. Received ${shown}`);
  (error as TypeError & { code: string }).code = "ERR_INVALID_ARG_TYPE";
  return error;
}

function fireTimeout(timeout: VirtualTimeout): void {
  timeout._fire();
}

function fireImmediate(immediate: VirtualImmediate): void {
  immediate._fire();
}

/** A callback as a report names it in a call: its name, or `…` for an anonymous one. */
function callbackName(callback: AnyFunction): string {
  return callback.name === "" ? "…" : callback.name;
}

/**
 * A virtual `Timeout`: what the installed `setTimeout` and `setInterval` return.
 *
 * Invariant: armed on the loop of the run that created it, at most one timer handle at a time.
 *
 * @example
 * ```ts
 * const timeout = setTimeout(poll, 1_000).unref(); // installed globals: a virtual Timeout
 * clearTimeout(+timeout); // by id, as in Node
 * ```
 */
export class VirtualTimeout implements PendingTimer {
  /** @internal */
  readonly _binding: Binding;
  /** @internal Written only through `_setHandle`, which keeps the binding's count of unref'd armed timers. */
  _handle: TimerHandle | null = null;
  /** @internal */
  readonly _callback: AnyFunction;
  /** @internal */
  readonly _args: unknown[];
  /** @internal The delay in milliseconds (Node's `_idleTimeout`). */
  readonly _idleTimeout: number;
  /** @internal The interval's period, or `null` for a one-shot timeout (Node's `_repeat`). */
  readonly _repeat: number | null;
  /** @internal */
  _refed = true;
  /** @internal */
  _cleared = false;
  /** @internal */
  readonly _id: number;

  /** @internal Created by the installed `setTimeout` and `setInterval`. */
  constructor(binding: Binding, callback: AnyFunction, delay: number, args: unknown[], repeat: boolean) {
    this._binding = binding;
    this._callback = callback;
    this._args = args;
    this._idleTimeout = delay;
    this._repeat = repeat ? delay : null;
    this._id = binding.nextId++;
    this._arm(delay);
  }

  /** Makes the timer keep a run (and the process) alive again. Returns the timer. */
  ref(): this {
    if (!this._refed && this._handle !== null) this._binding.unrefArmed--;
    this._refed = true;
    return this;
  }

  /**
   * Makes the timer not count as a leftover when main settles, nor keep a run alive: with main pending and
   * only unref'd timers left, the run fails as Node would exit. Returns the timer.
   */
  unref(): this {
    if (this._refed && this._handle !== null) this._binding.unrefArmed++;
    this._refed = false;
    return this;
  }

  /** Whether the timer is ref'd. */
  hasRef(): boolean {
    return this._refed;
  }

  /**
   * Restarts the timer's delay from now, re-arming it even if it already fired; a cleared timer stays
   * cleared. Returns the timer.
   */
  refresh(): this {
    if (this._cleared) return this;
    this._handle?.cancel();
    this._setHandle(null);
    this._arm(this._idleTimeout);
    return this;
  }

  /** Clears the timer, as `clearTimeout(timer)`. Returns the timer. */
  close(): this {
    this._clear();
    return this;
  }

  /** The timer's numeric id, which `clearTimeout`/`clearInterval` accept in place of the object. */
  [Symbol.toPrimitive](): number {
    this._binding.byId.set(this._id, this);
    return this._id;
  }

  /** Clears the timer (`using timeout = setTimeout(…)`). */
  [Symbol.dispose](): void {
    this._clear();
  }

  /** @internal */
  _arm(delay: number): void {
    const binding = this._binding;
    const loop = binding.loop;
    const armed = binding.delayOf === null ? delay : binding.delayOf(delay);
    // An uncertain delay (the `jitter` option) goes to callLater, which follows it to this timer.
    const handle =
      typeof armed === "number"
        ? loop.callAt(loop.time() + armed, fireTimeout, this)
        : loop.callLater(armed, fireTimeout, this);
    this._setHandle(handle);
    binding.pending.add(this);
    // A run traced for a report names the timer as the user armed it, not by the loop's callAt.
    if (loop.trace?.sites != null) loop.trace.sites._relabel(handle, this._call());
  }

  /** @internal The call that armed the timer, as the user wrote it: `setTimeout(poll, 50)`. */
  _call(): string {
    return `${this._repeat === null ? "setTimeout" : "setInterval"}(${callbackName(this._callback)}, ${this._idleTimeout})`;
  }

  /** @internal Sets the armed handle, counting unref'd timers as they are armed and disarmed. */
  _setHandle(handle: TimerHandle | null): void {
    if (!this._refed && (this._handle === null) !== (handle === null))
      this._binding.unrefArmed += handle === null ? -1 : 1;
    this._handle = handle;
  }

  /** @internal Called by the timer handle. */
  _fire(): void {
    const fired = this._handle;
    this._setHandle(null);
    const binding = this._binding;
    const start = binding.loop.time();
    if (this._repeat === null) binding.pending.delete(this);
    try {
      this._callback.apply(this, this._args);
    } finally {
      if (this._repeat !== null && !this._cleared && this._handle === null) {
        const loop = binding.loop;
        if (!loop.isClosed()) {
          const period = binding.delayOf === null ? this._repeat : binding.delayOf(this._repeat);
          // `start` is the time now: the callback ran without the clock moving.
          const next =
            typeof period === "number"
              ? loop.callAt(start + period, fireTimeout, this)
              : loop.callLater(period, fireTimeout, this);
          this._setHandle(next);
          // The next period keeps the site of the setInterval call (no user frame arms it).
          if (loop.trace?.sites != null && fired !== null) loop.trace.sites._relabel(next, this._call(), fired);
        }
      }
    }
  }

  /** @internal */
  _clear(): void {
    if (this._cleared) return;
    this._cleared = true;
    this._handle?.cancel();
    this._setHandle(null);
    this._binding.pending.delete(this);
    this._binding.byId.delete(this._id);
  }

  /** @internal */
  _countsAsLeftover(): boolean {
    return this._refed && this._repeat === null;
  }

  /** @internal */
  _countsAsAlive(): boolean {
    return this._refed || this._handle === null;
  }

  /** @internal */
  _describe(): string {
    const name = this._callback.name === "" ? "anonymous" : this._callback.name;
    const kind = this._repeat === null ? "Timeout" : "Interval";
    const due = this._handle === null ? "" : ` due at t=${this._handle.when()}`;
    return `${kind}(${this._idleTimeout} ms, ${name})${due}`;
  }
}

/**
 * A virtual `Immediate`: what the installed `setImmediate` returns.
 *
 * @example
 * ```ts
 * const immediate = setImmediate(flush); // installed globals: runs in the loop's next iteration
 * clearImmediate(immediate);
 * ```
 */
export class VirtualImmediate implements PendingTimer {
  /** @internal */
  readonly _binding: Binding;
  /** @internal */
  _handle: Handle | null;
  /** @internal */
  readonly _callback: AnyFunction;
  /** @internal */
  readonly _args: unknown[];
  /** @internal */
  _refed = true;

  /** @internal Created by the installed `setImmediate`. */
  constructor(binding: Binding, callback: AnyFunction, args: unknown[]) {
    this._binding = binding;
    this._callback = callback;
    this._args = args;
    this._handle = binding.loop.callSoon(fireImmediate, this);
    binding.pending.add(this);
    const sites = binding.loop.trace?.sites;
    if (sites != null) sites._relabel(this._handle, `setImmediate(${callbackName(callback)})`);
  }

  /** Makes the immediate keep a run alive again. Returns it. */
  ref(): this {
    this._refed = true;
    return this;
  }

  /** Makes the immediate not count as a leftover. Returns it. */
  unref(): this {
    this._refed = false;
    return this;
  }

  /** Whether the immediate is ref'd. */
  hasRef(): boolean {
    return this._refed;
  }

  /** Clears the immediate (`using immediate = setImmediate(…)`). */
  [Symbol.dispose](): void {
    this._clear();
  }

  /** @internal */
  _fire(): void {
    this._handle = null;
    this._binding.pending.delete(this);
    this._callback.apply(this, this._args);
  }

  /** @internal */
  _clear(): void {
    if (this._handle === null) return;
    this._handle.cancel();
    this._handle = null;
    this._binding.pending.delete(this);
  }

  /** @internal */
  _countsAsLeftover(): boolean {
    return this._refed;
  }

  /** @internal An immediate is a ready callback: it always lets the run go on. */
  _countsAsAlive(): boolean {
    return true;
  }

  /** @internal */
  _describe(): string {
    const name = this._callback.name === "" ? "anonymous" : this._callback.name;
    return `Immediate(${name})`;
  }
}

/** @internal The real functions the virtual ones fall back to between runs. */
export interface RealTimers {
  readonly setTimeout: AnyFunction;
  readonly clearTimeout: AnyFunction;
  readonly setInterval: AnyFunction;
  readonly clearInterval: AnyFunction;
  readonly setImmediate: AnyFunction;
  readonly clearImmediate: AnyFunction;
}

/** @internal The virtual timer functions, falling back to `real` when no run is bound. */
export function virtualTimerFunctions(real: RealTimers): RealTimers {
  function setTimeout(callback: AnyFunction, delay?: unknown, ...args: unknown[]): unknown {
    const binding = currentBinding();
    if (binding === null) return real.setTimeout(callback, delay, ...args);
    if (typeof callback !== "function") throw callbackError(callback);
    return new VirtualTimeout(binding, callback, coerceDelay(delay), args, false);
  }
  function setInterval(callback: AnyFunction, delay?: unknown, ...args: unknown[]): unknown {
    const binding = currentBinding();
    if (binding === null) return real.setInterval(callback, delay, ...args);
    if (typeof callback !== "function") throw callbackError(callback);
    return new VirtualTimeout(binding, callback, coerceDelay(delay), args, true);
  }
  function clearTimeout(timer: unknown): void {
    if (timer instanceof VirtualTimeout) {
      timer._clear();
      return;
    }
    if (typeof timer === "number" || typeof timer === "string") {
      const known = currentBinding()?.byId.get(Number(timer));
      if (known instanceof VirtualTimeout) {
        known._clear();
        return;
      }
    }
    if (timer !== null && timer !== undefined) real.clearTimeout(timer);
  }
  function setImmediate(callback: AnyFunction, ...args: unknown[]): unknown {
    const binding = currentBinding();
    if (binding === null) return real.setImmediate(callback, ...args);
    if (typeof callback !== "function") throw callbackError(callback);
    return new VirtualImmediate(binding, callback, args);
  }
  function clearImmediate(immediate: unknown): void {
    if (immediate instanceof VirtualImmediate) immediate._clear();
    else if (immediate !== null && immediate !== undefined) real.clearImmediate(immediate);
  }
  return { setTimeout, clearTimeout, setInterval, clearInterval: clearTimeout, setImmediate, clearImmediate };
}
