/**
 * The errors `@simloop/check` throws. Each extends core's `SimloopError` through {@link CheckError}, so
 * `e instanceof SimloopError` holds for every simloop error and `code` tells them apart.
 *
 * @module
 */
import { SimloopError } from "@simloop/core";

/**
 * The base class of the errors `@simloop/check` throws.
 *
 * @example
 * ```ts
 * try { Schedule.parse("nonsense"); } catch (e) { if (e instanceof CheckError) console.log(e.code); }
 * ```
 */
export class CheckError extends SimloopError {
  override readonly name: string = "CheckError";
}

/**
 * A schedule string could not be parsed.
 *
 * @example
 * ```ts
 * Schedule.parse("t2=5"); // throws ScheduleParseError: pick 5 is not below the option count 2
 * ```
 */
export class ScheduleParseError extends CheckError {
  override readonly name: string = "ScheduleParseError";
  /** The text that was given. */
  readonly text: string;

  constructor(text: string, reason: string) {
    super(
      "SCHEDULE_PARSE",
      `Cannot parse the schedule ${JSON.stringify(text)}: ${reason}. A schedule reads like "v2:t2=1,i3=0*4,f2=1,j0~5=2.5,d3=2" (format version, then per decision: kind letter, option count, "=", pick, optional "*repeat"); copy it from a failure report.`,
    );
    this.text = text;
  }
}

/**
 * A replayed program asked different questions than the recording answered: at decision `index` it
 * reached a choice of another kind or with another number of options. The program changed, or it is not
 * deterministic (Math.random, Date.now, real timers, native Promises).
 *
 * @example
 * ```ts
 * try { replay(program, "t2=1"); } catch (e) { if (e instanceof ReplayDivergenceError) console.log(e.index); }
 * ```
 */
export class ReplayDivergenceError extends CheckError {
  override readonly name: string = "ReplayDivergenceError";
  /** The 0-based decision at which the run left the recording. */
  readonly index: number;
  /** What the recording expected there (`"end"` when the run asked more than was recorded). */
  readonly expected: string;
  /** What the program asked instead (`"end"` when it asked fewer questions). */
  readonly actual: string;

