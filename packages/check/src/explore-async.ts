/**
 * `exploreAsync`: {@link explore} for an async/await program. The campaign, the policies, the levels,
 * the shrinker, the determinism self-check, the report and the replay line are the generator ones
 * (they ask for runs, `internal/runs.ts`); only the run differs: each run is `runProgramAsync` of
 * `@simloop/async` on a fresh loop counting milliseconds, the program's timers, clocks (and, under
 * `random: true`, randomness) on its virtual time, every callback dispatched from a real macrotask of
 * its own (exact quiescence). Runs are sequential: the globals are one per realm.
 *
 * The virtual globals are installed once per campaign (with this call's install options) and
 * restored on every exit path, the campaign throwing included. A wall-clock watchdog bounds each run
 * ({@link DEFAULT_RUN_WATCHDOG_MS} by default), so a run waiting on a real timer cannot hang the suite.
 *
 * @module
 */
import { install, runProgramAsync, type AsyncProgram, type InstallOptions, type VirtualGlobals } from "@simloop/async";
import fc from "fast-check";
import { fastCheckFound, fastCheckParameters, fastCheckProperty, FAST_CHECK_PICKS } from "./campaign.ts";
import type { ExploreOptions, ExploreResult } from "./explore-options.ts";
import { assertPassed, beginExploring, endCampaign, exploring, identify } from "./explore.ts";
import { watchAsyncRun } from "./internal/async-watch.ts";
import { driveAsync, type RunRequest, type RunResult } from "./internal/runs.ts";
import {
  classifyError,
  countStepsOf,
  DEFAULT_MAX_STEPS,
  finishRun,
  observeRun,
  traceOptionOf,
  type RunFailure,
} from "./run-program.ts";

/** The default wall-clock bound of one run of {@link exploreAsync}, in real milliseconds: 10 s. */
export const DEFAULT_RUN_WATCHDOG_MS = 10_000;

/** Options of {@link exploreAsync}: those of `explore`, the install options of the virtual globals, and the run's own. */
export interface ExploreAsyncOptions extends ExploreOptions, InstallOptions {
  /**
   * A bound in real milliseconds on each run: past it the run fails (kind `"watchdog"`). `false` turns
   * it off. Default {@link DEFAULT_RUN_WATCHDOG_MS}.
   */
  readonly watchdog?: number | false;
  /** Ref'd timers still pending when the program settles are not a failure. Default false. */
  readonly allowLeftoverTimers?: boolean;
}

/** How runs of an async program are executed, given the campaign's installed globals. */
export interface AsyncRunSettings {
  readonly globals: VirtualGlobals;
  readonly install: InstallOptions;
  readonly watchdog: number | undefined;
  readonly allowLeftoverTimers: boolean;
}

/** @internal The run settings of `options`, with `globals` installed for the campaign. */
export function asyncRunSettings(options: ExploreAsyncOptions, globals: VirtualGlobals): AsyncRunSettings {
  const watchdog = options.watchdog ?? DEFAULT_RUN_WATCHDOG_MS;
  return {
    globals,
    install: options,
    watchdog: watchdog === false ? undefined : watchdog,
    allowLeftoverTimers: options.allowLeftoverTimers === true,
  };
}

/**
 * @internal Runs an async `program` as asked: `runProgramAsync` with the campaign's globals, then the
 * checks every run gets (invariants, errors escaped to the exception handler, unretrieved exceptions,
 * leftover tasks), as a generator run's.
 */
