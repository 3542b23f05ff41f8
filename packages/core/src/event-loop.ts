/**
 * The event loop: asyncio's `BaseEventLoop` scheduling core, on virtual time.
 *
 * One iteration (asyncio's `_run_once`) does, in order: drop cancelled timers from the heap's head
 * (rebuilding the heap when cancelled ones dominate); if nothing is ready and the loop is not stopping,
 * jump the virtual clock to the earliest deadline — or, with no timer at all, throw
 * {@link DeadlockError} where asyncio would block forever; move every due timer (`when <= now`) to the
 * end of the ready queue in `(when, seq)` order; then run exactly the callbacks that were ready at that
 * moment, FIFO. Callbacks scheduled meanwhile wait for the next iteration. `stop()` only sets a flag that
 * the run call checks after the iteration, so it never truncates the batch it was called in.
 *
 * Beyond asyncio: test-time control (`runFor`, `runUntilTime`, `runUntilIdle`, `step`, `peek`), a step
 * budget (`maxSteps`; the last dispatched callbacks, which its error lists, are recorded only under a
 * budget), a seeded PRNG (`random`), an opt-in trace, and the scheduling-policy hook. With no policy
 * the loop never builds a choice point (the FIFO fast path).
 *
 * @module
 */
import {
  ArgumentError,
  CloseRunningLoopError,
  DeadlockError,
  type DeadlockWaiter,
  LoopClosedError,
  LoopMisuseError,
  LoopRunningError,
  LoopStoppedError,
  PolicyError,
  StepBudgetExceededError,
  UnhandledErrorsError,
  WrongLoopError,
  describeError,
} from "./errors.ts";
import { Future } from "./future.ts";
import {
  ARGC_ARRAY,
  ARGC_SHIFT,
  FLAG_CANCELLED,
  FLAG_SCHEDULED,
  Handle,
  KIND_CALLBACK,
  KIND_DONE,
  KIND_MASK,
  KIND_STEP,
  KIND_TIMER,
  KIND_WAKEUP,
  TimerHandle,
} from "./handle.ts";
import type { ChoicePoint, ChoiceRecord, JitterPoint, PolicyLevels, SchedulingPolicy } from "./policy.ts";
import { Random } from "./random.ts";
import { ReadyQueue } from "./ready-queue.ts";
import { runningLoopOrNull, setRunningLoop } from "./running.ts";
import { NO_EXCEPTION, Task, isGenerator, type Coroutine, type TaskOptions } from "./task.ts";
import { TimerQueue } from "./timer-queue.ts";
import { Trace, type TraceOptions } from "./trace.ts";

/** What the default exception handler does with an error that escaped a callback. */
export type UnhandledMode = "log" | "collect" | "throw";

/** Options of {@link EventLoop}. */
export interface EventLoopOptions {
  /** Seed of `loop.random`. Default 0. */
  readonly seed?: number;
  /** The scheduling policy asked at choice points. Default: none (asyncio's FIFO order, fast path). */
  readonly policy?: SchedulingPolicy;
  /** Record a trace of every dispatched callback (`true`, or options). Default off. */
  readonly trace?: boolean | TraceOptions;
  /** Iteration budget per run call; exceeding it throws {@link StepBudgetExceededError}. Default unlimited. */
  readonly maxSteps?: number;
  /**
   * What the default exception handler does with errors escaping callbacks: `"log"` collects them and
   * writes them to `console.error` (asyncio logs them); `"collect"` only collects them
   * (`loop.unhandledErrors()`); `"throw"` collects them and throws an {@link UnhandledErrorsError} when
   * the run call returns, which is what a test wants. Default `"log"`.
   */
  readonly unhandled?: UnhandledMode;
  /** The virtual time the clock starts at. Default 0. */
  readonly startTime?: number;
}

/** What the exception handler receives (asyncio's context dict). */
export interface ExceptionContext {
  /** What happened, such as `Exception in callback tick`. */
  readonly message: string;
  /** The thrown value, if any. */
  readonly exception?: unknown;
  /** The handle whose callback threw, if any. */
  readonly handle?: Handle;
  /** The task concerned, if any. */
  readonly task?: Task<unknown>;
  /** The future concerned, if any. */
  readonly future?: Future<unknown>;
  /** For errors raised by a custom handler: the context it was handling. */
  readonly context?: ExceptionContext;
}

/** A custom exception handler, as asyncio's `(loop, context)`. */
export type ExceptionHandler = (loop: EventLoop, context: ExceptionContext) => void;

// biome-ignore lint: callbacks take any arguments
type AnyFunction = (...args: any[]) => unknown;

const MIN_SCHEDULED_TIMER_HANDLES = 100;
const RECENT = 16;
const MODE_FOREVER = 0;
const MODE_IDLE = 1;
const MODE_UNTIL = 2;

const GeneratorFunction = function* () {}.constructor;
/** What `_checkedCallback` holds before any callback passed the check: no value a caller can pass. */
const UNCHECKED: unknown = Object.freeze({});

function runUntilCompleteCallback(future: Future<unknown>): void {
  future._loop.stop();
}

/**
 * asyncio's event loop on virtual time.
 *
 * Invariants: virtual time never goes backwards and changes only between batches; callbacks run FIFO
 * within a batch (under the default policy); a callback scheduled during a batch runs in a later one;
 * `stop()` never truncates the batch it is called in; errors escaping callbacks go to the exception
 * handler and the loop goes on.
 *
 * @example
 * ```ts
 * const loop = new EventLoop();
 * loop.callLater(2, () => console.log("at", loop.time())); // at 2
 * loop.callSoon(() => console.log("first"));
 * loop.runUntilIdle();
 * ```
 */
