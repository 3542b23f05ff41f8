/**
 * Handles: one scheduled callback each, as asyncio's `events.Handle` and `events.TimerHandle`.
 *
 * A handle is the only object the loop allocates per event. Internal kinds (a task step, a task wake-up,
 * a future's done callback) reuse the same shape with a task or a single argument instead of an args
 * array, so that the hot path stays monomorphic and allocation-free beyond the handle itself.
 *
 * @module
 */
import type { EventLoop } from "./event-loop.ts";
import type { Future } from "./future.ts";
import type { Task } from "./task.ts";

/** What a handle runs: a plain callback, a timer callback, a task step (or wake-up), or a future's done callback. */
export type HandleKind = "callback" | "timer" | "step" | "done";

/** @internal Numeric handle kinds, read on the hot path. */
export const KIND_CALLBACK = 0;
/** @internal */
export const KIND_TIMER = 1;
/** @internal */
export const KIND_STEP = 2;
/** @internal */
export const KIND_WAKEUP = 3;
/** @internal */
export const KIND_DONE = 4;

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
  /** @internal The callback (plain, timer and done kinds). Cleared by `cancel()`. */
  _fn: AnyFunction | null;
  /** @internal The callback's arguments; `null` when there are none. */
  _args: readonly unknown[] | null;
  /** @internal The task a step or wake-up resumes. */
  _task: Task<unknown> | null;
  /** @internal The single argument of internal kinds: the exception to throw in, or the future that completed. */
  _arg: unknown;
  /** @internal One of the `KIND_*` constants. */
  readonly _kind: number;
  /** @internal Set once by `cancel()`. */
  _cancelled: boolean;
  /** @internal What scheduled this handle: the task or handle that was running, or `null` outside the loop. */
  readonly _source: Task<unknown> | Handle | null;
  /** @internal */
  readonly _loop: EventLoop;

  /** @internal Handles are created by the loop: use `loop.callSoon`. */
  constructor(
    loop: EventLoop,
    kind: number,
    fn: AnyFunction | null,
    args: readonly unknown[] | null,
    task: Task<unknown> | null,
    arg: unknown,
    source: Task<unknown> | Handle | null,
  ) {
    this._loop = loop;
    this._kind = kind;
    this._fn = fn;
    this._args = args;
    this._task = task;
    this._arg = arg;
    this._cancelled = false;
    this._source = source;
  }

  /** Cancels the callback: it will not run. Cancelling twice, or after it ran, does nothing. */
  cancel(): void {
    if (this._cancelled) return;
    this._cancelled = true;
    this._fn = null;
    this._args = null;
  }

  /** True once `cancel()` was called. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /** What this handle runs: `"callback"`, `"timer"`, `"step"` (a task step or wake-up) or `"done"`. */
  get kind(): HandleKind {
    return KIND_NAMES[this._kind] ?? "callback";
  }

  /** The task this handle belongs to: the task it resumes, or the task that scheduled it. */
  get task(): Task<unknown> | null {
    if (this._task !== null) return this._task;
    const source = this._source;
    if (source === null) return null;
    return source instanceof Handle ? source.task : source;
  }

  /**
   * The object whose callbacks keep their FIFO order under the `interleave` policy level: the task a
   * step resumes, otherwise the task or handle that scheduled this one (`null`: outside the loop).
   */
  get source(): Task<unknown> | Handle | null {
    return this._task ?? this._source;
  }

  /** A short label for traces and messages: the callback's name, or the task's name for steps. */
  get label(): string {
    if (this._task !== null) return this._task.getName();
    const fn = this._fn;
    if (fn === null) return this._cancelled ? "<cancelled>" : "<none>";
    return fn.name === "" ? "<anonymous>" : fn.name;
  }

  /** @internal Runs the callback. The loop catches what it throws. */
  _run(): void {
    switch (this._kind) {
      case KIND_STEP:
        (this._task as Task<unknown>)._step(this._arg);
        return;
      case KIND_WAKEUP:
        (this._task as Task<unknown>)._wakeup(this._arg as Future<unknown>);
        return;
      case KIND_DONE:
        (this._fn as AnyFunction)(this._arg);
        return;
      default: {
        const args = this._args;
        if (args === null) (this._fn as AnyFunction)();
        else if (args.length === 2) (this._fn as AnyFunction)(args[0], args[1]);
        else if (args.length === 1) (this._fn as AnyFunction)(args[0]);
        else (this._fn as AnyFunction)(...args);
      }
    }
  }

  /** A readable description, such as `<Handle callback tick>`. */
  toString(): string {
    return `<${this.constructor.name}${this._cancelled ? " cancelled" : ""} ${this.kind} ${this.label}>`;
  }
}

/**
 * A callback scheduled for a virtual time by `callLater` or `callAt` (asyncio's `TimerHandle`).
 * Timers are ordered by `(when, seq)`: equal deadlines fire in the order they were scheduled.
 */
export class TimerHandle extends Handle {
  /** @internal The deadline. */
  readonly _when: number;
  /** @internal Insertion counter: the tie-breaker for equal deadlines. */
  readonly _seq: number;
  /** @internal True while the timer is in the loop's heap. */
  _scheduled: boolean;

  /** @internal Timer handles are created by the loop: use `loop.callLater` or `loop.callAt`. */
  constructor(
    loop: EventLoop,
    when: number,
    seq: number,
    fn: AnyFunction,
    args: readonly unknown[] | null,
    source: Task<unknown> | Handle | null,
  ) {
    super(loop, KIND_TIMER, fn, args, null, undefined, source);
    this._when = when;
    this._seq = seq;
    this._scheduled = false;
  }

  /** The virtual time at which the callback is due. */
  when(): number {
    return this._when;
  }

  /** Cancels the timer; the loop drops it lazily and compacts its heap when cancelled timers dominate. */
  override cancel(): void {
    if (this._cancelled) return;
    if (this._scheduled) this._loop._timerHandleCancelled();
    super.cancel();
  }

  /** A readable description, such as `<TimerHandle when=3 timer tick>`. */
  override toString(): string {
    return `<TimerHandle${this._cancelled ? " cancelled" : ""} when=${this._when} ${this.label}>`;
  }
}
