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
 * The program must be importable in a worker: pass the module's URL and the export's name.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { Schedule } from "./schedule.ts";
import { CheckArgumentError } from "./errors.ts";
import type { ExploreFailure, ExploreOptions, ExploreResult } from "./explore.ts";
import { resolveLevels } from "./levels.ts";
import type { WireResult, WorkerRequest } from "./internal/wire.ts";

/**
 * Options of {@link exploreParallel}: those of `explore` that can cross a thread (`firstRun` included: the
 * workers split the runs `[firstRun, firstRun + runs)`, as one shard of a campaign), and the worker count.
 */
export interface ParallelOptions extends Omit<ExploreOptions, "policy" | "setup" | "onProgress"> {
  /** `"random"` or `"pct"`. Default `"pct"`. */
  readonly policy?: "random" | "pct";
  /** Worker threads. Default 2. */
  readonly workers?: number;
  /**
   * `execArgv` of the workers. Default: `--conditions=@simloop/source` when running from sources (the
   * workers then register tsx's loader to import TypeScript).
   */
  readonly execArgv?: readonly string[];
}

/** A failure merged from a worker: as in `explore`, with the error as name and message. */
export interface ParallelFailure extends Omit<ExploreFailure, "kind" | "error"> {
  /** The failure kind, as the worker reported it. */
  readonly kind: string;
  /** The error, rebuilt from the worker's name and message. */
  readonly error: Error;
}

/** What {@link exploreParallel} found. */
export interface ParallelResult extends Omit<ExploreResult, "failure" | "coverage"> {
  /** Runs executed by all workers together (`distinctSchedules` is summed over workers). */
  readonly totalRuns: number;
  readonly failure?: ParallelFailure;
  /** Each worker's coverage line. */
  readonly coverage: readonly string[];
}

function runWorker(request: WorkerRequest, execArgv: readonly string[]): Promise<WireResult> {
  const typescript = import.meta.url.endsWith(".ts");
  const entry = new URL(`./internal/explore-worker.${typescript ? "ts" : "js"}`, import.meta.url).href;
  return new Promise((resolve, reject) => {
    // From sources, a plain-JavaScript bootstrap registers tsx first; built, the worker entry runs as is.
    const script = typescript ? new URL("./internal/worker-bootstrap.mjs", import.meta.url) : new URL(entry);
    const worker = new Worker(script, { workerData: { ...request, entry, typescript }, execArgv: [...execArgv] });
    worker.once("message", (message: WireResult) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`exploreParallel: a worker exited with code ${code}.`));
    });
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
 * const result = await exploreParallel(new URL("./programs.ts", import.meta.url).href, "transfers", {
 *   policy: "random", runs: 10_000, workers: 4, seed: 1,
 * });
 * ```
 */
export async function exploreParallel(
  moduleUrl: string,
  exportName: string,
  options: ParallelOptions = {},
): Promise<ParallelResult> {
  const policy = options.policy ?? "pct";
  if (policy !== "random" && policy !== "pct") {
    throw new CheckArgumentError(
      `exploreParallel() splits campaigns by run index, which only "random" and "pct" allow; got ${JSON.stringify(policy)}. Run exhaustive or fast-check campaigns with explore().`,
    );
  }
  const workers = Math.max(1, Math.floor(options.workers ?? 2));
  const total = options.runs ?? 100;
  const first = options.firstRun ?? 0;
  const chunk = Math.ceil(total / workers);
  const { workers: _w, execArgv: _e, firstRun: _f, ...rest } = options;
  const execArgv = options.execArgv ?? (import.meta.url.endsWith(".ts") ? ["--conditions=@simloop/source"] : []);
  const requests: WorkerRequest[] = [];
  for (let w = 0; w < workers && w * chunk < total; w++) {
    requests.push({
      moduleUrl,
      exportName,
      options: { ...rest, policy, firstRun: first + w * chunk, runs: Math.min(chunk, total - w * chunk) },
    });
  }
  const results = await Promise.all(requests.map((r) => runWorker(r, execArgv)));
  const failing = results.find((r) => r.failure !== undefined);
  const totalRuns = results.reduce((sum, r) => sum + r.runs, 0);
  const merged = {
    runs: failing?.failure !== undefined ? failing.failure.run + 1 - first : totalRuns,
    totalRuns,
    distinctSchedules: results.reduce((sum, r) => sum + r.distinctSchedules, 0),
    distinctSchedulesEstimated: results.some((r) => r.distinctSchedulesEstimated),
    decisionPoints: results.reduce((sum, r) => sum + r.decisionPoints, 0),
    coverage: results.map((r) => r.coverage.summary),
    policy: results[0]?.policy ?? policy,
    levels: resolveLevels(options.levels),
  };
  const f = failing?.failure;
  if (f === undefined) return { ok: true, ...merged };
  const error = new Error(f.errorMessage);
  error.name = f.errorName;
  return {
    ok: false,
    ...merged,
    failure: {
      kind: f.kind,
      error,
      schedule: Schedule.parse(f.schedule),
      original: Schedule.parse(f.original),
      seed: f.seed,
      runSeed: f.runSeed,
      run: f.run,
      shrinkRuns: f.shrinkRuns,
      report: f.report,
      trace: f.trace,
    },
  };
}
