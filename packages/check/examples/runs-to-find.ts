/**
 * Measures, per bug of the corpus and per policy, the median number of runs until the bug is found over
 * 20 seeds, and the same for fast-check's own `fc.scheduler` on the Promise twins of `./promise-twins.ts`;
 * then the same for the corpus modelled on Node.js issues (`./bugs/node/`, `./node-promise-twins.ts`).
 * The `defaults` column is `explore(program, { runs, seed })` with no other option: what a user who
 * sets no level or policy gets.
 *
 * Run: `node --conditions=@simloop/source --import tsx packages/check/examples/runs-to-find.ts`
 * (the table in docs/guides/race-conditions.md comes from it); with `--schedulers [--seeds N]`, only the
 * fc.scheduler and simloopScheduler columns, over N seeds (default 20).
 *
 * @module
 */
import fc from "fast-check";
import type { EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import { explore, simloopScheduler, type PolicyName, type Program } from "../src/index.ts";
import { bugs, huntOptions, type BugCase } from "./bugs/index.ts";
import { nodeBugs } from "./bugs/node/index.ts";
import { nodePromiseTwins } from "./node-promise-twins.ts";
import { promiseTwins, settle, type PromiseProgram, type PromiseTwin, type Sched } from "./promise-twins.ts";

/** One row of the table: the bug, and per policy the median runs-to-find (Infinity: not found). */
export interface RunsToFindRow {
  readonly bug: string;
  readonly depth: number;
  readonly medians: Readonly<Record<string, number>>;
}

/** The policies measured, each with the bug's depth and levels. */
export const MEASURED: readonly PolicyName[] = ["random", "pct", "exhaustive", "fast-check"];

/** The column of `explore` with its defaults (no policy, no levels). */
export const DEFAULTS = "defaults";

/** The run budget of each campaign of the docs' tables. */
export const BUDGET = 2000;

function* ticker(ticks: number) {
  for (let i = 0; i < ticks; i++) yield* sleep(0.5);
}

/**
 * The same program with `tickers` background tasks that tick every 0.5 time units (8 ticks each, awaited
 * at the end): timers that tie with the program's own, as a heartbeat or a metrics flusher would — more
 * decision points, so a bug is harder to hit by chance.
 *
 * @example
 * ```ts
 * explore(noisy(bug.buggy, 3), { policy: "pct" });
 * ```
 */
export function noisy(program: Program, tickers: number): Program {
  return function* (loop: EventLoop) {
    const tasks = Array.from({ length: tickers }, (_, i) => loop.createTask(ticker(8), { name: `ticker-${i + 1}` }));
    const value = yield* program(loop);
    yield* gather(...tasks);
    return value;
  };
}

/**
 * The median of `values` (the mean of the middle two for an even count; Infinity counts as a value).
 *
 * @example
 * ```ts
 * median([1, 2, Infinity]); // 2
 * ```
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Median runs-to-find for every bug and policy over `seeds` seeds, each with a budget of `budget` runs.
 *
 * @example
 * ```ts
 * measureRunsToFind(20).map((row) => row.medians["pct"]);
 * ```
 */
export function measureRunsToFind(
  seeds = 20,
  budget = 1000,
  tickers = 0,
  corpus: readonly BugCase[] = bugs,
): RunsToFindRow[] {
  return corpus.map((bug) => {
    const medians: Record<string, number> = {};
    const program = tickers === 0 ? bug.buggy : noisy(bug.buggy, tickers);
    const found: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const result = explore(program, { runs: budget, seed, shrink: false });
      found.push(result.ok ? Infinity : result.runs);
    }
    medians[DEFAULTS] = median(found);
    for (const policy of MEASURED) {
      const runs: number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const result = explore(
          tickers === 0 ? bug.buggy : noisy(bug.buggy, tickers),
          huntOptions(bug, policy, seed, budget),
        );
        runs.push(result.ok ? Infinity : result.runs);
      }
      medians[policy] = median(runs);
    }
    return { bug: bug.id, depth: bug.depth, medians };
  });
}

// ---------------------------------------------------------------- fast-check's scheduler, on Promises

async function promiseTicker(s: Sched, ticks: number): Promise<void> {
  for (let i = 0; i < ticks; i++) await s.schedule(Promise.resolve(), "tick (0.5 s)");
}

/**
 * The Promise version of {@link noisy}: `tickers` background tasks of 8 scheduled ticks each, started
 * before the program (its own {@link settle} lets the scheduler release them too).
 *
 * @example
 * ```ts
 * fc.check(fc.asyncProperty(fc.scheduler(), noisyPromise(twin.buggy, 3)));
 * ```
 */
export function noisyPromise(program: PromiseProgram, tickers: number): PromiseProgram {
  return async (s) => {
    const ticking = Promise.all(Array.from({ length: tickers }, () => promiseTicker(s, 8)));
    await program(s);
    await settle(s, ticking, () => "a ticker never ends");
  };
}

/**
 * Median runs-to-find with `fc.scheduler` (fast-check picks which scheduled promise resolves next) on
 * the Promise twins of `./promise-twins.ts`, counted by fast-check's own runner: `fc.check` with seeds
 * 1…`seeds`, `numRuns: budget`, `endOnFailure` (no shrinking), and `numRuns` of the failing result
 * (which includes the failing run).
 *
 * @example
 * ```ts
 * await measureSchedulerRunsToFind(20); // { "lost-update": 2, … }
 * ```
 */