export class EventLoop {
  /** The loop's seeded PRNG: deterministic per `seed`, independent of `Math.random`. */
  readonly random: Random;
  /** The trace, when the loop was created with `trace` on; `null` otherwise. */
  readonly trace: Trace | null;

  /** @internal The task whose step is running, if any. */
  _currentTask: Task<unknown> | null = null;
  /** @internal The handle being dispatched, if any. */
  _currentHandle: Handle | null = null;

  private _now: number;
  private _iteration = 0;
  private readonly _ready = new ReadyQueue();
  private readonly _timers = new TimerQueue();
  private _timerSeq = 0;
  private _timerCancelledCount = 0;
  private _stopping = false;
  private _running = false;
  private _closed = false;
  private _taskCounter = 0;
  private _tasksCreated = 0;
  // The pending tasks, in creation order: a list through the tasks themselves (two fields per task),
  // which costs less than a set entry and no hashing when a task starts or ends.
  private _firstTask: Task<unknown> | null = null;
  private _lastTask: Task<unknown> | null = null;
  private _unretrieved: Set<Future<unknown>> | null = null;
  private _exceptionHandler: ExceptionHandler | null = null;
  private readonly _unhandled: ExceptionContext[] = [];
  private _unhandledThrowFrom = 0;
  private readonly _unhandledMode: UnhandledMode;
  private readonly _maxSteps: number;
  private readonly _policy: SchedulingPolicy | null;
  private readonly _levels: PolicyLevels | null;
  private readonly _choices: ChoiceRecord[] = [];
  private _policyError: PolicyError | null = null;
  // The last dispatches, for the step-budget error: written in slot order from 0, so plain arrays stay
  // packed; kept only when a budget is set.
  private readonly _recent: Handle[] = [];
  private readonly _recentTimes: number[] = [];
  private _recentCount = 0;
  /**
   * Whether a handle scheduled by a running handle records that handle as its source (else its task).
   * Only the interleave level (which keeps each source's callbacks FIFO) and the trace (which names the
   * callback that woke a task) tell the two apart; without them, recording the task saves collapsing
   * every source after its dispatch (measured 15% of a callSoon chain).
   */
  private readonly _handleSources: boolean;
  /**
   * The last callback that passed {@link EventLoop._checkCallback}: rescheduling the same function (a
   * chain, a periodic timer) skips the generator-function test, whose prototype lookup was measured at
   * 13% of a callSoon chain.
   */
  private _checkedCallback: unknown = UNCHECKED;

  constructor(options: EventLoopOptions = {}) {
    const { seed = 0, policy, trace, maxSteps = Infinity, unhandled = "log", startTime = 0 } = options;
    if (!Number.isFinite(startTime)) {
      throw new ArgumentError(`Expected \`startTime\` to be a finite number, got \`${String(startTime)}\`.`);
    }
    if (!(maxSteps > 0) || (Number.isFinite(maxSteps) && !Number.isInteger(maxSteps))) {
      throw new ArgumentError(
        `Expected \`maxSteps\` to be a positive integer or Infinity, got \`${String(maxSteps)}\`.`,
      );
    }
    if (unhandled !== "log" && unhandled !== "collect" && unhandled !== "throw") {
      throw new ArgumentError(
        `Expected \`unhandled\` to be "log", "collect" or "throw", got \`${String(unhandled)}\`.`,
      );
    }
    this._now = startTime;
    this.random = new Random(seed);
    this.trace = trace === undefined || trace === false ? null : new Trace(trace === true ? {} : trace);
    this._maxSteps = maxSteps;
    this._unhandledMode = unhandled;
    const levels = policy?.levels;
    const active = levels !== undefined && (levels.ties || levels.interleave || levels.jitter || levels.faults);
    this._policy = active ? (policy as SchedulingPolicy) : null;
    this._levels = active ? (levels as PolicyLevels) : null;
    this._handleSources = this.trace !== null || (active && (levels as PolicyLevels).interleave);
  }

  // ---------------------------------------------------------------- time and state

  /** The current virtual time. */
  time(): number {
    return this._now;
  }

  /** The number of loop iterations (asyncio's `_run_once` calls) so far, over the loop's life. */
  get iteration(): number {
    return this._iteration;
  }

  /** True while a run call (`runForever`, `runUntilComplete`, …) is in progress. */
  isRunning(): boolean {
    return this._running;
  }

  /** True once `close()` was called. */
  isClosed(): boolean {
    return this._closed;
  }

