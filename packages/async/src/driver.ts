/**
 * The async driver: runs a loop to the completion of an async main (or a future, or a coroutine) with
 * exact quiescence — each virtual callback dispatched at the start of a real macrotask of its own
 * (see `macrotask.ts`), callback by callback, keeping the loop's iteration semantics (core's
 * `DrivenRun`).
 *
 * One step, always called as a real macrotask:
 * 1. the first step calls main (so its synchronous part and its microtasks run with the loop running);
 * 2. a captured unhandled rejection or uncaught exception, or the watchdog, ends the run as a failure;
 * 3. once main settled and the iteration it settled in has dispatched all its callbacks, the run ends
 *    (a settled main never truncates its siblings, as `stop()`);
 * 4. otherwise the next callback is dispatched and the next step queued. Nothing scheduled on virtual
 *    time with main pending is an {@link AsyncDeadlockError} naming the real resources pending.
 *
 * @module
 */
import {
  DeadlockError,
  Future,
  LoopStoppedError,
  isGenerator,
  type Coroutine,
  type DrivenRun,
  type EventLoop,
} from "@simloop/core";
import { thenableAdapter } from "./bridges.ts";
import { AsyncDeadlockError, UncaughtExceptionError, UnhandledRejectionError, WatchdogTimeoutError } from "./errors.ts";
import { activeResources, resourcesSince } from "./internal/resources.ts";
import { MacrotaskPoster, realNow } from "./macrotask.ts";

/** What an async run can wait on: an async function (called inside the run), a Promise, a future or a coroutine. */
export type AsyncMain<T> = ((loop: EventLoop) => T | PromiseLike<T>) | PromiseLike<T> | Future<T> | Coroutine<T>;

/** Options of {@link runUntilCompleteAsync}. */
export interface DriveOptions {
  /**
   * A bound in real milliseconds on the run's duration: past it the run fails with a
   * {@link WatchdogTimeoutError}. Default: none.
   */
  readonly watchdog?: number;
  /** @internal The installed globals' view of the unref'd timers (see `VirtualGlobals`), or none. */
  readonly _unrefTimers?: UnrefTimers;
}

/** @internal How many of the loop's pending timers are unref'd virtual ones, and which. */
export interface UnrefTimers {
  count(): number;
  describe(): string[];
}

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;

let poster: MacrotaskPoster | null = null;
let current: Driver<unknown> | null = null;

function onMacrotask(): void {
  current?._step();
}

function stopLoop(future: Future<unknown>): void {
  future.getLoop().stop();
}

/** @internal One run of the driver. */
class Driver<T> {
  private readonly _loop: EventLoop;
  private readonly _run: DrivenRun;
  private readonly _resolve: (value: T) => void;
  private readonly _reject: (error: unknown) => void;
  private readonly _future: Future<T> | null;
  private readonly _newTask: boolean;
  private _mainFn: ((loop: EventLoop) => T | PromiseLike<T>) | null;
  private _promise: PromiseLike<T> | null;
  private _state = PENDING;
  private _value: T | undefined;
  private _error: unknown;
  private _captured: unknown = null;
  private _done = false;
  private _dispatched = 0;
  private readonly _watchdog: number;
  private readonly _unref: UnrefTimers | null;
  private readonly _startedAt: number;
  private _resourcesAtStart: Map<string, number> = new Map();
  private readonly _savedRejection: ((...args: unknown[]) => void)[];
  private readonly _savedException: ((...args: unknown[]) => void)[];
  private readonly _onRejection = (reason: unknown): void => {
    this._captured ??= new UnhandledRejectionError(reason, this._loop.time());
  };
  private readonly _onException = (error: unknown): void => {
    this._captured ??= new UncaughtExceptionError(error, this._loop.time());
  };

  constructor(
    loop: EventLoop,
    main: AsyncMain<T>,
    options: DriveOptions,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    this._loop = loop;
    this._resolve = resolve;
    this._reject = reject;
    this._watchdog = options.watchdog ?? Infinity;
    this._unref = options._unrefTimers ?? null;
    this._mainFn = null;
    this._promise = null;
    let future: Future<T> | null = null;
    this._newTask = false;
    if (main instanceof Future) future = main;
    else if (isGenerator(main)) {
      future = loop.createTask(main as Coroutine<T>);
      this._newTask = true;
    } else if (typeof main === "function") this._mainFn = main as (loop: EventLoop) => T | PromiseLike<T>;
    else this._promise = main as PromiseLike<T>;
    this._future = future;
    this._run = loop.beginDrivenRun(
      future === null
        ? { foreignAwaitable: thenableAdapter(loop) }
        : { awaited: future, foreignAwaitable: thenableAdapter(loop) },
    );
    if (future !== null) future.addDoneCallback(stopLoop);
    else if (this._promise !== null) this._track(this._promise);
    this._savedRejection = process.listeners("unhandledRejection") as ((...args: unknown[]) => void)[];
    this._savedException = process.listeners("uncaughtException") as ((...args: unknown[]) => void)[];
    process.removeAllListeners("unhandledRejection");
    process.removeAllListeners("uncaughtException");
    process.on("unhandledRejection", this._onRejection);
    process.on("uncaughtException", this._onException);
    this._startedAt = realNow();
  }

