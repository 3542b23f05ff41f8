/**
 * Handles: one scheduled callback each, as asyncio's `events.Handle` and `events.TimerHandle`.
 *
 * A handle is the only object the loop allocates per event, so it is kept small: the callback, two
 * argument slots (`_a`, `_b`) that hold up to two arguments inline (more go in an array in `_a`), one
 * integer of flags (kind, argument count, cancelled, scheduled), and the source. Internal kinds (a task
 * step or wake-up, a future's done callback) reuse the slots for the task and the exception or future,
 * so no handle needs an arguments array or a closure.
 *
 * The source is the task or handle that was running when this one was scheduled (a handle only where
 * the interleave level or a trace can tell it from its task). When a handle runs, its own source is
 * collapsed to the task it belongs to, so a chain of callbacks scheduling callbacks never keeps its
 * history alive.
 *
 * The fields are `declare`d and assigned by the constructors only, every one in the same order
 * (decision 0036): an emitted class field would run an initializer per handle. One exception, the
 * deadline `_when`, is a class field (decision 0043): V8 picks a field's representation from the first
 * values stored in it, and a number-only field that has seen a fractional deadline is kept as a double
 * in a box of its own per handle, where a field first set to `undefined` holds integers inline.
 *
 * @module
 */
import type { EventLoop } from "./event-loop.ts";
import type { Future } from "./future.ts";
import type { Task } from "./task.ts";
import type { Waitable } from "./waitable.ts";

/** What a handle runs: a plain callback, a timer callback, a task step (or wake-up), or a future's done callback. */
export type HandleKind = "callback" | "timer" | "step" | "done";

/** @internal Handle kinds, in the low bits of `_flags`. */
export const KIND_CALLBACK = 0;
/** @internal */
export const KIND_TIMER = 1;
/** @internal */
export const KIND_STEP = 2;
/** @internal */
export const KIND_WAKEUP = 3;
/** @internal */
export const KIND_DONE = 4;
/** @internal Mask of the kind bits. */
export const KIND_MASK = 7;
/** @internal Argument count (0, 1, 2; 3 means "an array in `_a`"), shifted by this much. */
export const ARGC_SHIFT = 3;
/** @internal */
export const ARGC_ARRAY = 3;
/** @internal Set by `cancel()`. */
export const FLAG_CANCELLED = 32;
/** @internal Set while a timer is in the loop's heap. */
export const FLAG_SCHEDULED = 64;

const KIND_NAMES: readonly HandleKind[] = ["callback", "timer", "step", "step", "done"];

// biome-ignore lint: callbacks take any arguments
type AnyFunction = (...args: any[]) => unknown;

/**
 * A callback scheduled on an {@link EventLoop} by `callSoon` (or internally, by a task or a future).
 *
 * Invariant: a handle runs at most once, and never after `cancel()`.
 *
 * @example
 * ```ts
 * const handle = loop.callSoon(() => console.log("never"));
 * handle.cancel();
 * handle.cancelled(); // true
 * ```
 */
export class Handle {
  /** @internal The callback (plain, timer and done kinds); cleared by `cancel()`. */
  declare _fn: AnyFunction | null;
  /** @internal First argument, the arguments array, or the task of a step or wake-up. */
  declare _a: unknown;
  /** @internal Second argument, the exception a step throws in, or the future of a wake-up or done callback. */
  declare _b: unknown;
  /** @internal Kind, argument count, cancelled and scheduled bits. */
  declare _flags: number;
  /** @internal What scheduled this handle (the running task or handle); collapsed to a task once it ran. */
  declare _source: Task<unknown> | Handle | null;

  /** @internal Handles are created by the loop: use `loop.callSoon`. */
  constructor(flags: number, fn: AnyFunction | null, a: unknown, b: unknown, source: Task<unknown> | Handle | null) {
    this._fn = fn;
    this._a = a;
    this._b = b;
    this._flags = flags;
    this._source = source;
  }

  /** Cancels the callback: it will not run. Cancelling twice, or after it ran, does nothing. */
  cancel(): void {
    if ((this._flags & FLAG_CANCELLED) !== 0) return;
    this._flags |= FLAG_CANCELLED;
    if ((this._flags & KIND_MASK) <= KIND_TIMER) {
      this._fn = null;
      this._a = undefined;
      this._b = undefined;
    }
  }

  /** True once `cancel()` was called. */
  cancelled(): boolean {
    return (this._flags & FLAG_CANCELLED) !== 0;
  }

  /** What this handle runs: `"callback"`, `"timer"`, `"step"` (a task step or wake-up) or `"done"`. */
  get kind(): HandleKind {
    return KIND_NAMES[this._flags & KIND_MASK] ?? "callback";
  }

  /** The task this handle belongs to: the task it resumes, or the task that (directly or not) scheduled it. */
  get task(): Task<unknown> | null {
    const kind = this._flags & KIND_MASK;
    if (kind === KIND_STEP || kind === KIND_WAKEUP) return this._a as Task<unknown>;
    const source = this._source;
    if (source === null) return null;
    return source instanceof Handle ? source.task : source;
  }