  /** The policy asked at choice points, or `null` (asyncio's FIFO order). */
  get policy(): SchedulingPolicy | null {
    return this._policy;
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * Schedules `callback(...args)` for the next iteration, after everything already ready (FIFO).
   * @throws {@link LoopClosedError} on a closed loop; {@link ArgumentError} if `callback` is not a function.
   */
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle;
  callSoon(callback: AnyFunction): Handle {
    this._checkCallback(callback, "callSoon");
    // `arguments` instead of a rest parameter: up to two arguments are stored inline in the handle.
    const argc = arguments.length - 1;
    let handle: Handle;
    if (argc === 0) handle = new Handle(KIND_CALLBACK, callback, undefined, undefined, this._currentSource());
    else if (argc === 1)
      handle = new Handle(KIND_CALLBACK | (1 << ARGC_SHIFT), callback, arguments[1], undefined, this._currentSource());
    else if (argc === 2)
      handle = new Handle(
        KIND_CALLBACK | (2 << ARGC_SHIFT),
        callback,
        arguments[1],
        arguments[2],
        this._currentSource(),
      );
    else
      handle = new Handle(
        KIND_CALLBACK | (ARGC_ARRAY << ARGC_SHIFT),
        callback,
        Array.prototype.slice.call(arguments, 1),
        undefined,
        this._currentSource(),
      );
    this._ready.push(handle);
    return handle;
  }

  /**
   * Schedules `callback(...args)` at `time() + delay`. A negative delay is due at once.
   * @throws {@link ArgumentError} for a non-finite delay; {@link LoopClosedError} on a closed loop.
   */
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: A): TimerHandle;
  callLater(delay: number, callback: AnyFunction): TimerHandle {
    if (typeof delay !== "number" || !Number.isFinite(delay)) {
      throw new ArgumentError(`Expected \`delay\` to be a finite number, got \`${String(delay)}\` (${typeof delay}).`);
    }
    const argc = arguments.length - 2;
    return this._callAt(
      this._now + delay,
      callback,
      argc,
      argc > 2 ? Array.prototype.slice.call(arguments, 2) : arguments[2],
      arguments[3],
      "callLater",
    );
  }