  private _track(promise: PromiseLike<T>): void {
    Promise.resolve(promise).then(
      (value) => {
        this._state = FULFILLED;
        this._value = value;
      },
      (error: unknown) => {
        this._state = REJECTED;
        this._error = error;
      },
    );
  }

  /** The macrotask: one dispatch (see the module header). */
  _step(): void {
    if (this._done) return;
    try {
      const mainFn = this._mainFn;
      if (mainFn !== null) {
        this._mainFn = null;
        let result: T | PromiseLike<T>;
        try {
          result = mainFn(this._loop);
        } catch (error) {
          result = Promise.reject(error);
        }
        this._promise = Promise.resolve(result);
        this._track(this._promise);
        (poster as MacrotaskPoster).post();
        return;
      }
      if (this._captured !== null) {
        this._finish(this._captured);
        return;
      }
      if (this._watchdog !== Infinity && realNow() - this._startedAt > this._watchdog) {
        this._finish(new WatchdogTimeoutError(this._watchdog, this._loop.time(), this._dispatched));
        return;
      }
      if (this._future === null && this._state !== PENDING && this._run.betweenIterations) {
        this._finish(null);
        return;
      }
      if (this._unref !== null && this._onlyUnrefTimers()) {
        const loop = this._loop;
        this._finish(
          new AsyncDeadlockError(
            new DeadlockError(loop.time(), []),
            resourcesSince(this._resourcesAtStart),
            this._unref.describe(),
          ),
        );
        return;
      }
      if (!this._run.dispatchNext()) {
        this._finish(null);
        return;
      }
      this._dispatched++;
      (poster as MacrotaskPoster).post();
    } catch (error) {
      this._finish(
        error instanceof DeadlockError ? new AsyncDeadlockError(error, resourcesSince(this._resourcesAtStart)) : error,
      );
    }
  }

  /** Whether nothing is ready and every pending timer is an unref'd virtual one: Node would exit. */
  private _onlyUnrefTimers(): boolean {
    const loop = this._loop;
    if (!this._run.betweenIterations) return false;
    const pending = loop.pendingTimerCount();
    return pending > 0 && pending === (this._unref as UnrefTimers).count() && loop.peek() > loop.time();
  }

  private _finish(error: unknown): void {
    this._done = true;
    current = null;
    (poster as MacrotaskPoster).close();
    process.removeListener("unhandledRejection", this._onRejection);
    process.removeListener("uncaughtException", this._onException);
    for (const listener of this._savedRejection) process.on("unhandledRejection", listener);
    for (const listener of this._savedException) process.on("uncaughtException", listener);
    const future = this._future;
    if (future !== null) future.removeDoneCallback(stopLoop);
    this._run.end();
    if (error !== null) {
      if (this._newTask && future !== null && future.done() && !future.cancelled()) future.exception();
      this._reject(error);
      return;
    }
    try {
      let value: T;
      if (future !== null) {
        if (!future.done()) throw new LoopStoppedError();
        value = future.result();
      } else {
        if (this._state === PENDING) throw new LoopStoppedError();
        if (this._state === REJECTED) throw this._error;
        value = this._value as T;
      }
      this._run.throwUnhandled();
      this._resolve(value);
    } catch (failure) {
      this._reject(failure);
    }
  }

  /** Begins driving. */
  _start(): void {
    poster ??= new MacrotaskPoster(onMacrotask);
    current = this as Driver<unknown>;
    poster.open();
    // Taken with the driver's own port open, so that it is not counted as an escape.
    this._resourcesAtStart = activeResources();
    poster.post();
  }
}

/**
 * Runs `loop` in async mode until `main` settles and returns its value (the loop's
 * `runUntilComplete`, for async code). `main` is an async function (called with the loop inside the
 * run's first macrotask), a Promise, a future of the loop, or a coroutine (wrapped in a task).
 *
 * Each virtual callback is dispatched from a real macrotask of its own, so every promise continuation
 * it causes runs before the next one (exact quiescence); the loop's iteration semantics are kept. While
 * the run lasts, a generator task may `yield* fromPromise(promise)`, and unhandled rejections and
 * uncaught exceptions are captured as the run's failure (the test runner's handlers never see them).
 * This does not install the virtual globals: use {@link runAsync}, or install them and bind them to
 * `loop` yourself.
 *
 * @throws (as a rejection) main's error; {@link AsyncDeadlockError} when main is pending and nothing is
 * scheduled on virtual time; {@link UnhandledRejectionError}, {@link UncaughtExceptionError},
 * {@link WatchdogTimeoutError}; and what `runUntilComplete` throws: `LoopStoppedError`,
 * `StepBudgetExceededError`, `PolicyError`, `UnhandledErrorsError`, `LoopRunningError`, `LoopClosedError`.
 *
 * @example
 * ```ts
 * const loop = new EventLoop();
 * const value = await runUntilCompleteAsync(loop, async () => {
 *   await toPromise(loop.createTask(worker()));
 *   return loop.time();
 * });
 * ```
 */
export function runUntilCompleteAsync<T>(loop: EventLoop, main: AsyncMain<T>, options: DriveOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const driver = new Driver<T>(loop, main, options, resolve, reject);
    driver._start();
  });
}
