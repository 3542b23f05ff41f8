/**
 * Tasks: the driver that steps a coroutine (a generator) and waits on what it yields, as asyncio's
 * `tasks.Task` does.
 *
 * A step sends a value (or throws an exception) into the generator and looks at what comes out:
 * - a {@link Waitable} (a pending {@link Future} yielded by `yield* future`, or the
 *   {@link WaitableTimer} of `yield* sleep(d)`) → the task waits until it is done, and the waitable
 *   schedules the next step (a wake-up): a future from its done callbacks, a timer from its dispatch;
 * - `undefined` (a bare `yield`) → the task gives up one loop iteration (asyncio's `sleep(0)`);
 * - anything else → a "bad yield": a {@link BadYieldError} is thrown into the coroutine at its next step,
 *   so its own `try` can see it (asyncio's behaviour, with a message that shows the fix).
 *
 * Cancellation is a request (asyncio 3.11): `cancel()` cancels what the task waits on, or, when a
 * step is already queued, makes that step throw {@link CancelledError} into the coroutine.
 *
 * Layout (one per sleeping task, so every field counts): the name lives in the future's label slot
 * (a task has no label); the waitable the task waits on lives in the value slot while the task is
 * pending (a task keeps no creator there: its deadlock line names the task itself), and settling
 * overwrites it with the result; the cancellation count and queued interrupts, which most tasks never touch, live in the
 * future's lazily allocated extra record.
 *
 * @module
 */
import { describeValue, isThenable } from "./describe.ts";
import {
  BadYieldError,
  InterruptMisuseError,
  InvalidStateError,
  LoopMisuseError,
  isCancellation,
  makeInterrupt,
} from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import {
  BLOCKING,
  CANCELLABLE,
  ENGINE_GENERATOR,
  FINISHED,
  Future,
  HAS_EXCEPTION,
  LOG_TRACEBACK,
  MUST_CANCEL,
  PENDING,
  STATE_MASK,
  noteUnretrieved,
} from "./future.ts";
import type { TimerHandle } from "./handle.ts";
import { scheduleStep } from "./internal-handles.ts";
import { maybeInjectFault } from "./choice-points.ts";
import { removePendingTask } from "./pending-tasks.ts";
import { NO_EXCEPTION, isWaitable, type Waitable } from "./waitable.ts";

/**
 * What a coroutine may yield to its task: a future (through `yield* future`), a waitable timer (through
 * `yield* sleep(d)`), or nothing (a bare `yield`).
 */
export type Yieldable = Future<unknown> | TimerHandle | undefined;

/**
 * A coroutine: what a generator function written for simloop returns. `T` is its return value, the
 * result of `yield* coroutine` and of the task that runs it.
 */
export type Coroutine<T = unknown> = Generator<Yieldable, T, unknown>;

/** Options of `loop.createTask`. */
export interface TaskOptions {
  /** The task's name; by default `Task-<n>`, counted per loop. */
  readonly name?: string;
  /**
   * Marks the task as one a scheduling policy with the `faults` level may cancel at any of its
   * suspension points (fault injection for exploration). Plain runs ignore it.
   */
  readonly cancellable?: boolean;
}

const GeneratorPrototype = Object.getPrototypeOf(function* () {}.prototype) as Generator;

/**
 * A constructor whose `prototype` is the prototype every generator object inherits from, so that
 * `instanceof` recognises one. `instanceof` walks the chain in a builtin; `Object.getPrototypeOf`
 * took a runtime call for a generator of a generator function created anew (a nested `function*`,
 * whose objects get a fresh hidden class per closure): about 130 instructions per task.
 */
function GeneratorObject(): void {}
GeneratorObject.prototype = GeneratorPrototype;

/**
 * True when `value` is a coroutine object: a generator object (started or not, or an object that
 * inherits from one), or an object that implements the generator protocol (`next`, `throw` and
 * `return`), such as the one `sleep()` returns.
 */