  /**
   * Schedules `callback(...args)` at virtual time `when`. A time in the past is due at once.
   * @throws {@link ArgumentError} for a non-finite time; {@link LoopClosedError} on a closed loop.
   */
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: A): TimerHandle;
  callAt(when: number, callback: AnyFunction): TimerHandle {
    if (typeof when !== "number" || !Number.isFinite(when)) {
      throw new ArgumentError(`Expected \`when\` to be a finite number, got \`${String(when)}\` (${typeof when}).`);
    }
    const argc = arguments.length - 2;
    return this._callAt(
      when,
      callback,
      argc,
      argc > 2 ? Array.prototype.slice.call(arguments, 2) : arguments[2],
      arguments[3],
      "callAt",
    );
  }

  /** Creates a pending future on this loop. `label` names it in messages and deadlock reports. */
  createFuture<T>(label?: string): Future<T> {
    return new Future<T>(this, label);
  }

  /**
   * Wraps a coroutine in a task and schedules its first step for the next iteration. Nothing of the
   * coroutine runs now.
   * @throws {@link ArgumentError} if `coro` is not a generator object; {@link LoopClosedError} on a closed loop.
   */
  createTask<T>(coro: Coroutine<T>, options: TaskOptions = {}): Task<T> {
    this._checkClosed("createTask");
    if (!isGenerator(coro)) throw new ArgumentError(notACoroutine(coro, "createTask"));
    const name = options.name ?? ++this._taskCounter;
    const task = new Task<T>(this, coro, name, options.cancellable === true);
    this._tasksCreated++;
    const pending = task as Task<unknown>;
    const last = this._lastTask;
    pending._prevTask = last;
    if (last === null) this._firstTask = pending;
    else last._nextTask = pending;
    this._lastTask = pending;
    this._scheduleStep(task as Task<unknown>, NO_EXCEPTION);
    return task;
  }

  /** The number of tasks created on this loop so far (done or not). */
  get tasksCreated(): number {
    return this._tasksCreated;
  }

  /** Every task of this loop that is not done yet, in creation order. */
  allTasks(): Set<Task<unknown>> {
    const tasks = new Set<Task<unknown>>();
    for (let task = this._firstTask; task !== null; task = task._nextTask) tasks.add(task);
    return tasks;
  }

  /** The task whose step is running now, or `null`. */
  currentTask(): Task<unknown> | null {
    return this._currentTask;
  }

  /**
   * Draws a duration the program declares uncertain, in `[min, max]`. Under a policy with the `jitter`
   * level the policy chooses it (and the choice is recorded); otherwise it is `min`.
   * @throws {@link ArgumentError} unless `min` and `max` are finite with `min <= max`.
   */
  jitter(min: number, max: number): number {
    if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
      throw new ArgumentError(`Expected finite bounds with min <= max, got min=${String(min)}, max=${String(max)}.`);
    }
    const policy = this._policy;
    if (policy === null || min === max || !(this._levels as PolicyLevels).jitter) return min;
    const point: JitterPoint = {
      kind: "jitter",
      time: this._now,
      iteration: this._iteration,
      min,
      max,
      task: this._currentTask,
    };
    let value: number;
    try {
      value = policy.chooseDuration(point);
    } catch (error) {
      this._failPolicy(
        new PolicyError(`Policy "${policy.name}" threw while drawing a duration: ${describeError(error)}`, {
          cause: error,
        }),
      );
      return min;
    }
    if (typeof value !== "number" || !(value >= min && value <= max)) {
      this._failPolicy(
        new PolicyError(
          `Policy "${policy.name}" drew ${String(value)} for a duration in [${min}, ${max}]; it must stay within the bounds.`,
        ),
      );
      return min;
    }
    this._record({ kind: "jitter", time: this._now, iteration: this._iteration, options: 0, pick: value, min, max });
    return value;
  }

  /** Every answer the policy gave on this loop, in order (empty without a policy). */
  choiceLog(): readonly ChoiceRecord[] {
    return this._choices;
  }

  /** Records a `note` event in the trace (if tracing), attributed to the running task. */
  note(label: string, detail?: unknown): void {
    const trace = this.trace;
    if (trace === null) return;
    const source = this._currentTask?.getName() ?? this._currentHandle?.label ?? "main";
    trace.record(
      detail === undefined
        ? {
            time: this._now,
            iteration: this._iteration,
            kind: "note",
            source,
            label,
          }
        : {
            time: this._now,
            iteration: this._iteration,
            kind: "note",
            source,
            label,
            detail,
          },
    );
  }

  // ---------------------------------------------------------------- running

  /**
   * Runs until `future` is done and returns its result (or throws its exception). A coroutine is wrapped
   * in a task first. The loop stops at the end of the iteration in which the future's done callbacks run.
   * @throws {@link LoopStoppedError} if the loop stopped first; {@link DeadlockError} if nothing can
   * complete it; {@link LoopRunningError}, {@link LoopClosedError} on misuse.
   */
  runUntilComplete<T>(future: Future<T> | Coroutine<T>): T {
    this._checkClosed("runUntilComplete");
    this._checkRunning();
    const isNewTask = !(future instanceof Future);
    const fut = this._ensureFuture(future, "runUntilComplete");
    fut.addDoneCallback(runUntilCompleteCallback);
    try {
      this._run(MODE_FOREVER, 0, fut);
    } catch (error) {
      if (isNewTask && fut.done() && !fut.cancelled()) fut.exception();
      throw error;
    } finally {
      fut.removeDoneCallback(runUntilCompleteCallback);
    }
    if (!fut.done()) throw new LoopStoppedError();
    const result = fut.result();
    this._throwUnhandled();
    return result;
  }

  /**
   * Runs until `stop()` is called. `stop()` before `runForever()` runs exactly one iteration.
   * @throws {@link DeadlockError} when nothing is left to run and nothing stops the loop (asyncio would
   * block forever); {@link LoopRunningError}, {@link LoopClosedError} on misuse.
   */
  runForever(): void {
    this._checkClosed("runForever");
    this._checkRunning();
    this._run(MODE_FOREVER, 0, null);
    this._throwUnhandled();
  }

  /**
   * Runs until no callback is ready and no timer is pending, then returns (SimPy's `run()`). Honours
   * `stop()`.
   */
  runUntilIdle(): void {
    this._checkClosed("runUntilIdle");
    this._checkRunning();
    this._run(MODE_IDLE, 0, null);
    this._throwUnhandled();
  }

  /**
   * Runs every callback due at or before virtual time `when` (including those they schedule at or before
   * `when`), then sets the clock to `when` (SimPy's `run(until)`, inclusive like fake timers' `tick`).
   * Returns early, without moving the clock, if `stop()` is called.
   * @throws {@link ArgumentError} if `when` is not finite or is before the current time.
   */
  runUntilTime(when: number): void {
    if (typeof when !== "number" || !Number.isFinite(when) || when < this._now) {
      throw new ArgumentError(
        `Expected \`when\` to be a finite time >= the current time (${this._now}), got \`${String(when)}\`.`,
      );
    }
    this._checkClosed("runUntilTime");
    this._checkRunning();
    if (this._run(MODE_UNTIL, when, null) && this._now < when) this._now = when;
    this._throwUnhandled();
  }

  /**
   * Runs for `duration` units of virtual time: `runUntilTime(time() + duration)`.
   * @throws {@link ArgumentError} if `duration` is negative or not finite.
   */
  runFor(duration: number): void {
    if (typeof duration !== "number" || !Number.isFinite(duration) || duration < 0) {
      throw new ArgumentError(`Expected \`duration\` to be a finite number >= 0, got \`${String(duration)}\`.`);
    }
    this.runUntilTime(this._now + duration);
  }

  /**
   * Runs exactly one iteration (one batch) and returns true, or returns false without running when
   * nothing is ready and no timer is pending (SimPy's `step()`).
   */
  step(): boolean {
    this._checkClosed("step");
    this._checkRunning();
    this._dropCancelledHead();
    if (this._ready.length === 0 && this._timers.size === 0 && !this._stopping) return false;
    this._enterRun();
    try {
      this._runOnce();
      this._throwPolicyError();
    } finally {
      this._exitRun();
    }
    this._throwUnhandled();
    return true;
  }

  /** The virtual time of the next event: now if a callback is ready, the earliest timer, or `Infinity`. */
  peek(): number {
    if (this._closed) return Infinity;
    if (this._ready.length > 0) return this._now;
    this._dropCancelledHead();
    const when = this._timers.peekWhen();
    return when < this._now ? this._now : when;
  }

  /**
   * Asks the loop to stop after the current iteration. Every callback already in the batch still runs;
   * callbacks scheduled meanwhile stay queued for the next run. Calling it twice is the same as once.
   */
  stop(): void {
    this._stopping = true;
  }

  /**
   * Closes the loop: pending callbacks and timers are discarded and nothing can be scheduled or run any
   * more. A second call does nothing.
   * @throws {@link CloseRunningLoopError} while the loop runs.
   */
  close(): void {
    if (this._running) throw new CloseRunningLoopError();
    if (this._closed) return;
    this._closed = true;
    this._ready.clear();
    this._timers.clear();
    this._timerCancelledCount = 0;
  }

  // ---------------------------------------------------------------- errors

  /** Sets the handler called with `(loop, context)` for errors escaping callbacks; `null` restores the default. */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new ArgumentError(`Expected the exception handler to be a function or null, got ${typeof handler}.`);
    }
    this._exceptionHandler = handler;
  }

  /** The custom exception handler, or `null` when the default one is in use. */
  getExceptionHandler(): ExceptionHandler | null {
    return this._exceptionHandler;
  }

  /**
   * The default handler: collects the context (see {@link EventLoop.unhandledErrors}) and, in `"log"`
   * mode, writes it to `console.error`.
   */
  defaultExceptionHandler(context: ExceptionContext): void {
    this._unhandled.push(context);
    if (this._unhandledMode === "log") {
      const detail = context.exception === undefined ? "" : `\n${describeError(context.exception)}`;
      console.error(`[simloop t=${this._now}] ${context.message}${detail}`);
    }
  }

  /**
   * Reports an error to the exception handler (the custom one if set, else the default). If the custom
   * handler throws, the default handler reports that, and the loop goes on.
   */
  callExceptionHandler(context: ExceptionContext): void {
    const handler = this._exceptionHandler;
    if (handler === null) {
      this.defaultExceptionHandler(context);
      return;
    }
    try {
      handler(this, context);
    } catch (error) {
      this.defaultExceptionHandler({
        message: "Unhandled error in exception handler",
        exception: error,
        context,
      });
    }
  }

  /** The contexts the default handler received, oldest first. */
  unhandledErrors(): readonly ExceptionContext[] {
    return this._unhandled;
  }

  /**
   * Futures and tasks that finished with an exception nobody retrieved (with `result()`, `exception()`
   * or by awaiting them). asyncio reports these when they are garbage-collected; here they can be read.
   */
  unretrievedFutures(): Future<unknown>[] {
    return this._unretrieved === null ? [] : [...this._unretrieved];
  }

  /** A readable description, such as `<EventLoop running t=3>`. */
  toString(): string {
    const state = this._closed ? "closed" : this._running ? "running" : "idle";
    return `<EventLoop ${state} t=${this._now} iteration=${this._iteration}>`;
  }

  // ---------------------------------------------------------------- internals used by futures and tasks

  /** @internal */
  _timerHandleCancelled(): void {
    this._timerCancelledCount++;
  }

  /**
   * @internal Arms a sleep's timer handle (created unarmed, see `sleep-timer.ts`) at `time() + delay`,
   * exactly as `callLater(delay, …)` would schedule a new one.
   */
  _armTimer(handle: TimerHandle, delay: number): void {
    this._checkCallback(handle._fn, "callLater");
    handle._loop = this;
    handle._when = this._now + delay;
    handle._source = this._currentSource();
    handle._flags |= FLAG_SCHEDULED;
    this._timers.push(handle, ++this._timerSeq);
  }

  /** @internal Schedules a task step; `exc` is thrown into the coroutine unless it is `NO_EXCEPTION`. */
  _scheduleStep(task: Task<unknown>, exc: unknown): void {
    this._checkClosed("schedule a task step");
    this._ready.push(new Handle(KIND_STEP, null, task, exc, this._currentSource()));
  }

  /** @internal Schedules a task's wake-up from `future` (or from the sleep it waits on). */
  _scheduleWakeup(task: Task<unknown>, future: Future<unknown> | TimerHandle): void {
    this._checkClosed("wake a task");
    this._ready.push(new Handle(KIND_WAKEUP, null, task, future, this._currentSource()));
  }

  /** @internal Schedules a done callback. */
  _scheduleDone(callback: AnyFunction, future: Future<unknown>): void {
    this._checkClosed("schedule a done callback");
    this._ready.push(new Handle(KIND_DONE, callback, undefined, future, this._currentSource()));
  }

  /** @internal */
  _enterTask(task: Task<unknown>): void {
    const current = this._currentTask;
    if (current !== null) {
      throw new LoopMisuseError(
        "TASK_REENTERED",
        `Cannot enter into task ${task.toString()} while another task ${current.toString()} is being executed.`,
      );
    }
    this._currentTask = task;
  }

  /** @internal */
  _leaveTask(task: Task<unknown>): void {
    if (this._currentTask !== task) {
      throw new LoopMisuseError(
        "TASK_LEAVE",
        `Leaving task ${task.toString()} does not match the current task ${String(this._currentTask)}.`,
      );
    }
    this._currentTask = null;
  }

  /** @internal A task finished. */
  _taskDone(task: Task<unknown>): void {
    const prev = task._prevTask;
    const next = task._nextTask;
    if (prev === null) {
      if (this._firstTask !== task) return; // not in the list (already done)
      this._firstTask = next;
    } else {
      prev._nextTask = next;
    }
    if (next === null) this._lastTask = prev;
    else next._prevTask = prev;
    task._prevTask = null;
    task._nextTask = null;
  }

  /** @internal */
  _noteUnretrieved(future: Future<unknown>): void {
    (this._unretrieved ??= new Set()).add(future);
  }

  /** @internal */
  _forgetUnretrieved(future: Future<unknown>): void {
    this._unretrieved?.delete(future);
  }

  /** @internal Asks the policy (faults level) whether to cancel a cancellable task that just suspended. */
  _maybeInjectFault(task: Task<unknown>): void {
    if (this._policy === null || !task._cancellable || !(this._levels as PolicyLevels).faults || task._mustCancel)
      return;
    const pick = this._ask({
      kind: "fault",
      time: this._now,
      iteration: this._iteration,
      options: 2,
      task,
    });
    if (pick === 1) task.cancel("cancelled by the scheduling policy (fault injection)");
  }

  /** @internal Wraps a coroutine in a task; checks a future's loop. */
  _ensureFuture<T>(value: Future<T> | Coroutine<T>, caller: string): Future<T> {
    if (value instanceof Future) {
      if (value._loop !== this) {
        throw new WrongLoopError(
          "WRONG_LOOP",
          `The future belongs to a different loop than the one specified as the loop argument: ${caller}() got ${value.toString()} of another loop. ` +
            "Run a future on the loop that created it.",
        );
      }
      return value;
    }
    if (isGenerator(value)) return this.createTask(value);
    throw new ArgumentError(notACoroutine(value, caller));
  }

  // ---------------------------------------------------------------- the iteration

  private _callAt(
    when: number,
    callback: AnyFunction,
    argc: number,
    a: unknown,
    b: unknown,
    caller: string,
  ): TimerHandle {
    this._checkCallback(callback, caller);
    const handle = new TimerHandle(
      this,
      when,
      KIND_TIMER | FLAG_SCHEDULED | ((argc > 2 ? ARGC_ARRAY : argc) << ARGC_SHIFT),
      callback,
      a,
      argc === 2 ? b : undefined,
      this._currentSource(),
    );
    this._timers.push(handle, ++this._timerSeq);
    return handle;
  }

  /** The running task, else the running handle, else `null`: what a handle created now records as its source. */
  private _currentSource(): Task<unknown> | Handle | null {
    const task = this._currentTask;
    if (task !== null) return task;
    const handle = this._currentHandle;
    if (handle === null || this._handleSources) return handle;
    // Without handle sources every source is a task or null (see `_handleSources`): the handle's own
    // source is its task, or no task for a callback scheduled from outside the loop.
    return handle._source;
  }

  private _checkCallback(callback: unknown, caller: string): void {
    // Small enough to be inlined into the scheduling methods: the callback checked last time, on an open loop.
    if (callback !== this._checkedCallback || this._closed) this._checkNewCallback(callback, caller);
  }

  private _checkNewCallback(callback: unknown, caller: string): void {
    if (!this._closed && typeof callback === "function" && callback.constructor !== GeneratorFunction) {
      this._checkedCallback = callback;
      return;
    }
    if (this._closed) throw new LoopClosedError(caller);
    if (typeof callback !== "function") {
      throw new ArgumentError(
        isGenerator(callback)
          ? `A coroutine object cannot be used as a callback: ${caller}() got a generator. Run it with loop.createTask(coro) instead.`
          : `Expected a function as the callback of ${caller}(), got ${callback === null ? "null" : typeof callback}.`,
      );
    }
    if (callback.constructor === GeneratorFunction) {
      throw new ArgumentError(
        `coroutines cannot be used with ${caller}(): got the generator function \`${callback.name}\`. ` +
          `Run it as a task instead: loop.createTask(${callback.name || "coroutine"}()).`,
      );
    }
  }

  private _checkClosed(action: string): void {
    if (this._closed) throw new LoopClosedError(action);
  }

  private _checkRunning(): void {
    if (this._running) {
      throw new LoopRunningError(
        "LOOP_RUNNING",
        "This event loop is already running. Run calls cannot be nested: inside a task, `yield*` the future; " +
          "inside a callback, schedule the work with callSoon or createTask.",
      );
    }
    if (runningLoopOrNull() !== null) {
      throw new LoopRunningError(
        "ANOTHER_LOOP_RUNNING",
        "Cannot run the event loop while another loop is running. Run one loop at a time, or do the work on the running loop.",
      );
    }
  }

  private _enterRun(): void {
    this._running = true;
    this._policyError = null;
    setRunningLoop(this);
  }

  private _exitRun(): void {
    this._stopping = false;
    this._running = false;
    this._currentHandle = null;
    setRunningLoop(null);
  }

  /** Runs iterations in the given mode; returns true when it ended because it ran out of work. */
  private _run(mode: number, until: number, awaited: Future<unknown> | null): boolean {
    this._enterRun();
    let steps = 0;
    const maxSteps = this._maxSteps;
    try {
      for (;;) {
        if (mode !== MODE_FOREVER && !this._stopping && this._ready.length === 0) {
          this._dropCancelledHead();
          const next = this._timers.peekWhen();
          if (mode === MODE_IDLE ? next === Infinity : next > until) return true;
        }
        if (++steps > maxSteps) throw new StepBudgetExceededError(maxSteps, this._now, this._recentLines());
        this._runOnce(awaited);
        if (this._policyError !== null) this._throwPolicyError();
        if (this._stopping) return false;
      }
    } finally {
      this._exitRun();
    }
  }

  private _dropCancelledHead(): void {
    // The count never under-counts the cancelled timers in the heap: at 0 there is nothing to drop, and
    // the head handle need not even be read.
    if (this._timerCancelledCount <= 0) return;
    const timers = this._timers;
    while (timers.size > 0 && ((timers.peek() as TimerHandle)._flags & FLAG_CANCELLED) !== 0) {
      this._timerCancelledCount--;
      timers.pop()._flags &= ~FLAG_SCHEDULED;
    }
  }

  /**
   * One iteration: asyncio's `_run_once`. Kept small (the timer work is out of line) so that it inlines
   * into the run loop: an iteration with no timer, as in a chain of callbacks, pays for two tests.
   */
  private _runOnce(awaited: Future<unknown> | null = null): void {
    this._iteration++;
    const ready = this._ready;
    if (this._timers.size !== 0) this._collectTimers(awaited);
    else if (ready.length === 0 && !this._stopping) throw this._deadlock(awaited);
    const ntodo = ready.length;
    if (this._levels !== null && this._levels.interleave) {
      this._runBatchInterleaved(ntodo);
    } else {
      for (let i = 0; i < ntodo; i++) {
        const handle = ready.shift();
        if ((handle._flags & FLAG_CANCELLED) === 0) this._dispatch(handle);
      }
    }
    this._currentHandle = null;
  }

  /**
   * The timer half of an iteration: drops cancelled timers (compacting the heap when they dominate),
   * advances the clock to the earliest deadline when nothing is ready, and moves the due timers to the
   * ready queue (through the policy at the ties level).
   */
  private _collectTimers(awaited: Future<unknown> | null): void {
    const timers = this._timers;
    const ready = this._ready;
    if (timers.size > MIN_SCHEDULED_TIMER_HANDLES && this._timerCancelledCount * 2 > timers.size) {
      timers.retain((handle) => {
        if ((handle._flags & FLAG_CANCELLED) === 0) return true;
        handle._flags &= ~FLAG_SCHEDULED;
        return false;
      });
      this._timerCancelledCount = 0;
    } else {
      this._dropCancelledHead();
    }
    if (ready.length === 0 && !this._stopping) {
      if (timers.size === 0) throw this._deadlock(awaited);
      const when = timers.peekWhen();
      if (when > this._now) this._now = when;
    }
    if (this._levels !== null && this._levels.ties) {
      this._moveDueTimersWithPolicy();
    } else {
      const now = this._now;
      while (timers.peekWhen() <= now) {
        const handle = timers.pop();
        handle._flags &= ~FLAG_SCHEDULED;
        ready.push(handle);
      }
    }
  }

  private _dispatch(handle: Handle): void {
    this._currentHandle = handle;
    // The last dispatches are only ever read by the step budget's error: without a budget, the two
    // stores (one a write barrier into an old array) are skipped (measured 9% of a callSoon chain).
    if (this._maxSteps !== Infinity) {
      const slot = this._recentCount++ & (RECENT - 1);
      this._recent[slot] = handle;
      this._recentTimes[slot] = this._now;
    }
    if (this.trace !== null) this._traceDispatch(handle);
    try {
      // A callback or timer with no arguments (flags 0 or 1: no other bit set) is called here directly;
      // going through `_run`'s switches was measured at 10% of a callSoon chain.
      if (handle._flags <= KIND_TIMER) (handle._fn as AnyFunction)();
      else handle._run();
    } catch (error) {
      const task = handle.task;
      this.callExceptionHandler(
        task === null
          ? { message: `Exception in callback ${handle.label}`, exception: error, handle }
          : { message: `Exception in callback ${handle.label}`, exception: error, handle, task },
      );
    }
    // Once it has run, collapse the source to its task: the handles this one scheduled point at it, and
    // it must not in turn keep the handle that scheduled it alive (a chain of callbacks scheduling
    // callbacks would otherwise retain its whole history).
    if (this._handleSources) {
      const source = handle._source;
      if (source !== null && source instanceof Handle) handle._source = source.task;
    }
  }

  private _traceDispatch(handle: Handle): void {
    const kind = handle._flags & KIND_MASK;
    const step = kind === KIND_STEP || kind === KIND_WAKEUP;
    (this.trace as Trace)._recordDispatch(
      this._now,
      this._iteration,
      handle.kind,
      handle.label,
      step ? (handle._a as Task<unknown>).getName() : sourceName(handle._source),
      step ? causeName(handle._source) : undefined,
    );
  }

  private _moveDueTimersWithPolicy(): void {
    const timers = this._timers;
    const ready = this._ready;
    const now = this._now;
    while (timers.size > 0 && (timers.peek() as TimerHandle)._when <= now) {
      const when = (timers.peek() as TimerHandle)._when;
      const group: TimerHandle[] = [];
      // Each timer's insertion counter, kept to put deferred timers back in their order.
      const seqs: number[] = [];
      while (timers.size > 0 && timers.peekWhen() === when) {
        const seq = timers.peekSeq();
        const handle = timers.pop();
        handle._flags &= ~FLAG_SCHEDULED;
        if ((handle._flags & FLAG_CANCELLED) !== 0) this._timerCancelledCount--;
        else {
          group.push(handle);
          seqs.push(seq);
        }
      }
      let firedInGroup = 0;
      while (group.length > 0) {
        const canDefer = firedInGroup > 0;
        const options = group.length + (canDefer ? 1 : 0);
        const pick =
          options < 2
            ? 0
            : this._ask({
                kind: "tie",
                time: now,
                iteration: this._iteration,
                options,
                candidates: group.slice(),
                canDefer,
              });
        if (pick === group.length) {
          for (let i = 0; i < group.length; i++) {
            const handle = group[i] as TimerHandle;
            handle._flags |= FLAG_SCHEDULED;
            timers.push(handle, seqs[i] as number);
          }
          return;
        }
        const [handle] = group.splice(pick, 1);
        seqs.splice(pick, 1);
        ready.push(handle as TimerHandle);
        firedInGroup++;
      }
    }
  }

  private _runBatchInterleaved(ntodo: number): void {
    const batch: Handle[] = [];
    for (let i = 0; i < ntodo; i++) batch.push(this._ready.shift());
    while (batch.length > 0) {
      const heads: Handle[] = [];
      const positions: number[] = [];
      const seen = new Set<unknown>();
      for (let i = 0; i < batch.length; i++) {
        const handle = batch[i] as Handle;
        if ((handle._flags & FLAG_CANCELLED) !== 0) continue;
        const source = handle.source;
        if (seen.has(source)) continue;
        seen.add(source);
        heads.push(handle);
        positions.push(i);
      }
      if (heads.length === 0) return;
      const pick =
        heads.length < 2
          ? 0
          : this._ask({
              kind: "interleave",
              time: this._now,
              iteration: this._iteration,
              options: heads.length,
              candidates: heads,
            });
      const [handle] = batch.splice(positions[pick] as number, 1);
      this._dispatch(handle as Handle);
    }
  }

  private _ask(point: ChoicePoint): number {
    const policy = this._policy as SchedulingPolicy;
    if (this._policyError !== null) return 0;
    let pick: number;
    try {
      pick = policy.choose(point);
    } catch (error) {
      this._failPolicy(
        new PolicyError(`Policy "${policy.name}" threw at a ${point.kind} choice: ${describeError(error)}`, {
          cause: error,
        }),
      );
      return 0;
    }
    if (!Number.isInteger(pick) || pick < 0 || pick >= point.options) {
      this._failPolicy(
        new PolicyError(
          `Policy "${policy.name}" answered ${String(pick)} at a ${point.kind} choice with ${point.options} options ` +
            `(t=${point.time}, iteration ${point.iteration}); answers must be integers in [0, ${point.options}).`,
        ),
      );
      return 0;
    }
    this._record({
      kind: point.kind,
      time: point.time,
      iteration: point.iteration,
      options: point.options,
      pick,
    });
    return pick;
  }

  private _record(record: ChoiceRecord): void {
    this._choices.push(record);
    const trace = this.trace;
    if (trace !== null) {
      trace.record({
        time: record.time,
        iteration: record.iteration,
        kind: "choice",
        source: this._currentTask?.getName() ?? "loop",
        label: record.kind,
        detail: { options: record.options, pick: record.pick },
      });
    }
  }

  /** Keeps the first policy error; the batch finishes in FIFO order and the run call throws it. */
  private _failPolicy(error: PolicyError): void {
    if (this._policyError === null) this._policyError = error;
  }

  private _throwPolicyError(): void {
    const error = this._policyError;
    if (error !== null) {
      this._policyError = null;
      throw error;
    }
  }

  private _throwUnhandled(): void {
    if (this._unhandledMode !== "throw" || this._unhandled.length <= this._unhandledThrowFrom) return;
    const contexts = this._unhandled.slice(this._unhandledThrowFrom);
    this._unhandledThrowFrom = this._unhandled.length;
    throw new UnhandledErrorsError(contexts);
  }

  private _recentLines(): string[] {
    const lines: string[] = [];
    const count = Math.min(this._recentCount, RECENT);
    for (let k = this._recentCount - count; k < this._recentCount; k++) {
      const slot = k & (RECENT - 1);
      const handle = this._recent[slot] as Handle;
      lines.push(`t=${this._recentTimes[slot] as number} ${handle.kind} ${handle.label}`);
    }
    return lines;
  }

  private _deadlock(awaited: Future<unknown> | null): DeadlockError {
    const waiters: DeadlockWaiter[] = [];
    if (awaited !== null && !(awaited instanceof Task) && !awaited.done())
      waiters.push({ task: null, waitsOn: awaited });
    for (let task = this._firstTask; task !== null; task = task._nextTask) {
      waiters.push({ task, waitsOn: task._futWaiter });
    }
    const lines = waiters.map(({ task, waitsOn }) =>
      task === null
        ? `runUntilComplete() waits on ${describeFuture(waitsOn as Future<unknown>)}`
        : `task '${task.getName()}' waits on ${waitsOn === null ? "nothing (never resumed)" : describeFuture(waitsOn as Future<unknown> | TimerHandle)}`,
    );
    return new DeadlockError(this._now, lines, waiters);
  }
}

