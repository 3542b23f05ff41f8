/**
 * `exploreParallel`: one campaign split by run ranges over `node:worker_threads`.
 *
 * Why it needs no coordination: run r of a campaign is a pure function of (program, seed, r) — the loop
 * seed and the policy's randomness both derive from (seed, r) — so workers explore disjoint ranges
 * [a, b) and the merged result is the failure with the lowest run index: the failing run, its loop seed
 * and its schedule are exactly what one sequential campaign would find, whatever the worker count. For
 * PCT this holds because k comes from the campaign's run 0 (which has no change point), not from the
 * runs a worker happened to see: a worker whose range starts later re-runs run 0 first, as a pilot.
 * Each worker's coverage line counts its own runs. Exhaustive and fast-check campaigns are sequential
 * by nature and are refused.
 *
 * The program must be importable in a worker: pass the module's URL and the export's name (a closure
 * cannot move to another thread). A TypeScript module needs tsx installed where the module is: each
 * worker registers tsx's loader itself (Node 20 runs no `--import` hooks in worker threads).
 *
 * A worker that exits before answering (code under test calling `process.exit`, whatever the code)
 * fails the run it was in; with `watchdogMs`, so does a run that has not ended after that much real
 * time (a synchronous infinite loop), and its worker is terminated. The run's index and loop seed are
 * known (the worker publishes the run it is in through shared memory), its schedule is not.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import type { TaskSite } from "@simloop/core";
import { Schedule } from "./schedule.ts";
import { CheckArgumentError, WatchdogTimeoutError, WorkerExitError, type WorkerStoppedError } from "./errors.ts";
import { runSeed } from "./exploration-policy.ts";
import { newProgress, PHASE, PROGRESS_PHASE, PROGRESS_RUN } from "./internal/progress.ts";
import type { ExploreFailure, ExploreOptions, ExploreResult } from "./explore-options.ts";
import { resolveLevels } from "./levels.ts";
import type { WireResult, WorkerRequest } from "./internal/wire.ts";

/**
 * Options of {@link exploreParallel}: those of `explore` that can cross a thread (`firstRun` included: the
 * workers split the runs `[firstRun, firstRun + runs)`, as one shard of a campaign), and the worker count.
 */
export interface ParallelOptions extends Omit<ExploreOptions, "policy" | "setup" | "onProgress"> {
  /** `"mixed"` (`explore`'s default), `"random"` or `"pct"`. Default `"mixed"`. */
  readonly policy?: "mixed" | "random" | "pct";
  /** Worker threads. Default 2. */
  readonly workers?: number;
  /**
   * `execArgv` of the workers. Default: `--conditions=@simloop/source` when running from sources (the
   * workers then register tsx's loader to import TypeScript).
   */
  readonly execArgv?: readonly string[];
  /**
   * A wall-clock watchdog, in milliseconds: a worker whose current run has not ended after this long
   * (a synchronous infinite loop, say) is terminated and that run reported as failed (`"watchdog"`).
   * Default: none.
   */
  readonly watchdogMs?: number;
}

/**
 * A failure merged from a worker: as in `explore`, with the error as name and message. It carries what
 * `htmlReport` draws (trace, decisions with their labels, tasks, replay line), so a parallel campaign's
 * failure makes the same HTML report as a sequential one; `decisions`, `tasks` and `replay` are absent
 * only when the worker stopped without answering (`"worker-exit"`, `"watchdog"`: the run never ended).
 */
export interface ParallelFailure extends Omit<ExploreFailure, "kind" | "error" | "decisions" | "tasks" | "replay"> {
  /** The failure kind, as the worker reported it. */
  readonly kind: string;
  /** The error, rebuilt from the worker's name and message. */
  readonly error: Error;
  /** That run's untrimmed decisions with their candidates' labels. */
  readonly decisions?: Schedule;
  /** That run's tasks: the function each runs and where it was created. */
  readonly tasks?: readonly TaskSite[];
  /** The line that replays that run, as the report prints it. */
  readonly replay?: string;
}

/** What {@link exploreParallel} found. */
export interface ParallelResult extends Omit<ExploreResult, "failure" | "coverage"> {
  /** Runs executed by all workers together (`distinctSchedules` is summed over workers). */
  readonly totalRuns: number;
  readonly failure?: ParallelFailure;
  /** Each worker's coverage line. */
  readonly coverage: readonly string[];
}

/** A worker's answer: its result, and the error when the worker stopped without answering. */
type WorkerAnswer = WireResult & { readonly stopped?: WorkerStoppedError };