export async function measureSchedulerRunsToFind(
  seeds = 20,
  budget = 1000,
  tickers = 0,
  twins: readonly PromiseTwin[] = promiseTwins,
  scheduler: () => fc.Arbitrary<Sched> = () => fc.scheduler(),
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const twin of twins) {
    const program = tickers === 0 ? twin.buggy : noisyPromise(twin.buggy, tickers);
    const runs: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const result = await fc.check(fc.asyncProperty(scheduler(), program), {
        seed,
        numRuns: budget,
        endOnFailure: true,
      });
      runs.push(result.failed ? result.numRuns : Infinity);
    }
    out[twin.id] = median(runs);
  }
  return out;
}

/**
 * {@link measureSchedulerRunsToFind} with simloop's drop-in, `simloopScheduler()`, in place of
 * `fc.scheduler()`: the same twins, unchanged, the same runner, seeds and budget.
 *
 * @example
 * ```ts
 * await measureDropInRunsToFind(20); // { "lost-update": 1, … }
 * ```
 */
export function measureDropInRunsToFind(
  seeds = 20,
  budget = 1000,
  tickers = 0,
  twins: readonly PromiseTwin[] = promiseTwins,
): Promise<Record<string, number>> {
  return measureSchedulerRunsToFind(seeds, budget, tickers, twins, () => simloopScheduler());
}

/**
 * The table as Markdown; † marks an fc.scheduler figure whose Promise twin is {@link PromiseTwin.inexact}.
 * With `dropIn`, a last column gives simloop's drop-in (`simloopScheduler()`) on the same twins.
 *
 * @example
 * ```ts
 * formatTable(measureRunsToFind(), await measureSchedulerRunsToFind());
 * ```
 */
export function formatTable(
  rows: readonly RunsToFindRow[],
  scheduler: Readonly<Record<string, number>>,
  twins: readonly PromiseTwin[] = promiseTwins,
  dropIn?: Readonly<Record<string, number>>,
): string {
  const show = (n: number | undefined): string => (n === undefined ? "n/a" : n === Infinity ? "not found" : String(n));
  const columns = [DEFAULTS, ...MEASURED];
  const extra = dropIn === undefined ? "" : " simloopScheduler (Promise version) |";
  const lines = [
    `| bug | depth | ${columns.join(" | ")} | fc.scheduler (Promise version) |${extra}`,
    `|---|---:|${columns.map(() => "---:").join("|")}|---:|${dropIn === undefined ? "" : "---:|"}`,
  ];
  for (const row of rows) {
    const inexact = twins.find((twin) => twin.id === row.bug)?.inexact === true && row.bug in scheduler;
    const cells = [...columns.map((p) => show(row.medians[p])), `${show(scheduler[row.bug])}${inexact ? " †" : ""}`];
    if (dropIn !== undefined) cells.push(show(dropIn[row.bug]));
    lines.push(`| ${row.bug} | ${row.depth} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/**
 * The two scheduler columns only (fc.scheduler and the drop-in), per twin of the three tables, over
 * `seeds` seeds: `runs-to-find.ts --schedulers [--seeds 200]` (seconds, where the whole table takes
 * minutes; more seeds tell a real difference between the two from the noise of a median of 20).
 */
async function printSchedulerColumns(seeds: number): Promise<void> {
  const tables = [
    ["as is", promiseTwins, 0],
    ["3 tickers", promiseTwins, 3],
    ["Node.js issues", nodePromiseTwins, 0],
  ] as const;
  const lines = ["| table | twin | fc.scheduler | simloopScheduler |", "|---|---|---:|---:|"];
  for (const [table, twins, tickers] of tables) {
    const fcs = await measureSchedulerRunsToFind(seeds, 1000, tickers, twins);
    const dropIn = await measureDropInRunsToFind(seeds, 1000, tickers, twins);
    for (const twin of twins) lines.push(`| ${table} | ${twin.id} | ${fcs[twin.id]} | ${dropIn[twin.id]} |`);
  }
  process.stdout.write(`Median runs to find over ${seeds} seeds (budget 1000):\n\n${lines.join("\n")}\n`);
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
const seedsFlag = process.argv.indexOf("--seeds");
if (isMain && process.argv.includes("--schedulers")) {
  await printSchedulerColumns(seedsFlag < 0 ? 20 : Number(process.argv[seedsFlag + 1]));
} else if (isMain) {
  const scheduler = await measureSchedulerRunsToFind(20, BUDGET);
  const dropIn = await measureDropInRunsToFind(20, BUDGET);
  process.stdout.write(
    `Plain programs:\n\n${formatTable(measureRunsToFind(20, BUDGET), scheduler, promiseTwins, dropIn)}\n\n`,
  );
  const noisyScheduler = await measureSchedulerRunsToFind(20, BUDGET, 3);
  const noisyDropIn = await measureDropInRunsToFind(20, BUDGET, 3);
  process.stdout.write(
    `With 3 background tickers:\n\n${formatTable(measureRunsToFind(20, BUDGET, 3), noisyScheduler, promiseTwins, noisyDropIn)}\n\n`,
  );
  const nodeScheduler = await measureSchedulerRunsToFind(20, BUDGET, 0, nodePromiseTwins);
  const nodeDropIn = await measureDropInRunsToFind(20, BUDGET, 0, nodePromiseTwins);
  process.stdout.write(
    `Modelled on Node.js issues:\n\n${formatTable(measureRunsToFind(20, BUDGET, 0, nodeBugs), nodeScheduler, nodePromiseTwins, nodeDropIn)}\n`,
  );
}
