/**
 * The errors `@simloop/async` throws. Each extends core's `SimloopError` through {@link AsyncModeError},
 * except {@link AsyncDeadlockError}, which is a core `DeadlockError` (so code that classifies deadlocks
 * classifies it too) with what async mode knows in addition: the real resources pending.
 *
 * @module
 */
import { DeadlockError, SimloopError } from "@simloop/core";

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The base class of the errors `@simloop/async` throws.
 *
 * @example
 * ```ts
 * try { await runAsync(main); } catch (e) { if (e instanceof AsyncModeError) console.log(e.code); }
 * ```
 */
export class AsyncModeError extends SimloopError {
  override readonly name: string = "AsyncModeError";
}

/**
 * Main is still pending but nothing is scheduled on virtual time: it waits on something that virtual
 * time will never bring. Either a promise nothing will settle (a deadlock), or an escape from virtual
 * time: a real timer (one captured before the globals were installed), a real socket or file. `realResources`
 * lists the real resources that appeared since the run began (`process.getActiveResourcesInfo()`).
 *
 * @example
 * ```ts
 * try { await runAsync(main); } catch (e) { if (e instanceof AsyncDeadlockError) console.log(e.realResources); }
 * ```
 */
export class AsyncDeadlockError extends DeadlockError {
  override readonly name: string = "AsyncDeadlockError";
  /** The real resources pending now that were not at the run's start, such as `Timeout` or `FSReqCallback`. */
  readonly realResources: readonly string[];
  /** The `unref()`'d virtual timers pending, when only they were left (Node would exit there). */
  readonly unrefTimers: readonly string[];

  constructor(cause: DeadlockError, realResources: readonly string[], unrefTimers: readonly string[] = []) {
    super(cause.time, cause.pending, cause.waiters);
    this.realResources = realResources;
    this.unrefTimers = unrefTimers;
    const tasks =
      cause.pending.length > 0
        ? `\nPending on the loop:\n${cause.pending.map((line) => `  - ${line}`).join("\n")}`
        : "";
    const escape =
      realResources.length > 0
        ? `\nReal resources pending that were not at the start of the run (it escaped virtual time):\n` +
          realResources.map((line) => `  - ${line}`).join("\n") +
          "\nA real `Timeout` is a timer created with a setTimeout/setInterval captured before install() " +
          "(e.g. `const { setTimeout } = globalThis` at import time) or excluded by `toFake`; other kinds are real I/O. " +
          "Install the globals before importing that code, or give the run a fake for the I/O."
        : "\nNo real resource is pending either: main awaits a promise that nothing will ever settle (a deadlock).";
    const what =
      unrefTimers.length > 0
        ? "only unref()'d timers are scheduled on virtual time, so Node would exit here:\n" +
          unrefTimers.map((line) => `  - ${line}`).join("\n")
        : "nothing is scheduled on virtual time.";
    this.message = `Async deadlock at t=${cause.time}: main is still pending and ${what}` + tasks + escape;
  }
}

/**
 * A promise was rejected with no handler during a run (Node's `unhandledRejection`). The run captures
 * it (the test runner's own handler never sees it) and fails with it, as Node's default mode would.
 *
 * @example
 * ```ts
 * try { await runAsync(main); } catch (e) { if (e instanceof UnhandledRejectionError) console.log(e.reason); }
 * ```
 */
export class UnhandledRejectionError extends AsyncModeError {
  override readonly name: string = "UnhandledRejectionError";
  /** What the promise was rejected with. */
  readonly reason: unknown;
  /** The virtual time at which the rejection was seen. */
  readonly time: number;

  constructor(reason: unknown, time: number) {
    super(
      "UNHANDLED_REJECTION",
      `A promise was rejected with no handler at t=${time}: ${describeError(reason)}. ` +
        "Await it, or attach a .catch() before the callback that rejects it returns.",
      { cause: reason },
    );
    this.reason = reason;
    this.time = time;
  }
}

/**
 * An exception escaped a microtask or `process.nextTick` callback during a run (Node's
 * `uncaughtException`). The run captures it and fails with it, as Node would crash.
 *
 * @example
 * ```ts
 * try { await runAsync(main); } catch (e) { if (e instanceof UncaughtExceptionError) console.log(e.error); }
 * ```
 */
export class UncaughtExceptionError extends AsyncModeError {
  override readonly name: string = "UncaughtExceptionError";
  /** The exception. */
  readonly error: unknown;
  /** The virtual time at which it was seen. */
  readonly time: number;

  constructor(error: unknown, time: number) {
    super(
      "UNCAUGHT_EXCEPTION",
      `An exception escaped a microtask or nextTick callback at t=${time}: ${describeError(error)}. Catch it where it is thrown.`,
      { cause: error },
    );
    this.error = error;
    this.time = time;
  }
}

/**
 * Main settled while ref'd timers or immediates were still pending (`unref()`'d timers and intervals do
 * not count). Allow them with the run's `allowLeftoverTimers` option.
 *
 * @example
 * ```ts
 * try { await runAsync(main); } catch (e) { if (e instanceof LeftoverTimersError) console.log(e.timers); }
 * ```
 */
export class LeftoverTimersError extends AsyncModeError {
  override readonly name: string = "LeftoverTimersError";
  /** One line per pending timer, such as `Timeout(100 ms, fn retry) due at t=300`. */
  readonly timers: readonly string[];

  constructor(timers: readonly string[], time: number) {
    super(
      "LEFTOVER_TIMERS",
      `Main settled at t=${time} with ${timers.length} timer(s) still pending:\n` +
        timers.map((line) => `  - ${line}`).join("\n") +
        "\nClear them before main returns, unref() them if they must not keep a process alive, " +
        "or pass `allowLeftoverTimers: true`.",
    );
    this.timers = timers;
  }
}

/**
 * The run took longer in real time than its `watchdog` bound: something kept it busy (a livelock of
 * immediates, a very long program). A synchronous spin cannot be stopped this way (it never returns to
 * the driver); only a run in a worker can be.
 *
 * @example
 * ```ts
 * await runAsync(main, { watchdog: 5_000 }); // fails after 5 s of real time
 * ```
 */
export class WatchdogTimeoutError extends AsyncModeError {
  override readonly name: string = "WatchdogTimeoutError";
  /** The bound, in real milliseconds. */
  readonly limit: number;

  constructor(limit: number, time: number, dispatched: number) {
    super(
      "WATCHDOG",
      `The run exceeded its watchdog of ${limit} ms of real time at t=${time} (virtual), after ${dispatched} dispatched callbacks. ` +
        "Look for a loop of immediates or a program much longer than expected; raise `watchdog` if it is simply long.",
    );
    this.limit = limit;
  }
}

/**
 * The virtual globals were misused: installed twice, uninstalled when not installed, or rebound while a
 * run uses them.
 *
 * @example
 * ```ts
 * const globals = install();
 * install(); // throws VirtualGlobalsError (code ALREADY_INSTALLED)
 * ```
 */
export class VirtualGlobalsError extends AsyncModeError {
  override readonly name: string = "VirtualGlobalsError";
}