/** The failure of a worker that stopped in run `run` without answering (see {@link runWorker}). */
function stoppedAnswer(request: WorkerRequest, stopped: WorkerStoppedError, phase: number): WorkerAnswer {
  const options = request.options as unknown as ParallelOptions & { firstRun: number; runs: number };
  const seed = options.seed ?? 0;
  const run = stopped.run;
  const kind = stopped instanceof WatchdogTimeoutError ? "watchdog" : "worker-exit";
  const where =
    phase === PHASE.loading
      ? `while importing ${request.moduleUrl}`
      : `in run ${run + 1} (loop seed ${runSeed(seed, run)}), or while analysing a failure of the run before it`;
  const report = [
    `simloop check failed: ${request.exportName}: ${kind === "watchdog" ? "a run did not end in time (watchdog)" : "the worker stopped without answering"}`,
    `  ${stopped.name}: ${stopped.message}`,
    "",
    `Found by ${options.policy ?? "mixed"} with seed ${seed}, ${where}, on the worker for runs ${options.firstRun + 1}–${options.firstRun + options.runs}.`,
    "The run's schedule is unknown: it never ended, so it never reported one.",
    "",
    "Reproduce it alone (the same options, one run; without the watchdog it will hang or end the process):",
    `  explore(${request.exportName}, { policy: ${JSON.stringify(options.policy ?? "mixed")}, seed: ${seed}, firstRun: ${run}, runs: 1 });`,
  ].join("\n");
  return {
    ok: false,
    runs: Math.max(0, run - options.firstRun),
    distinctSchedules: 0,
    distinctSchedulesEstimated: false,
    decisionPoints: 0,
    coverage: { policy: options.policy ?? "mixed", summary: `stopped ${where}` },
    policy: options.policy ?? "mixed",
    stopped,
    failure: {
      kind,
      errorName: stopped.name,
      errorMessage: stopped.message,
      schedule: "",
      original: "",
      seed,
      runSeed: runSeed(seed, run),
      run,
      shrinkRuns: 0,
      report,
      trace: [],
    },
  };
}

/**
 * Runs one worker. It settles exactly once: with the worker's answer; with a failure when the worker
 * exits before answering (whatever its exit code: code under test may call `process.exit(0)`) or when
 * the watchdog finds a run that has not ended after `watchdogMs` of real time (the worker is then
 * terminated); or with the worker's error (its module could not be imported, say).
 */
function runWorker(
  request: WorkerRequest,
  execArgv: readonly string[],
  watchdogMs: number | undefined,
): Promise<WorkerAnswer> {
  const typescript = import.meta.url.endsWith(".ts");
  const entry = new URL(`./internal/explore-worker.${typescript ? "ts" : "js"}`, import.meta.url).href;
  const firstRun = (request.options as { firstRun: number }).firstRun;
  const progress = newProgress(firstRun);
  return new Promise((resolve, reject) => {
    // From sources, a plain-JavaScript bootstrap registers tsx first; built, the worker entry runs as is.
    const script = typescript ? new URL("./internal/worker-bootstrap.mjs", import.meta.url) : new URL(entry);
    const worker = new Worker(script, {
      workerData: { ...request, entry, typescript, progress: progress.buffer },
      execArgv: [...execArgv],
    });
    let timer: ReturnType<typeof setInterval> | undefined;
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearInterval(timer);
      action();
    };
    worker.once("message", (message: WireResult) => {
      settle(() => resolve(message));
      void worker.terminate();
    });
    worker.once("error", (error) => settle(() => reject(error)));
    worker.once("exit", (code) => {
      const run = Atomics.load(progress, PROGRESS_RUN);
      const phase = Atomics.load(progress, PROGRESS_PHASE);
      settle(() => resolve(stoppedAnswer(request, new WorkerExitError(request.exportName, run, code), phase)));
    });
    if (watchdogMs === undefined) return;
    let seen = -1;
    let since = performance.now();
    timer = setInterval(
      () => {
        const run = Atomics.load(progress, PROGRESS_RUN);
        // Importing the module is not a run: the clock starts when exploring does, and with each run.
        if (Atomics.load(progress, PROGRESS_PHASE) !== PHASE.exploring || run !== seen) {
          seen = run;
          since = performance.now();
          return;
        }
        if (performance.now() - since <= watchdogMs) return;
        settle(() => {
          void worker.terminate();
          resolve(
            stoppedAnswer(request, new WatchdogTimeoutError(request.exportName, run, watchdogMs), PHASE.exploring),
          );
        });
      },
      Math.min(1000, Math.max(5, watchdogMs / 4)),
    );
  });
}

