/**
 * Test-runner helpers: a test that explores a program and fails with the report, seeds and run counts
 * that environment variables can override, and run ranges for sharding a campaign across CI jobs.
 *
 * The check package does not depend on vitest: pass your runner's `test` (or `it`) function.
 *
 * @module
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckArgumentError, ExplorationFailedError } from "./errors.ts";
import type { AsyncProgram } from "@simloop/async";
import { exploreAsync, type ExploreAsyncOptions } from "./explore-async.ts";
import { assertPassed, explore } from "./explore.ts";
import { writeHtmlReport } from "./html-report.ts";
import type { ExploreOptions, ExploreResult } from "./explore-options.ts";
import { isAsyncProgram } from "./program-kind.ts";
import { consoleOutput } from "./progress.ts";
import type { Program } from "./run-program.ts";

/**
 * Options of {@link simloopTest} and {@link runSimloopCheck}: those of `explore` (of `exploreAsync` for
 * an async program: install options, `watchdog`, `allowLeftoverTimers`), and where warnings go.
 */
export interface SimloopTestOptions extends ExploreAsyncOptions {
  /**
   * Receives each warning of the campaign (a sampled passing run that is not deterministic), as one
   * message naming the test. Default `console.warn`, which vitest shows with the test.
   */
  readonly onWarning?: (message: string) => void;
  /**
   * Where a failing test writes its HTML report (see `htmlReport`): a directory, in which the file is
   * named after the test, or `false` to write none. The failure message names the file. Default: the
   * `SIMLOOP_HTML_REPORT` environment variable when set (a directory, or `off`), else
   * `simloop-reports` in the operating system's temporary directory.
   */
  readonly htmlReport?: string | false;
}

/** A test-definition function such as vitest's `test` or `it`. */
export type TestFunction = (
  name: string,
  body: (context?: TestContextLike) => void | Promise<void>,
  timeout?: number,
) => void;

/**
 * What {@link simloopTest} uses of a runner's test context: vitest's `annotate`, which shows a note next
 * to the test in the runner's output. Runners without it (or without a context) get no note.
 */
export interface TestContextLike {
  readonly annotate?: (message: string, type?: string) => unknown;
}

/** The environment a test reads overrides from (`process.env` by default). */
export type Environment = Readonly<Record<string, string | undefined>>;

function env(): Environment {
  return typeof process === "undefined" ? {} : process.env;
}

function intFrom(environment: Environment, name: string): number | undefined {
  const text = environment[name];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CheckArgumentError(`Expected ${name} to be a non-negative integer, got ${JSON.stringify(text)}.`);
  }
  return value;
}

/**
 * Applies the environment overrides to exploration options: `SIMLOOP_SEED` replaces `seed`,
 * `SIMLOOP_RUNS` replaces `runs`, and `SIMLOOP_SHARD=i/n` keeps the i-th of n run ranges.
 * @throws {@link CheckArgumentError} for malformed values.
 *
 * @example
 * ```ts
 * withEnvironment({ runs: 100 }, { SIMLOOP_RUNS: "5000" }).runs; // 5000
 * ```
 */
export function withEnvironment<O extends ExploreOptions>(options: O, environment: Environment = env()): O {
  const seed = intFrom(environment, "SIMLOOP_SEED");
  const runs = intFrom(environment, "SIMLOOP_RUNS");
  let out: O = {
    ...options,
    ...(seed === undefined ? {} : { seed }),
    ...(runs === undefined ? {} : { runs }),
  };
  const shard = environment["SIMLOOP_SHARD"];
  if (shard !== undefined && shard !== "") {
    out = { ...out, ...shardRuns(out.runs ?? 100, shard) };
  }
  return out;
}

/**
 * The run range of shard `i/n` (1-based, as vitest's `--shard`) of a campaign of `runs` runs: pass it
 * to `explore` (`firstRun`, `runs`). Run r is a pure function of (program, seed, r), so shards need no
 * coordination.
 * @throws {@link CheckArgumentError} unless `shard` reads `i/n` with 1 <= i <= n.
 *
 * @example
 * ```ts
 * shardRuns(1000, "2/4"); // { firstRun: 250, runs: 250 }
 * ```
 */
export function shardRuns(runs: number, shard: string): { firstRun: number; runs: number } {
  const match = /^(\d+)\/(\d+)$/.exec(shard.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !(index >= 1 && index <= count)) {
    throw new CheckArgumentError(`Expected a shard as "i/n" with 1 <= i <= n, got ${JSON.stringify(shard)}.`);
  }
  const size = Math.ceil(runs / count);
  const firstRun = (index - 1) * size;
  return { firstRun, runs: Math.max(0, Math.min(size, runs - firstRun)) };
}