export function isGenerator(value: unknown): value is Generator {
  if (typeof value !== "object" || value === null) return false;
  try {
    if (value instanceof GeneratorObject) return true;
  } catch {
    return false; // a revoked Proxy
  }
  return hasGeneratorMethods(value);
}

/** The generator protocol, duck-typed. A Proxy whose traps throw is not a generator. */
function hasGeneratorMethods(value: object): boolean {
  try {
    const candidate = value as { next?: unknown; throw?: unknown; return?: unknown };
    return (
      typeof candidate.next === "function" &&
      typeof candidate.throw === "function" &&
      typeof candidate.return === "function"
    );
  } catch {
    return false;
  }
}

/**
 * Runs a coroutine on a loop: asyncio's `Task`. A task is a {@link Future} of the coroutine's return
 * value, so it can be awaited (`yield* task`) and given done callbacks.
 *
 * Invariants: the first step is scheduled with `callSoon` at creation (creating a task runs nothing);
 * a task is woken by what it waits on (see {@link Waitable}); `cancel()` returns true for every call while
 * the task is pending and counts them in `cancelling()`.
 *
 * @example
 * ```ts
 * function* worker() { yield* sleep(1); return "done"; }
 * const task = loop.createTask(worker(), { name: "worker" });
 * loop.runUntilComplete(task); // "done"
 * ```
 */
export class Task<T> extends Future<T> {
  /** @internal */
  readonly _coro: Coroutine<T>;
  /** @internal The loop's pending tasks form a list in creation order (see `EventLoop.allTasks`). */
  _prevTask: Task<unknown> | null;
  /** @internal */
  _nextTask: Task<unknown> | null;

  /** @internal Tasks are created with `loop.createTask(coro)`. */
  constructor(loop: EventLoop, coro: Coroutine<T>, name: string | number, cancellable: boolean) {
    super(loop);
    // While pending, the value slot holds the awaited future (see the module header), none yet.
    this._value = null;
    this._label = name;
    this._coro = coro;
    this._prevTask = null;
    this._nextTask = null;
    if (cancellable) this._state |= CANCELLABLE;
    if (coro instanceof GeneratorObject) this._state |= ENGINE_GENERATOR;
  }

  /** The task's name. */
  getName(): string {
    const name = this._label as string | number;
    return typeof name === "number" ? `Task-${name}` : name;
  }

  /** Renames the task. */
  setName(name: string): void {
    this._label = String(name);
  }

  /** A task has no label (its name is {@link Task.getName}): always `undefined`. */
  override get label(): string | undefined {
    return undefined;
  }

  /** The coroutine this task runs. */
  getCoro(): Coroutine<T> {
    return this._coro;
  }

  /** Tasks are settled by their coroutine only. @throws {@link LoopMisuseError} always. */
  override setResult(_value: T): void {
    throw new LoopMisuseError(
      "TASK_SET_RESULT",
      "Task does not support set_result() operation: a task's result is its coroutine's return value. Use a plain future (loop.createFuture()) to settle by hand.",
    );
  }

  /** Tasks are settled by their coroutine only. @throws {@link LoopMisuseError} always. */
  override setException(_exception: unknown): void {
    throw new LoopMisuseError(
      "TASK_SET_EXCEPTION",
      "Task does not support set_exception() operation: a task fails when its coroutine throws. Use a plain future (loop.createFuture()) to settle by hand.",
    );
  }

  /**
   * Requests cancellation: the coroutine gets a {@link CancelledError} at its current `yield*` (or, if
   * it has not started, never runs). Returns false if the task is already done, true otherwise — on
   * every call, each of which increments {@link Task.cancelling}.
   */
  override cancel(message?: string): boolean {
    if (this._loop._instruments !== null) this._loop._instruments.access(this);
    this._retrieved();
    if ((this._state & STATE_MASK) !== PENDING) return false;
    this._extraRecord().numCancelsRequested += 1;
    const waiter = this._futWaiter;
    if (waiter !== null && waiter._cancelWait(message)) return true;
    this._state |= MUST_CANCEL;
    if (message !== undefined) this._extraRecord().cancelMessage = message;
    else if (this._extra !== null) this._extra.cancelMessage = undefined;
    return true;
  }