  /**
   * The object whose callbacks keep their FIFO order under the `interleave` policy level: the task a
   * step resumes, otherwise the task or handle that scheduled this one (`null`: outside the loop).
   * A scheduling handle is recorded only on a loop that can tell it from its task (one with the
   * interleave level or a trace); elsewhere a callback scheduled by a callback records that callback's
   * task. Once the handle has run, a handle source is replaced by its task, so that finished callbacks
   * do not keep each other alive.
   */
  get source(): Task<unknown> | Handle | null {
    const kind = this._flags & KIND_MASK;
    if (kind === KIND_STEP || kind === KIND_WAKEUP) return this._a as Task<unknown>;
    return this._source;
  }

  /**
   * The future whose completion this handle reacts to: the future of a done callback, or the future a
   * task's wake-up comes from (asyncio registers that wake-up as a done callback); `null` otherwise,
   * and for the wake-up from a {@link WaitableTimer}.
   */
  get future(): Future<unknown> | null {
    const kind = this._flags & KIND_MASK;
    if (kind === KIND_DONE) return this._b as Future<unknown>;
    if (kind === KIND_WAKEUP && !(this._b instanceof Handle)) return this._b as Future<unknown>;
    return null;
  }

  /** A short label for traces and messages: the callback's name, or the task's name for steps. */
  get label(): string {
    const kind = this._flags & KIND_MASK;
    if (kind === KIND_STEP || kind === KIND_WAKEUP) return (this._a as Task<unknown>).getName();
    const fn = this._fn;
    if (fn === null) return (this._flags & FLAG_CANCELLED) !== 0 ? "<cancelled>" : "<none>";
    return fn.name === "" ? "<anonymous>" : fn.name;
  }

  /** @internal Runs the callback. The loop catches what it throws. */
  _run(): void {
    const flags = this._flags;
    switch (flags & KIND_MASK) {
      case KIND_STEP:
        (this._a as Task<unknown>)._step(this._b);
        return;
      case KIND_WAKEUP:
        (this._a as Task<unknown>)._wakeup(this._b as Waitable);
        return;
      case KIND_DONE:
        (this._fn as AnyFunction)(this._b);
        return;
      default:
        switch ((flags >> ARGC_SHIFT) & ARGC_ARRAY) {
          case 0:
            (this._fn as AnyFunction)();
            return;
          case 1:
            (this._fn as AnyFunction)(this._a);
            return;
          case 2:
            (this._fn as AnyFunction)(this._a, this._b);
            return;
          default:
            (this._fn as AnyFunction)(...(this._a as unknown[]));
        }
    }
  }

  /** A readable description, such as `<Handle callback tick>`. */
  toString(): string {
    return `<${this.constructor.name}${this.cancelled() ? " cancelled" : ""} ${this.kind} ${this.label}>`;
  }
}

/**
 * A callback scheduled for a virtual time by `callLater` or `callAt` (asyncio's `TimerHandle`).
 * Timers are ordered by `(when, seq)`: equal deadlines fire in the order they were scheduled.
 * (A {@link WaitableTimer} is a timer handle too, armed when it first runs: see `waitable-timer.ts`.)
 */
export class TimerHandle extends Handle {
  /**
   * @internal The deadline (set when armed, for a waitable timer). A class field, not `declare`d: its
   * initializer stores `undefined` first, so V8 keeps the field tagged (an integer deadline inline, no
   * box per handle) instead of a boxed double (decision 0043).
   */
  _when: number;
  /** @internal The loop, told when a scheduled timer is cancelled. (The tie-breaking insertion counter lives in the heap's keys only.) */
  declare _loop: EventLoop | null;

  /** @internal Timer handles are created by the loop: use `loop.callLater` or `loop.callAt`. */
  constructor(
    loop: EventLoop | null,
    when: number,
    flags: number,
    fn: AnyFunction,
    a: unknown,
    b: unknown,
    source: Task<unknown> | Handle | null,
  ) {
    super(flags, fn, a, b, source);
    this._when = when;
    this._loop = loop;
  }

  /** The virtual time at which the callback is due. */
  when(): number {
    return this._when;
  }

  /** Cancels the timer; the loop drops it lazily and compacts its heap when cancelled timers dominate. */
  override cancel(): void {
    const flags = this._flags;
    if ((flags & FLAG_CANCELLED) !== 0) return;
    if ((flags & FLAG_SCHEDULED) !== 0) {
      const loop = this._loop as EventLoop;
      loop._timerHandleCancelled();
      loop._timers.cancels++;
    }
    super.cancel();
  }

  /** A readable description, such as `<TimerHandle when=3 timer tick>`. */
  override toString(): string {
    return `<TimerHandle${this.cancelled() ? " cancelled" : ""} when=${this._when} ${this.label}>`;
  }
}