/**
 * Explores `exportName` (a dotted path such as `"bugs.lostUpdate"` reaches into an exported object) of
 * the module at `moduleUrl` on `workers` threads, each over a contiguous range
 * of the `runs` run indices, and merges the results deterministically (the lowest failing run wins; its
 * `runs` counts the runs up to it, as a sequential campaign would).
 * @throws {@link CheckArgumentError} for an exhaustive or fast-check policy.
 *
 * @example
 * ```ts
 * // programs.ts exports `function* transfers(loop) { … }`; tsx is installed in the project.
 * const result = await exploreParallel(new URL("./programs.ts", import.meta.url).href, "transfers", {
 *   policy: "random", runs: 10_000, workers: 4, seed: 1, watchdogMs: 10_000,
 * });
 * ```
 */
export async function exploreParallel(
  moduleUrl: string,
  exportName: string,
  options: ParallelOptions = {},
): Promise<ParallelResult> {
  const policy = options.policy ?? "mixed";
  if (policy !== "random" && policy !== "pct" && policy !== "mixed") {
    throw new CheckArgumentError(
      `exploreParallel() splits campaigns by run index, which only "mixed", "random" and "pct" allow; got ${JSON.stringify(policy)}. Run exhaustive or fast-check campaigns with explore().`,
    );
  }
  const watchdogMs = options.watchdogMs;
  if (watchdogMs !== undefined && !(typeof watchdogMs === "number" && watchdogMs > 0)) {
    throw new CheckArgumentError(
      `watchdogMs must be a positive number of milliseconds, got ${String(watchdogMs)}. Leave it out for no watchdog.`,
    );
  }
  const workers = Math.max(1, Math.floor(options.workers ?? 2));
  const total = options.runs ?? 100;
  const first = options.firstRun ?? 0;
  const chunk = Math.ceil(total / workers);
  const { workers: _w, execArgv: _e, watchdogMs: _d, firstRun: _f, ...rest } = options;
  const execArgv = options.execArgv ?? (import.meta.url.endsWith(".ts") ? ["--conditions=@simloop/source"] : []);
  const requests: WorkerRequest[] = [];
  for (let w = 0; w < workers && w * chunk < total; w++) {
    requests.push({
      moduleUrl,
      exportName,
      options: { ...rest, policy, firstRun: first + w * chunk, runs: Math.min(chunk, total - w * chunk) },
    });
  }
  const results = await Promise.all(requests.map((r) => runWorker(r, execArgv, watchdogMs)));
  const failing = results.find((r) => r.failure !== undefined);
  const totalRuns = results.reduce((sum, r) => sum + r.runs, 0);
  const merged = {
    runs: failing?.failure !== undefined ? failing.failure.run + 1 - first : totalRuns,
    totalRuns,
    distinctSchedules: results.reduce((sum, r) => sum + r.distinctSchedules, 0),
    distinctSchedulesEstimated: results.some((r) => r.distinctSchedulesEstimated),
    warnings: results.flatMap((r) => r.warnings ?? []),
    decisionPoints: results.reduce((sum, r) => sum + r.decisionPoints, 0),
    coverage: results.map((r) => r.coverage.summary),
    policy: results[0]?.policy ?? policy,
    levels: resolveLevels(options.levels),
  };
  const f = failing?.failure;
  if (f === undefined) return { ok: true, ...merged };
  let error: Error;
  if (failing?.stopped !== undefined) {
    error = failing.stopped;
  } else {
    error = new Error(f.errorMessage);
    error.name = f.errorName;
  }
  return {
    ok: false,
    ...merged,
    failure: {
      kind: f.kind,
      error,
      schedule: f.scheduleDecisions === undefined ? Schedule.parse(f.schedule) : new Schedule(f.scheduleDecisions),
      original: Schedule.parse(f.original),
      seed: f.seed,
      runSeed: f.runSeed,
      run: f.run,
      shrinkRuns: f.shrinkRuns,
      report: f.report,
      trace: f.trace,
      ...(f.decisions === undefined ? {} : { decisions: new Schedule(f.decisions) }),
      ...(f.tasks === undefined ? {} : { tasks: f.tasks }),
      ...(f.replay === undefined ? {} : { replay: f.replay }),
      ...(f.async === undefined ? {} : { async: f.async }),
      ...(f.timerJitter === undefined ? {} : { timerJitter: f.timerJitter }),
    },
  };
}