  /**
   * Interrupts the task, as SimPy's `Process.interrupt(cause)`: an {@link Interrupt} carrying `cause`
   * is thrown into the coroutine at its current suspension point, in the next iteration. The task stops
   * waiting on its future *without cancelling it* (a task it awaited goes on running; a sleep's timer
   * is dropped; a resource request still queued withdraws itself). Interrupts queue: each is delivered
   * at a suspension of its own. A pending cancellation (asyncio's `_must_cancel`) is delivered first.
   * Not part of asyncio; built for discrete-event processes.
   * @throws {@link InterruptMisuseError} if the task has terminated, or is the task calling (throw
   * the error instead).
   *
   * @example
   * ```ts
   * function* machine() {
   *   try { yield* sleep(10); } catch (e) { if (e instanceof Interrupt) log(e.cause); else throw e; }
   * }
   * const worker = loop.createTask(machine());
   * loop.callLater(5, () => worker.interrupt("breakdown")); // machine logs "breakdown" at t=5
   * ```
   */
  interrupt(cause?: unknown): void {
    if (this._loop._instruments !== null) this._loop._instruments.access(this);
    if ((this._state & STATE_MASK) !== PENDING) {
      throw new InterruptMisuseError(`${this.toString()} has terminated and cannot be interrupted.`);
    }
    if (this._loop._currentTask === this) {
      throw new InterruptMisuseError(
        `A task is not allowed to interrupt itself (${this.toString()}): throw the error directly instead.`,
      );
    }
    const error = makeInterrupt(cause);
    const extra = this._extraRecord();
    if (extra.interrupts === null) extra.interrupts = [error];
    else extra.interrupts.push(error);
    this._detachForInterrupt();
  }

  /** @internal What this task waits on, if anything: the value slot while pending. */
  get _futWaiter(): Waitable | null {
    return (this._state & STATE_MASK) === PENDING ? (this._value as Waitable | null) : null;
  }

  set _futWaiter(waited: Waitable | null) {
    this._value = waited;
  }

  /** @internal A task keeps no creator (see the module header). */
  override _creatorTask(): Task<unknown> | null {
    return null;
  }

  /** The number of pending cancellation requests (asyncio 3.11's `cancelling()`). */
  cancelling(): number {
    const extra = this._extra;
    return extra === null ? 0 : extra.numCancelsRequested;
  }

  /** Decrements the cancellation count and returns the new count (used by `timeout` and task groups). */
  uncancel(): number {
    const extra = this._extra;
    if (extra === null) return 0;
    if (extra.numCancelsRequested > 0) extra.numCancelsRequested -= 1;
    return extra.numCancelsRequested;
  }

  /**
   * What this task is waiting on: a future, or the timer handle of the sleep it is in (`yield* sleep(d)`
   * waits on its timer directly); `null` when it is ready to run or done.
   */
  waitingOn(): Future<unknown> | TimerHandle | null {
    return this._futWaiter as Future<unknown> | TimerHandle | null;
  }

  /** A readable description, such as `<Task pending name='worker'>`. */
  override toString(): string {
    return `<Task ${this.state} name='${this.getName()}'>`;
  }

  /** @internal True while a cancellation must be thrown in at the next step. */
  get _mustCancel(): boolean {
    return (this._state & MUST_CANCEL) !== 0;
  }

  /** @internal True if a policy with the `faults` level may cancel this task. */
  get _cancellable(): boolean {
    return (this._state & CANCELLABLE) !== 0;
  }

