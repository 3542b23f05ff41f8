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
 * the loop never builds a choice point (the FIFO fast path). Around this file: the run calls in
 * `run-until.ts`, the policy's choice points in `choice-points.ts`, the exception handler in
 * `exception-handler.ts`, the deadlock report in `deadlock-report.ts`, the handles tasks and futures
 * schedule (steps, wake-ups, done callbacks) in `internal-handles.ts`.
 *
 * @module
 */
import {
  beginDrivenRun,
  type DrivenRun,
  type DrivenRunOptions,
  type DrivenState,
  type ForeignAwaitable,
} from "./driven-run.ts";
import { drawJitter, moveDueTimersWithPolicy, offerDelivery, runBatchInterleaved } from "./choice-points.ts";
import { dropCancelledHead, dropCancelledTimers } from "./cancelled-timers.ts";
import { deadlockError } from "./deadlock-report.ts";
import { requestDelivery, type PendingDelivery } from "./delivery.ts";
import {
  ArgumentError,
  CloseRunningLoopError,
  LoopClosedError,
  PolicyError,
  badDelayError,
  notACallbackMessage,
  notACoroutineMessage,
} from "./errors.ts";
import { describeValue } from "./describe.ts";
import {
  callExceptionHandler,
  defaultExceptionHandler,
  type ExceptionContext,
  type ExceptionHandler,
  type UnhandledMode,
} from "./exception-handler.ts";
import { Future } from "./future.ts";
import { currentSource, scheduleStep } from "./internal-handles.ts";
import { addPendingTask, pendingTasks } from "./pending-tasks.ts";
import {
  ARGC_ARRAY,
  ARGC_SHIFT,
  FLAG_CANCELLED,
  FLAG_SCHEDULED,
  Handle,
  KIND_CALLBACK,
  KIND_TIMER,
  TimerHandle,
} from "./handle.ts";
import { ChoiceLog } from "./choice-log.ts";
import type { ChoiceRecord, PolicyLevels, SchedulingPolicy } from "./policy.ts";
import { Random } from "./random.ts";
import { ReadyQueue } from "./ready-queue.ts";
import {
  MODE_FOREVER,
  MODE_IDLE,
  recordRecent,
  runFor,
  runInMode,
  runUntilComplete,
  runUntilTime,
  step,
} from "./run-until.ts";
import { Task, isGenerator, isGeneratorFunction, type Coroutine, type TaskOptions } from "./task.ts";
import { TimerQueue } from "./timer-queue.ts";
import { Uncertain, drawDelay } from "./uncertain.ts";
import { NO_EXCEPTION } from "./waitable.ts";
import { Trace, recordNote, traceInstrument } from "./trace.ts";
import { checkOptions, type EventLoopOptions, type RunUntilOptions } from "./loop-options.ts";
import { addInstrument, type Instrument, type Instruments } from "./instrument.ts";

// biome-ignore lint: callbacks take any arguments
type AnyFunction = (...args: any[]) => unknown;

/** The default `maxUnretrieved`: enough for any report, about 1 MB of failed tasks at most. */
const DEFAULT_MAX_UNRETRIEVED = 1000;