  constructor(index: number, expected: string, actual: string, time: number | undefined) {
    super(
      "REPLAY_DIVERGED",
      `Replay diverged at decision #${index}${time === undefined ? "" : ` (t=${time})`}: the recording expected ${expected}, the program asked ${actual}. ` +
        "The program changed since the schedule was recorded, or it is not deterministic (Math.random, Date.now, real timers, native Promises): use loop.random and loop.time() instead.",
    );
    this.index = index;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The same schedule gave two different traces: something outside the loop influences the run.
 *
 * @example
 * ```ts
 * const result = explore(program, { policy: "random" });
 * if (result.failure?.kind === "nondeterminism") console.log(result.failure.error.message);
 * ```
 */
export class NondeterminismError extends CheckError {
  override readonly name: string = "NondeterminismError";
  /** The first trace event (0-based) at which the two runs differ. */
  readonly index: number;
  /** Globals the program touched during the runs (such as `Math.random`), most likely culprits first. */
  readonly culprits: readonly string[];

  constructor(index: number, first: string, second: string, culprits: readonly string[]) {
    const blame =
      culprits.length > 0
        ? `The program called ${culprits.join(", ")} during the run: replace them with loop.random / loop.time() / loop.callLater.`
        : "Likely culprits: Math.random, Date.now, real timers (setTimeout) or native Promises; use loop.random, loop.time() and loop futures instead.";
    super(
      "NONDETERMINISM",
      index < 0
        ? `A run called sources of nondeterminism, so it may not replay. ${blame}`
        : `The same schedule gave two different traces (first difference at event #${index}: ${first} vs ${second}). ${blame}`,
    );
    this.index = index;
    this.culprits = culprits;
  }
}

/**
 * An invariant (an ordering law of {@link checkInvariants} or a state predicate of a store) was violated.
 *
 * @example
 * ```ts
 * const result = explore(program);
 * if (result.failure?.error instanceof InvariantViolationError) console.log(result.failure.error.invariant);
 * ```
 */
export class InvariantViolationError extends CheckError {
  override readonly name: string = "InvariantViolationError";
  /** The invariant's name. */
  readonly invariant: string;
  /** The virtual time of the violation (the end of the run for `eventually`). */
  readonly time: number;

  constructor(invariant: string, message: string, time: number) {
    super("INVARIANT", `Invariant "${invariant}" violated at t=${time}: ${message}`);
    this.invariant = invariant;
    this.time = time;
  }
}

/**
 * The program's coroutine returned while other tasks were still pending (and `allowLeftoverTasks` was off).
 *
 * @example
 * ```ts
 * explore(program, { allowLeftoverTasks: true }); // when background tasks are expected
 * ```
 */
export class LeftoverTasksError extends CheckError {
  override readonly name: string = "LeftoverTasksError";
  /** The pending tasks, one line each (name and what it waits on). */
  readonly tasks: readonly string[];

  constructor(tasks: readonly string[]) {
    super(
      "LEFTOVER_TASKS",
      `The program returned with ${tasks.length} task(s) still pending:\n${tasks.map((t) => `  - ${t}`).join("\n")}\n` +
        "Await or cancel them before returning, or pass allowLeftoverTasks: true when background tasks are expected.",
    );
    this.tasks = tasks;
  }
}

/**
 * A future or task finished with an exception that nobody retrieved (asyncio logs "exception was never
 * retrieved" when it is garbage-collected).
 *
 * @example
 * ```ts
 * const result = explore(program);
 * if (result.failure?.kind === "unretrieved") console.log(result.failure.error.message);
 * ```
 */
export class UnretrievedExceptionError extends CheckError {
  override readonly name: string = "UnretrievedExceptionError";
  /** The exceptions, in the loop's order. */
  readonly errors: readonly unknown[];
  /** How many more were never retrieved but not kept by the loop (its `maxUnretrieved` bound). */
  readonly dropped: number;

  constructor(lines: readonly string[], errors: readonly unknown[], dropped = 0) {
    const more = dropped > 0 ? `  - and ${dropped} more, not listed (the loop keeps at most maxUnretrieved)\n` : "";
    super(
      "UNRETRIEVED",
      `${lines.length + dropped} exception(s) were never retrieved:\n${lines.map((l) => `  - ${l}\n`).join("")}${more}` +
        "Await the task (or call result()/exception()) so its failure is seen.",
    );
    this.errors = errors;
    this.dropped = dropped;
  }
}

/**
 * The loop's exception handler was called during the run: an error escaped a callback or a task step.
 *
 * @example
 * ```ts
 * const result = explore(program);
 * if (result.failure?.kind === "unhandled") console.log(result.failure.error.message);
 * ```
 */
export class ExceptionHandlerCalledError extends CheckError {
  override readonly name: string = "ExceptionHandlerCalledError";
  /** The exceptions the handler received, in order. */
  readonly errors: readonly unknown[];

  constructor(lines: readonly string[], errors: readonly unknown[]) {
    super(
      "EXCEPTION_HANDLER",
      `The exception handler was called ${lines.length} time(s):\n${lines.map((l) => `  - ${l}`).join("\n")}\n` +
        "Catch the error where it happens.",
    );
    this.errors = errors;
  }
}

/**
 * `assertExplore` found a failing schedule; the message is the full report.
 *
 * @example
 * ```ts
 * expect(() => assertExplore(program, { runs: 100 })).toThrow(ExplorationFailedError);
 * ```
 */
export class ExplorationFailedError extends CheckError {
  override readonly name: string = "ExplorationFailedError";
  /** The failure's kind, such as `"deadlock"`. */
  readonly kind: string;
  /** The shrunk schedule, as a string (paste it into `replay`). */
  readonly schedule: string;

  constructor(report: string, kind: string, schedule: string, cause: unknown) {
    super("EXPLORATION_FAILED", report, { cause });
    this.kind = kind;
    this.schedule = schedule;
  }
}

/**
 * An argument of a check function was invalid.
 *
 * @example
 * ```ts
 * pct(1, 0); // throws CheckArgumentError: depth must be an integer >= 1
 * ```
 */
export class CheckArgumentError extends CheckError {
  override readonly name: string = "CheckArgumentError";

  constructor(message: string) {
    super("CHECK_ARGUMENT", message);
  }
}

/**
 * An `exploreParallel` worker stopped before answering for the run it was in, which is reported as
 * failed: the worker ended its thread ({@link WorkerExitError}) or the watchdog terminated it
 * ({@link WatchdogTimeoutError}).
 *
 * @example
 * ```ts
 * const result = await exploreParallel(url, "program", { watchdogMs: 5000 });
 * if (result.failure?.error instanceof WorkerStoppedError) console.log(result.failure.error.run);
 * ```
 */
export abstract class WorkerStoppedError extends CheckError {
  /** The run the worker was in. */
  readonly run: number;

  protected constructor(code: string, message: string, run: number) {
    super(code, message);
    this.run = run;
  }
}

/**
 * An `exploreParallel` worker ended before answering: the code under test ended its thread
 * (`process.exit`, whatever the code), so the run it was in is reported as failed.
 *
 * @example
 * ```ts
 * const result = await exploreParallel(url, "program");
 * if (result.failure?.error instanceof WorkerExitError) console.log(result.failure.error.exitCode);
 * ```
 */
export class WorkerExitError extends WorkerStoppedError {
  override readonly name: string = "WorkerExitError";
  /** The worker's exit code. */
  readonly exitCode: number;

  constructor(program: string, run: number, exitCode: number) {
    const message =
      `The worker exploring ${program} exited with code ${exitCode} before answering, in run ${run + 1}: the code under test ended the thread (process.exit?). ` +
      "Throw an error instead, so that the run fails with a report.";
    super("WORKER_EXIT", message, run);
    this.exitCode = exitCode;
  }
}

/**
 * `exploreParallel`'s watchdog (`watchdogMs`) found a run that had not ended after that much real time,
 * such as a synchronous infinite loop (virtual time cannot interrupt a step that never yields); the
 * worker was terminated.
 *
 * @example
 * ```ts
 * const result = await exploreParallel(url, "program", { watchdogMs: 5000 });
 * if (result.failure?.error instanceof WatchdogTimeoutError) console.log(result.failure.error.watchdogMs);
 * ```
 */
export class WatchdogTimeoutError extends WorkerStoppedError {
  override readonly name: string = "WatchdogTimeoutError";
  /** The deadline, in milliseconds of real time. */
  readonly watchdogMs: number;

  constructor(program: string, run: number, watchdogMs: number) {
    const message =
      `Run ${run + 1} of ${program} did not end within ${watchdogMs} ms of real time: a step that never yields (a synchronous infinite loop?) or a very slow run. ` +
      "Find the loop by replaying that run alone under a debugger, or raise watchdogMs if the run is merely slow.";
    super("WATCHDOG", message, run);
    this.watchdogMs = watchdogMs;
  }
}

/**
 * Writing an HTML report failed (the directory could not be created, the file not written).
 *
 * @example
 * ```ts
 * try { writeHtmlReport(failure, "/read-only/report.html"); } catch (e) { if (e instanceof ReportWriteError) console.log(e.path); }
 * ```
 */
export class ReportWriteError extends CheckError {
  override readonly name: string = "ReportWriteError";
  /** The path that could not be written. */
  readonly path: string;

  constructor(path: string, cause: unknown) {
    super(
      "REPORT_WRITE",
      `Cannot write the HTML report to ${JSON.stringify(path)}: ${cause instanceof Error ? cause.message : String(cause)}. Give a path in a writable directory.`,
      { cause },
    );
    this.path = path;
  }
}