  /**
   * @internal One step of the coroutine (asyncio's `Task.__step`). A generator object is resumed with
   * the engine's own `Generator.prototype.next` and `.throw` (read at each step), not with the methods
   * it inherits, as CPython resumes a coroutine with its type's `send` and `throw`, which no program can
   * replace: a `next` defined on one generator function's `prototype` is not called (decision 0044).
   * Reading `next` off the object missed the engine's property caches once per generator function
   * created anew (a `function*` declared inside the program gives its objects a hidden class of their
   * own). Any other object implementing the protocol (such as `sleep()`'s) is resumed through its own methods.
   */
  _step(excIn: unknown): void {
    const state = this._state;
    if ((state & STATE_MASK) !== PENDING) {
      throw new InvalidStateError(`_step(): already done: ${this.toString()}`);
    }
    let exc = excIn;
    if ((state & MUST_CANCEL) !== 0) {
      if (!isCancellation(exc)) exc = this._makeCancelledError();
      this._state = state & ~MUST_CANCEL;
    } else if (this._extra !== null && this._extra.interrupts !== null && !isCancellation(exc)) {
      // A cancellation already on its way (a cancelled future's wake-up) is never replaced: the
      // interrupt waits for the next suspension.
      const interrupts = this._extra.interrupts;
      exc = interrupts.shift();
      if (interrupts.length === 0) this._extra.interrupts = null;
    }
    this._futWaiter = null;
    const loop = this._loop;
    enterTask(loop, this);
    const instruments = loop._instruments;
    if (instruments !== null) instruments.beforeTaskStep(this);
    try {
      let r: IteratorResult<Yieldable, T>;
      try {
        // Not a helper function: a frame between the coroutine and `_step` would hide the task's
        // generator function from the trace's sites (site.ts).
        const coro = this._coro;
        if ((state & ENGINE_GENERATOR) === 0) r = exc === NO_EXCEPTION ? coro.next(undefined) : coro.throw(exc);
        else if (exc === NO_EXCEPTION)
          r = GeneratorPrototype.next.call(coro, undefined) as IteratorResult<Yieldable, T>;
        else r = GeneratorPrototype.throw.call(coro, exc) as IteratorResult<Yieldable, T>;
      } catch (error) {
        if (isCancellation(error)) {
          this._extraRecord().cancelledExc = error;
          this._settleCancelled(undefined);
        } else {
          this._settleException(error);
        }
        return;
      }
      if (r.done === true) {
        if ((this._state & MUST_CANCEL) !== 0) {
          this._state &= ~MUST_CANCEL;
          this._settleCancelled(this._extra?.cancelMessage);
        } else {
          this._settleResult(r.value);
        }
        return;
      }
      try {
        this._handleYield(r.value);
      } catch (error) {
        // Only a yielded value that cannot even be inspected gets here (a Proxy whose traps throw: its
        // waitable test throws before anything is registered). It is a bad yield like any other.
        scheduleStep(loop, this, new BadYieldError(badYieldMessage(this, r.value), r.value, error));
      }
    } finally {
      if (instruments !== null) instruments.afterTaskStep(this);
      leaveTask(loop, this);
    }
  }

  /** @internal Resumes the task once what it waited on is done (asyncio's `Task.__wakeup`). */
  _wakeup(waited: Waitable): void {
    this._step(waited._wakeException());
  }

  private _handleYield(value: unknown): void {
    const loop = this._loop;
    if (value === undefined) {
      scheduleStep(loop, this, NO_EXCEPTION);
      if (loop._policy !== null) maybeInjectFault(loop, this as Task<unknown>);
      return;
    }
    if (!isWaitable(value)) {
      const adapt = loop._foreignAwaitable;
      if (adapt !== null && value !== null && (typeof value === "object" || typeof value === "function")) {
        // A driven run's driver knows this value (a Promise, say): wait on the future it gives for it.
        let future: Future<unknown> | null;
        try {
          future = adapt(value);
        } catch (error) {
          scheduleStep(loop, this, error);
          return;
        }
        if (future !== null) {
          future._state |= BLOCKING;
          this._handleYield(future);
          return;
        }
      }
      scheduleStep(loop, this, new BadYieldError(badYieldMessage(this, value), value));
      return;
    }
    const error = value._waitBy(this as Task<unknown>);
    if (error !== null) {
      scheduleStep(loop, this, error);
      return;
    }
    this._futWaiter = value;
    if ((this._state & MUST_CANCEL) !== 0 && value._cancelWait(this._extra?.cancelMessage)) this._state &= ~MUST_CANCEL;
    if (this._extra !== null && this._extra.interrupts !== null) this._detachForInterrupt();
    if (loop._policy !== null) maybeInjectFault(loop, this as Task<unknown>);
  }