export function executeAsync(
  program: AsyncProgram,
  settings: AsyncRunSettings,
): (request: RunRequest) => Promise<RunResult> {
  return async (request) => {
    const { policy, seed, options, trace } = request;
    let steppers: { readonly size: number } | null = null;
    const watch = request.watch ? watchAsyncRun(settings.install) : null;
    let outcome;
    try {
      outcome = await runProgramAsync(program, {
        seed,
        ...(policy === undefined ? {} : { policy }),
        maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
        trace: traceOptionOf(trace, options),
        globals: settings.globals,
        ...(settings.watchdog === undefined ? {} : { watchdog: settings.watchdog }),
        allowLeftoverTimers: settings.allowLeftoverTimers,
        setup: (loop) => {
          observeRun(policy, loop);
          if (trace === "steppers") steppers = countStepsOf(loop);
          options.setup?.(loop);
        },
      });
    } finally {
      watch?.stop();
    }
    const culprits = watch === null ? [] : watch.stop();
    const thrown = outcome.failure;
    // Errors escaped to the exception handler are reported as a generator run's (finishRun).
    const failure: RunFailure | undefined =
      thrown === undefined || thrown.kind === "unhandled"
        ? undefined
        : { kind: thrown.kind === "error" ? classifyError(thrown.error) : thrown.kind, error: thrown.error };
    const counted = steppers as { readonly size: number } | null;
    return {
      loop: outcome.loop,
      failure: finishRun(outcome.loop, failure, options),
      value: outcome.value,
      tasks: counted === null ? 0 : counted.size,
      culprits,
    };
  };
}

/**
 * Explores the schedules of an async/await `program` (see the module doc) and resolves to what it
 * found, as {@link explore} returns it: `ok`, the runs, the coverage, and on failure the shrunk
 * schedule with its report, whose replay line calls `replayAsync`. Besides a generator run's failures,
 * a run fails with an unhandled rejection, an uncaught exception, ref'd timers left pending (unless
 * `allowLeftoverTimers`), an `AsyncDeadlockError` (kind `"deadlock"`), or its watchdog.
 * @throws (as a rejection) `VirtualGlobalsError` when virtual globals are installed already (one
 * campaign at a time), and what `explore` throws for bad options.
 *
 * @example
 * ```ts
 * const result = await exploreAsync(async () => {
 *   const account = { balance: 0 };
 *   const deposit = async (): Promise<void> => {
 *     const read = account.balance;
 *     await new Promise((resolve) => setTimeout(resolve, 10));
 *     account.balance = read + 1;
 *   };
 *   await Promise.all([deposit(), deposit()]);
 *   if (account.balance !== 2) throw new Error(`lost update: ${account.balance}`);
 * }, { runs: 100 });
 * result.failure?.report; // the shrunk schedule and `await replayAsync(program, "…", { seed: … })`
 * ```
 */
export async function exploreAsync(program: AsyncProgram, options: ExploreAsyncOptions = {}): Promise<ExploreResult> {
  const { campaign, reporter } = beginExploring(identify(program, options, true), options);
  const globals = install(options);
  try {
    const execute = executeAsync(program, asyncRunSettings(options, globals));
    if (options.policy !== "fast-check") return await driveAsync(exploring(campaign, options, reporter), execute);
    const property = fastCheckProperty(campaign);
    const check = await fc.check(
      fc.asyncProperty(FAST_CHECK_PICKS, (picks) => driveAsync(property(picks), execute)),
      fastCheckParameters(campaign),
    );
    const coverage = await driveAsync(fastCheckFound(campaign, check), execute);
    return await driveAsync(endCampaign(campaign, options, reporter, coverage, "fast-check"), execute);
  } finally {
    globals.uninstall();
  }
}

/**
 * Like {@link exploreAsync}, but rejects when a failure is found, with the report as the message: for
 * use inside an async `test`. Resolves to the result otherwise.
 * @throws (as a rejection) `ExplorationFailedError` with the report, the failure kind and the shrunk schedule.
 *
 * @example
 * ```ts
 * test("the cache never serves a stale token", async () => {
 *   await assertExploreAsync(tokenRace, { runs: 300, seed: 1 });
 * });
 * ```
 */
export async function assertExploreAsync(
  program: AsyncProgram,
  options: ExploreAsyncOptions = {},
): Promise<ExploreResult> {
  return assertPassed(await exploreAsync(program, options));
}