/**
 * The `vitest -t` argument that selects the test named `name` alone, quoted for a POSIX shell. vitest
 * reads `-t` as a regular expression matched against the test's full name (its describe blocks' names,
 * a space, its own): the name's regex characters are escaped, and the pattern is anchored at its end
 * and at the start of the name, so that `(b) v1.2` matches neither `b v1x2` nor `(b) v1.2 (fixed)`.
 *
 * @example
 * ```ts
 * rerunPattern("(b) v1.2"); // "'(?:^| )\(b\) v1\.2$'"
 * ```
 */
export function rerunPattern(name: string): string {
  const pattern = `(?:^| )${name.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")}$`;
  return `'${pattern.replaceAll("'", "'\\''")}'`;
}

/**
 * Defines a test that explores `program` (a generator program, or an async one: an `async function`,
 * or a function wrapped in `asyncProgram`, explored with `exploreAsync`) and fails with the full report (seed, shrunk schedule,
 * timeline, replay line), the path of its HTML report (see {@link SimloopTestOptions.htmlReport}) and
 * the line to rerun it alone. Every campaign prints one summary line
 * (runs, distinct schedules, coverage) and, when long, its progress: pass `output: false` to keep it
 * silent, or an output of your own (see `progress.ts`). `SIMLOOP_SEED`, `SIMLOOP_RUNS` and
 * `SIMLOOP_SHARD` override the options (see {@link withEnvironment}).
 *
 * @example
 * ```ts
 * import { test } from "vitest";
 * simloopTest(test, "deposits never get lost", lostUpdate, { policy: "pct", runs: 500 });
 * ```
 */
export function simloopTest(
  test: TestFunction,
  name: string,
  program: Program | AsyncProgram,
  options: SimloopTestOptions = {},
  timeout?: number,
): void {
  // A campaign that explored nothing (or only ties) passes, but says so next to the test.
  const annotate = (result: ExploreResult, context: TestContextLike | undefined): Promise<void> | undefined => {
    if (result.notice === undefined || typeof context?.annotate !== "function") return undefined;
    return Promise.resolve(context.annotate(`simloop: ${result.notice}`, "warning")).then(() => undefined);
  };
  test(
    name,
    (context) => {
      if (isAsyncProgram(program)) {
        return runSimloopCheckAsync(program, { name, ...options }).then((result) => annotate(result, context));
      }
      return annotate(runSimloopCheck(program as Program, { name, ...options }), context);
    },
    timeout,
  );
}

/**
 * The body of {@link simloopTest}: explores with the environment overrides and throws an
 * {@link ExplorationFailedError} whose message ends with the rerun line.
 * @throws {@link ExplorationFailedError} when a failing schedule is found.
 *
 * @example
 * ```ts
 * test("no deadlock", () => { runSimloopCheck(philosophers, { runs: 200 }); });
 * ```
 */
export function runSimloopCheck(
  program: Program,
  options: SimloopTestOptions = {},
  environment?: Environment,
): ExploreResult {
  const { onWarning: _onWarning, htmlReport: _htmlReport, ...exploreOptions } = options;
  // The vitest helper shows progress and a summary line by default (`output: false` keeps it silent).
  const effective = withEnvironment({ output: consoleOutput(), ...exploreOptions }, environment);
  // Checked before the campaign: a bad htmlReport throws CheckArgumentError, not after a long campaign.
  const directory = reportDirectory(options, environment);
  let report: string | undefined;
  try {
    const result = explore(program, effective);
    report = writtenReport(result, program, options, directory);
    return warned(assertPassed(result), program, options);
  } catch (error) {
    throw withRerunLine(error, program, options, effective, report);
  }
}

/**
 * {@link runSimloopCheck} for an async program: explores it with `exploreAsync`.
 * @throws (as a rejection) {@link ExplorationFailedError} when a failing schedule is found.
 * @example
 * ```ts
 * test("no stale token", () => runSimloopCheckAsync(tokenRace, { runs: 200 }));
 * ```
 */