  /** Stops waiting (if the wake-up is not already queued) and schedules a step. */
  private _detachForInterrupt(): void {
    const waiter = this._futWaiter;
    if (waiter !== null && waiter._detach(this as Task<unknown>)) {
      this._futWaiter = null;
      scheduleStep(this._loop, this as Task<unknown>, NO_EXCEPTION);
    }
  }

  private _settleResult(value: T): void {
    this._value = value;
    this._state = (this._state & ~STATE_MASK) | FINISHED;
    removePendingTask(this._loop, this);
    this._scheduleCallbacks();
  }

  private _settleException(error: unknown): void {
    this._value = error;
    this._state = (this._state & ~STATE_MASK) | FINISHED | HAS_EXCEPTION | LOG_TRACEBACK;
    noteUnretrieved(this._loop, this);
    removePendingTask(this._loop, this);
    this._scheduleCallbacks();
  }

  private _settleCancelled(message: string | undefined): void {
    this._settleCancelledState(message);
    removePendingTask(this._loop, this);
    this._scheduleCallbacks();
  }
}

/** Makes `task` the loop's running task (asyncio's `_enter_task`). @throws {@link LoopMisuseError} if another one runs. */
function enterTask(loop: EventLoop, task: Task<unknown>): void {
  const current = loop._currentTask;
  if (current !== null) {
    throw new LoopMisuseError(
      "TASK_REENTERED",
      `Cannot enter into task ${task.toString()} while another task ${current.toString()} is being executed.`,
    );
  }
  loop._currentTask = task;
}

/** Ends `task`'s step (asyncio's `_leave_task`). @throws {@link LoopMisuseError} if it is not the running task. */
function leaveTask(loop: EventLoop, task: Task<unknown>): void {
  if (loop._currentTask !== task) {
    throw new LoopMisuseError(
      "TASK_LEAVE",
      `Leaving task ${task.toString()} does not match the current task ${String(loop._currentTask)}.`,
    );
  }
  loop._currentTask = null;
}

function badYieldMessage(task: Task<unknown>, value: unknown): string {
  if (isGenerator(value)) {
    return `yield was used instead of yield* for a generator in task ${task.toString()}: write \`yield* coroutine()\` to await a coroutine inline.`;
  }
  if (isThenable(value)) {
    return (
      `Task ${task.toString()} yielded a Promise outside async mode, where nothing runs its continuations on virtual time: ` +
      "run the program in async mode (runAsync or runUntilCompleteAsync from @simloop/async), where a task may " +
      "`yield* fromPromise(promise)`; or write the operation as a generator function and `yield*` it."
    );
  }
  const shown = typeof value === "string" ? JSON.stringify(value) : describeValue(value);
  return `Task got bad yield: ${shown} (${typeof value}) in task ${task.toString()}. A coroutine yields only through \`yield* future\`, \`yield* coroutine()\`, or a bare \`yield\` to give up one iteration.`;
}

const GeneratorFunction = function* () {}.constructor;

/**
 * @internal Whether `fn` is a generator function (a coroutine function, not a callback). A function
 * Proxy that cannot be inspected (revoked) counts as one, so that it is refused with an ArgumentError.
 */
export function isGeneratorFunction(fn: object): boolean {
  try {
    return fn.constructor === GeneratorFunction;
  } catch {
    return true;
  }
}