function describeFuture(future: Future<unknown> | TimerHandle): string {
  if (future instanceof TimerHandle) return `the sleep ${future.toString()}`;
  if (future instanceof Task) return `task '${future.getName()}'`;
  const creator = future._creatorTask();
  const where = creator === null ? "outside any task" : `by task '${creator.getName()}'`;
  return `${future.toString()}, created ${where}`;
}

function sourceName(source: Task<unknown> | Handle | null): string {
  if (source === null) return "main";
  if (source instanceof Task) return source.getName();
  const task = source.task;
  return task !== null ? task.getName() : source.label;
}

/** Who woke a task, for the trace: a task's name, or a callback's label with the task it belongs to. */
function causeName(source: Task<unknown> | Handle | null): string {
  if (source === null) return "main";
  if (source instanceof Task) return source.getName();
  const task = source.task;
  return task === null ? source.label : `${source.label} (${task.getName()})`;
}

function notACoroutine(value: unknown, caller: string): string {
  if (typeof value === "function") {
    const name = value.name || "coroutine";
    return `${caller}() expects a coroutine (a generator object), got the function \`${name}\`. Call it: ${caller}(${name}()).`;
  }
  if (typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function") {
    return (
      `${caller}() got a Promise. Promises and async functions cannot run on virtual time (the JS engine owns the microtask queue): ` +
      "write a generator function (`function*`, with `yield*` where you would `await`) and pass its generator."
    );
  }
  return `${caller}() expects a coroutine (a generator object) or a future, got ${value === null ? "null" : typeof value}.`;
}