/** What `_checkedCallback` holds before any callback passed the check: no value a caller can pass. */
const UNCHECKED: unknown = Object.freeze({});

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
  /** @internal The handle being dispatched, if any (in a driven run: the last one dispatched). */
  _currentHandle: Handle | null = null;
  /** @internal What a task's foreign yield becomes during a driven run (see `driven-run.ts`), else `null`. */
  _foreignAwaitable: ForeignAwaitable | null = null;
  /** @internal The state of the driven run in progress, if any (see `driven-run.ts`). */
  _driven: DrivenState | null = null;
  /** @internal The instruments, or `null` when there is none (each instrumented point tests only this). */
  _instruments: Instruments | null = null;

  /** @internal Below, members without `private` are read by the files the loop is split into. */
  _now: number;
  _iteration = 0;
  readonly _ready: ReadyQueue = new ReadyQueue();
  readonly _timers: TimerQueue = new TimerQueue();
  private _timerSeq = 0;
  _timerCancelledCount = 0;
  _stopping = false;
  _running = false;
  _closed = false;
  private _taskCounter = 0;
  private _tasksCreated = 0;
  // The pending tasks, in creation order (see `pending-tasks.ts`).
  _firstTask: Task<unknown> | null = null;
  _lastTask: Task<unknown> | null = null;
  _unretrieved: Set<Future<unknown>> | null = null;
  readonly _maxUnretrieved: number;
  _unretrievedDropped = 0;
  private _exceptionHandler: ExceptionHandler | null = null;
  readonly _unhandled: ExceptionContext[] = [];
  _unhandledThrowFrom = 0;
  readonly _unhandledMode: UnhandledMode;
  readonly _maxSteps: number;
  readonly _policy: SchedulingPolicy | null;
  readonly _levels: PolicyLevels | null;
  readonly _choices: ChoiceLog = new ChoiceLog();
  _policyError: PolicyError | null = null;
  /** Completions requested with `deliver` and not delivered yet, in request order (`null` until the first). */
  _deliveries: PendingDelivery[] | null = null;
  /** Set for one iteration when the run call's bound is before the next timer: a delivery may not wait for it. */
  _timersOutOfReach = false;
  // The last dispatches, for the step-budget error (slot order from 0: packed arrays); only with a budget.
  readonly _recent: Handle[] = [];
  readonly _recentTimes: number[] = [];
  _recentCount = 0;
  /**
   * Whether a handle scheduled by a running handle records it as its source (else its task): only the interleave
   * level and the trace tell them apart; without them, no source is collapsed after a dispatch (decision 0017).
   */
  readonly _handleSources: boolean;
  /** Set by a run call with no policy and no step budget: a sleep may wake its task in place (decision 0039). */
  _wakeInPlace = false;
  /**
   * The last callback that passed {@link EventLoop._checkCallback}: rescheduling the same function (a chain, a
   * periodic timer) skips the generator-function test, whose prototype lookup showed in a callSoon chain (0017).
   */
  private _checkedCallback: unknown = UNCHECKED;

  constructor(options: EventLoopOptions = {}) {
    const {
      seed = 0,
      policy,
      trace,
      maxSteps = Infinity,
      unhandled = "log",
      startTime = 0,
      maxUnretrieved = DEFAULT_MAX_UNRETRIEVED,
    } = options;
    checkOptions(startTime, maxSteps, maxUnretrieved, unhandled);
    if (options.recordChoices === false) this._choices.off();
    this._now = startTime;
    this.random = new Random(seed);
    this.trace = trace === undefined || trace === false ? null : new Trace(trace === true ? {} : trace);
    this._maxSteps = maxSteps;
    this._maxUnretrieved = maxUnretrieved;
    this._unhandledMode = unhandled;
    const levels = policy?.levels;
    const active =
      levels !== undefined &&
      (levels.ties || levels.interleave || levels.jitter || levels.faults || levels.io === true);
    this._policy = active ? (policy as SchedulingPolicy) : null;
    this._levels = active ? (levels as PolicyLevels) : null;
    this._handleSources = this.trace !== null || (active && (levels as PolicyLevels).interleave);
    if (this.trace !== null) this.addInstrument(traceInstrument(this.trace, this));
    for (const instrument of options.instruments ?? []) this.addInstrument(instrument);
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
    if (argc === 0) handle = new Handle(KIND_CALLBACK, callback, undefined, undefined, currentSource(this));
    else if (argc === 1)
      handle = new Handle(KIND_CALLBACK | (1 << ARGC_SHIFT), callback, arguments[1], undefined, currentSource(this));
    else if (argc === 2)
      handle = new Handle(KIND_CALLBACK | (2 << ARGC_SHIFT), callback, arguments[1], arguments[2], currentSource(this));
    else
      handle = new Handle(
        KIND_CALLBACK | (ARGC_ARRAY << ARGC_SHIFT),
        callback,
        Array.prototype.slice.call(arguments, 1),
        undefined,
        currentSource(this),
      );
    this._ready.push(handle);
    if (this._instruments !== null) this._instruments.scheduled(handle);
    return handle;
  }

  /**
   * Schedules `callback(...args)` at `time() + delay` (negative: due at once; `uncertain`: drawn now, followed).
   * @throws {@link ArgumentError} for a non-finite delay; {@link LoopClosedError} on a closed loop.
   */
  callLater<A extends unknown[]>(delay: number | Uncertain, callback: (...args: A) => unknown, ...args: A): TimerHandle;
  callLater(delay: number | Uncertain, callback: AnyFunction): TimerHandle {
    // One finiteness test covers a bad delay and an overflowing deadline (the deadline the heap holds).
    if (typeof delay !== "number") delay = drawDelay(this, delay);
    const when = this._now + delay;
    if (!Number.isFinite(when)) throw badDelayError(delay, this._now);
    const argc = arguments.length - 2;
    return this._callAt(
      when,
      callback,
      argc,
      argc > 2 ? Array.prototype.slice.call(arguments, 2) : arguments[2],
      arguments[3],
      "callLater",
    );
  }

  /**
   * Schedules `callback(...args)` at virtual time `when` (past: due at once; `uncertain`: drawn now, followed).
   * @throws {@link ArgumentError} for a non-finite time; {@link LoopClosedError} on a closed loop.
   */
  callAt<A extends unknown[]>(when: number | Uncertain, callback: (...args: A) => unknown, ...args: A): TimerHandle;
  callAt(when: number | Uncertain, callback: AnyFunction): TimerHandle {
    if (typeof when !== "number" && when instanceof Uncertain) when = this._now + drawDelay(this, when, true);
    if (typeof when !== "number" || !Number.isFinite(when)) {
      throw new ArgumentError(
        `Expected \`when\` to be a finite number, got \`${describeValue(when)}\` (${typeof when}).`,
      );
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
    if (!isGenerator(coro)) throw new ArgumentError(notACoroutineMessage(coro, "createTask"));
    const name = options.name ?? ++this._taskCounter;
    const task = new Task<T>(this, coro, name, options.cancellable === true);
    this._tasksCreated++;
    addPendingTask(this, task as Task<unknown>);
    scheduleStep(this, task as Task<unknown>, NO_EXCEPTION);
    if (this._instruments !== null) this._instruments.taskCreated(task as Task<unknown>);
    return task;
  }

  /** The number of tasks created on this loop so far (done or not). */
  get tasksCreated(): number {
    return this._tasksCreated;
  }

  /** Every task of this loop that is not done yet, in creation order. */
  allTasks(): Set<Task<unknown>> {
    return pendingTasks(this);
  }

  /** The task whose step is running now, or `null`. */
  currentTask(): Task<unknown> | null {
    return this._currentTask;
  }

  /**
   * Draws a duration the program declares uncertain, in `[min, max]`: the policy's pick at the `jitter` level
   * (recorded), else `min`. Prefer `uncertain(min, max)` given to the timer: the loop can follow that one.
   * @throws {@link ArgumentError} unless `min` and `max` are finite with `min <= max`.
   */
  jitter(min: number, max: number): number {
    return drawJitter(this, min, max);
  }

  /**
   * Requests a completion delivered at a moment the scheduling policy picks, with no virtual time
   * attached: the clockless choice for I/O (a request whose reply arrives "some time later", with no
   * latency to guess). Returns a future that the loop settles with `complete()`'s result (or rejects
   * with what it throws) when the completion is delivered; `complete` runs then, in a callback of its
   * own, so its effects happen at that moment of the schedule.
   *
   * A completion is delivered only when nothing is ready at the current instant. Under a policy with the
   * `io` level the policy picks which pending completion comes next, or lets the next timer fire first (a
   * `delivery` choice point, letter `d` in a schedule); otherwise the oldest is delivered at once. A
   * pending delivery keeps the loop from deadlocking; cancelling the future (or the task waiting on it)
   * withdraws it, and `complete` never runs.
   *
   * @throws {@link LoopClosedError} on a closed loop; {@link ArgumentError} if `complete` is not a function.
   * @example
   * ```ts
   * function* fetchUser(loop: EventLoop, db: Map<string, string>, id: string) {
   *   // the reply's content is read when the reply arrives, in an order the policy picks
   *   return yield* loop.deliver(() => db.get(id), { label: `get ${id}` });
   * }
   * ```
   */
  deliver<T>(complete: () => T, options: { readonly label?: string } = {}): Future<T> {
    this._checkClosed("deliver");
    return requestDelivery(this, complete, options.label ?? "io");
  }

  /**
   * Adds an observer of the run (see {@link Instrument}), called after those added before; twice is once.
   * @throws {@link ArgumentError} if `instrument` is not an object.
   */
  addInstrument(instrument: Instrument): void {
    this._instruments = addInstrument(this._instruments, instrument);
  }

  /** Removes an instrument added before; returns false if it was not there. */
  removeInstrument(instrument: Instrument): boolean {
    const instruments = this._instruments;
    if (instruments === null || !instruments.remove(instrument)) return false;
    if (instruments._all.length === 0) this._instruments = null;
    return true;
  }

  /** Every answer the policy gave on this loop, in order (empty without a policy, or with `recordChoices: false`). */
  choiceLog(): readonly ChoiceRecord[] {
    return this._choices.records();
  }

  /** Records a `note` event in the trace (if tracing), attributed to the running task. */
  note(label: string, detail?: unknown): void {
    if (this.trace !== null) recordNote(this.trace, this, label, detail);
  }

  // ---------------------------------------------------------------- running

  /**
   * Runs until `future` is done and returns its result (or throws its exception). A coroutine is wrapped
   * in a task first. The loop stops at the end of the iteration in which the future's done callbacks run.
   * @throws {@link LoopStoppedError} if the loop stopped first; {@link DeadlockError} if nothing can
   * complete it; {@link LoopRunningError}, {@link LoopClosedError} on misuse.
   */
  runUntilComplete<T>(future: Future<T> | Coroutine<T>): T {
    return runUntilComplete(this, future);
  }

  /**
   * Runs until `stop()` is called. `stop()` before `runForever()` runs exactly one iteration.
   * @throws {@link DeadlockError} when nothing is left to run and nothing stops the loop (asyncio would
   * block forever); {@link LoopRunningError}, {@link LoopClosedError} on misuse.
   */
  runForever(): void {
    runInMode(this, MODE_FOREVER, "runForever");
  }

  /**
   * Runs until no callback is ready and no timer is pending, then returns (SimPy's `run()`). Honours
   * `stop()`.
   */
  runUntilIdle(): void {
    runInMode(this, MODE_IDLE, "runUntilIdle");
  }

  /**
   * Runs every callback due at or before virtual time `when` (including those they schedule at or before
   * `when`), then sets the clock to `when` (inclusive, like fake timers' `tick`). With
   * `{ inclusive: false }`, timers due at exactly `when` are left pending, as SimPy's `run(until=when)`
   * leaves the events at `when`; callbacks made ready before `when` still run.
   * Returns early, without moving the clock, if `stop()` is called.
   * @throws {@link ArgumentError} if `when` is not finite or is before the current time.
   *
   * @example
   * ```ts
   * loop.callLater(5, () => console.log("at 5"));
   * loop.runUntilTime(5, { inclusive: false }); // prints nothing; loop.time() === 5
   * loop.runUntilTime(5); // prints "at 5"
   * ```
   */
  runUntilTime(when: number, options: RunUntilOptions = {}): void {
    runUntilTime(this, when, options.inclusive !== false);
  }

  /**
   * Runs for `duration` units of virtual time: `runUntilTime(time() + duration, options)`.
   * @throws {@link ArgumentError} if `duration` is negative or not finite.
   */
  runFor(duration: number, options: RunUntilOptions = {}): void {
    runFor(this, duration, options.inclusive !== false);
  }

  /**
   * Runs exactly one iteration (one batch) and returns true, or returns false without running when
   * nothing is ready and no timer is pending (SimPy's `step()`).
   */
  step(): boolean {
    return step(this);
  }

  /**
   * Begins a run driven from outside, one callback at a time ({@link DrivenRun}): what an asynchronous
   * driver uses to dispatch each callback from a real macrotask of its own. The loop keeps its iteration
   * semantics; it is running until `run.end()`.
   * @throws {@link LoopRunningError}, {@link LoopClosedError} on misuse, as the run calls.
   *
   * @example
   * ```ts
   * const run = loop.beginDrivenRun();
   * try { while (run.dispatchNext()) {} } finally { run.end(); }
   * ```
   */
  beginDrivenRun(options: DrivenRunOptions = {}): DrivenRun {
    return beginDrivenRun(this, options);
  }

  /** The number of timers scheduled and not cancelled (`callLater`, `callAt`, sleeps): what keeps the clock going. */
  pendingTimerCount(): number {
    return this._timers.size - this._timerCancelledCount;
  }

  /** The virtual time of the next event: now if a callback is ready, the earliest timer, or `Infinity`. */
  peek(): number {
    if (this._closed) return Infinity;
    if (this._ready.length > 0) return this._now;
    dropCancelledHead(this);
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
    defaultExceptionHandler(this, context);
  }

  /**
   * Reports an error to the exception handler (the custom one if set, else the default). If the custom
   * handler throws, the default handler reports that, and the loop goes on.
   */
  callExceptionHandler(context: ExceptionContext): void {
    callExceptionHandler(this, context);
  }

  /** The contexts the default handler received, oldest first. */
  unhandledErrors(): readonly ExceptionContext[] {
    return this._unhandled;
  }

  /**
   * Futures and tasks that finished with an exception nobody retrieved (with `result()`, `exception()`
   * or by awaiting them), in the order they failed. asyncio reports these when they are
   * garbage-collected; here they can be read. At most `maxUnretrieved` (an option, default 1000) are
   * kept: see {@link EventLoop.unretrievedDropped} for the others.
   */
  unretrievedFutures(): Future<unknown>[] {
    return this._unretrieved === null ? [] : [...this._unretrieved];
  }

  /**
   * How many failed futures and tasks whose exception nobody has retrieved are *not* listed by
   * {@link EventLoop.unretrievedFutures}, because the list was full (`maxUnretrieved`). The loop keeps
   * no reference to them; one retrieved later stops counting.
   */
  get unretrievedDropped(): number {
    return this._unretrievedDropped;
  }

  /** A readable description, such as `<EventLoop running t=3>`. */
  toString(): string {
    return `<EventLoop ${this._closed ? "closed" : this._running ? "running" : "idle"} t=${this._now} iteration=${this._iteration}>`;
  }

  // ---------------------------------------------------------------- internals used by futures and tasks

  /** @internal */
  _timerHandleCancelled(): void {
    this._timerCancelledCount++;
  }

  /**
   * @internal Arms a waitable timer (created unarmed, see `waitable-timer.ts`) at `time() + delay`,
   * exactly as `callLater(delay, …)` would schedule a new one.
   */
  _armTimer(handle: TimerHandle, delay: number): void {
    this._checkCallback(handle._fn, "callLater");
    const when = this._now + delay;
    if (!Number.isFinite(when)) throw badDelayError(delay, this._now);
    handle._loop = this;
    handle._when = when;
    handle._source = currentSource(this);
    handle._flags |= FLAG_SCHEDULED;
    this._timers.push(handle, ++this._timerSeq);
    if (this._instruments !== null) this._instruments.scheduled(handle);
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
      currentSource(this),
    );
    this._timers.push(handle, ++this._timerSeq);
    if (this._instruments !== null) this._instruments.scheduled(handle);
    return handle;
  }

  private _checkCallback(callback: unknown, caller: string): void {
    // Small enough to be inlined into the scheduling methods: the callback checked last time, on an open loop.
    if (callback !== this._checkedCallback || this._closed) this._checkNewCallback(callback, caller);
  }

  private _checkNewCallback(callback: unknown, caller: string): void {
    if (!this._closed && typeof callback === "function" && !isGeneratorFunction(callback)) {
      this._checkedCallback = callback;
      return;
    }
    if (this._closed) throw new LoopClosedError(caller);
    throw new ArgumentError(notACallbackMessage(callback, caller, isGenerator(callback)));
  }

  private _checkClosed(action: string): void {
    if (this._closed) throw new LoopClosedError(action);
  }

  /**
   * @internal One iteration: asyncio's `_run_once`. Kept small (the timer work is out of line) so that it inlines
   * into the run loop: an iteration with no timer, as in a chain of callbacks, pays for two tests.
   */
  _runOnce(awaited: Future<unknown> | null): void {
    this._iteration++;
    const ready = this._ready;
    if (this._timers.size !== 0) this._collectTimers(awaited);
    else if (ready.length === 0 && !this._stopping && (this._deliveries === null || !offerDelivery(this, false)))
      throw deadlockError(this, awaited);
    const ntodo = ready.length;
    if (this._levels !== null && this._levels.interleave) {
      runBatchInterleaved(this, ntodo);
    } else {
      for (let i = 0; i < ntodo; i++) {
        const handle = ready.shift();
        if ((handle._flags & FLAG_CANCELLED) === 0) this._dispatch(handle);
      }
    }
    this._currentHandle = null;
  }

  /**
   * @internal The timer half of an iteration: drops cancelled timers (compacting the heap when they dominate),
   * advances the clock to the earliest deadline when nothing is ready, and moves the due timers to the
   * ready queue (through the policy at the ties level).
   */
  _collectTimers(awaited: Future<unknown> | null): void {
    const timers = this._timers;
    const ready = this._ready;
    if (this._timerCancelledCount !== 0) dropCancelledTimers(this);
    if (
      ready.length === 0 &&
      !this._stopping &&
      (this._deliveries === null || !offerDelivery(this, timers.size > 0 && !this._timersOutOfReach))
    ) {
      if (timers.size === 0) throw deadlockError(this, awaited);
      const when = timers.peekWhen();
      if (when > this._now) this._now = when;
    }
    if (this._levels !== null && this._levels.ties) {
      moveDueTimersWithPolicy(this);
    } else {
      const now = this._now;
      for (let next = timers.peekWhen(); next <= now; next = timers.peekWhen()) ready.push(timers.popUnscheduled());
    }
  }

  /** @internal Runs one handle, reporting what it throws to the exception handler. */
  _dispatch(handle: Handle): void {
    this._currentHandle = handle;
    // The last dispatches are only ever read by the step budget's error: without a budget, the two
    // stores (one a write barrier into an old array) are skipped (decision 0017).
    if (this._maxSteps !== Infinity) recordRecent(this, handle);
    const instruments = this._instruments;
    if (instruments !== null) instruments.beforeDispatch(handle);
    try {
      // A callback or timer with no arguments (flags 0 or 1: no other bit set) is called here directly;
      // going through `_run`'s switches costs (decision 0017).
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
    if (instruments !== null) instruments.afterDispatch(handle);
    // Once it has run, collapse the source to its task: the handles this one scheduled point at it, and
    // it must not in turn keep the handle that scheduled it alive (a chain of callbacks scheduling
    // callbacks would otherwise retain its whole history).
    if (this._handleSources) {
      const source = handle._source;
      if (source !== null && source instanceof Handle) handle._source = source.task;
    }
  }
}