export async function runSimloopCheckAsync(
  program: AsyncProgram,
  options: SimloopTestOptions = {},
  environment?: Environment,
): Promise<ExploreResult> {
  const { onWarning: _onWarning, htmlReport: _htmlReport, ...exploreOptions } = options;
  const effective = withEnvironment({ output: consoleOutput(), ...exploreOptions }, environment);
  // Checked before the campaign: a bad htmlReport throws CheckArgumentError, not after a long campaign.
  const directory = reportDirectory(options, environment);
  let report: string | undefined;
  try {
    const result = await exploreAsync(program, effective);
    report = writtenReport(result, program, options, directory);
    return warned(assertPassed(result), program, options);
  } catch (error) {
    throw withRerunLine(error, program, options, effective, report);
  }
}

/** Passes each warning of `result` to `onWarning` (default `console.warn`), naming the test. */
function warned(result: ExploreResult, program: { readonly name: string }, options: SimloopTestOptions): ExploreResult {
  const name = options.name ?? (program.name === "" ? "program" : program.name);
  for (const warning of result.warnings) {
    (options.onWarning ?? console.warn)(
      `simloop check warning: ${name}: ${warning.message}\n(strictDeterminism: true makes it a failure.)`,
    );
  }
  return result;
}

/**
 * The directory a failing test writes its HTML report to: the option, else `SIMLOOP_HTML_REPORT`
 * (`off`, `false`, `0` or `no`: none), else `simloop-reports` in the temporary directory.
 */
function reportDirectory(options: SimloopTestOptions, environment: Environment = env()): string | undefined {
  if (options.htmlReport === false) return undefined;
  if (options.htmlReport !== undefined) {
    if (typeof options.htmlReport !== "string" || options.htmlReport === "") {
      throw new CheckArgumentError(
        `Expected htmlReport to be a directory or false, got ${JSON.stringify(options.htmlReport)}.`,
      );
    }
    return options.htmlReport;
  }
  const fromEnvironment = environment["SIMLOOP_HTML_REPORT"];
  if (fromEnvironment === undefined || fromEnvironment === "") return join(tmpdir(), "simloop-reports");
  return /^(off|false|0|no)$/i.test(fromEnvironment) ? undefined : fromEnvironment;
}

/** A file name for the test's report: its name made safe, and a hash of it (two names never share a file). */
function reportFileName(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${slug === "" ? "simloop-test" : slug}-${hash.toString(16).padStart(8, "0")}.html`;
}

/**
 * Writes the HTML report of a failing campaign into `directory` (see {@link reportDirectory}): the line the failure
 * message gets (the file, or why none was written); `undefined` when the campaign passed or none is asked for.
 */
function writtenReport(
  result: ExploreResult,
  program: { readonly name: string },
  options: SimloopTestOptions,
  directory: string | undefined,
): string | undefined {
  if (result.failure === undefined || directory === undefined) return undefined;
  const name = options.name ?? (program.name === "" ? "program" : program.name);
  try {
    return `HTML report (open it in a browser): ${writeHtmlReport(result.failure, join(directory, reportFileName(name)))}`;
  } catch (error) {
    // The exploration's failure is what the test reports: a report that cannot be written only says so.
    return `HTML report not written: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** A failure with the HTML report's line and the line that reruns the test alone appended; any other error as it was. */
function withRerunLine(
  error: unknown,
  program: { readonly name: string },
  options: SimloopTestOptions,
  effective: ExploreOptions,
  report: string | undefined,
): unknown {
  if (!(error instanceof ExplorationFailedError)) return error;
  const rerun = `Rerun it alone: SIMLOOP_SEED=${effective.seed ?? 0} SIMLOOP_RUNS=${effective.runs ?? 100} npx vitest run -t ${rerunPattern(options.name ?? program.name)}`;
  const html = report === undefined ? "" : `\n\n${report}`;
  return new ExplorationFailedError(`${error.message}${html}\n\n${rerun}`, error.kind, error.schedule, error.cause);
}

/**
 * Runs `body` with a seed (from `SIMLOOP_SEED` when set, else `seed`) and, when it throws, rethrows with
 * the seed and the rerun line prepended to the message — for hand-written randomized tests.
 *
 * @example
 * ```ts
 * test("random latencies", () => withSeed(42, (seed) => {
 *   const loop = new EventLoop({ seed });
 *   …
 * }));
 * ```
 */
export function withSeed<T>(seed: number, body: (seed: number) => T, environment: Environment = env()): T {
  const effective = intFrom(environment, "SIMLOOP_SEED") ?? seed;
  try {
    return body(effective);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const wrapped = new Error(`[seed ${effective}] ${message}\nRerun with SIMLOOP_SEED=${effective}.`, {
      cause: error,
    });
    if (error instanceof Error) wrapped.name = error.name;
    throw wrapped;
  }
}
