/**
 * Measures, per bug of the corpus and per policy, the median number of runs until the bug is found over
 * 20 seeds, and the same for fast-check's own `fc.scheduler` on Promise versions of some bugs.
 *
 * Run: `node --conditions=@simloop/source --import tsx packages/check/examples/runs-to-find.ts`
 * (the table in docs/guides/race-conditions.md comes from it).
 *
 * @module
 */
import fc from "fast-check";
import type { EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import { explore, type PolicyName, type Program } from "../src/index.ts";
import { bugs } from "./bugs/index.ts";

/** One row of the table: the bug, and per policy the median runs-to-find (Infinity: not found). */
export interface RunsToFindRow {
  readonly bug: string;
  readonly depth: number;
  readonly medians: Readonly<Record<string, number>>;
}

/** The policies measured. */
export const MEASURED: readonly PolicyName[] = ["random", "pct", "exhaustive", "fast-check"];

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

function median(values: number[]): number {
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
export function measureRunsToFind(seeds = 20, budget = 1000, tickers = 0): RunsToFindRow[] {
  return bugs.map((bug) => {
    const medians: Record<string, number> = {};
    for (const policy of MEASURED) {
      const runs: number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const result = explore(tickers === 0 ? bug.buggy : noisy(bug.buggy, tickers), {
          policy,
          runs: budget,
          seed,
          depth: bug.depth,
          shrink: false,
          ...(bug.levels === undefined ? {} : { levels: bug.levels }),
        });
        runs.push(result.ok ? Infinity : result.runs);
      }
      medians[policy] = median(runs);
    }
    return { bug: bug.id, depth: bug.depth, medians };
  });
}

// ---------------------------------------------------------------- fast-check's scheduler, on Promises

type Sched = fc.Scheduler;

async function lostUpdateP(s: Sched): Promise<boolean> {
  const account = { balance: 100 };
  const deposit = async (amount: number, arrival: boolean): Promise<void> => {
    if (arrival) await s.schedule(Promise.resolve(), "arrival");
    const read = account.balance;
    await s.schedule(Promise.resolve(), "ledger");
    account.balance = read + amount;
  };
  const all = Promise.all([deposit(10, false), deposit(20, true)]);
  await s.waitAll();
  await all;
  return account.balance === 130;
}

async function cacheP(s: Sched): Promise<boolean> {
  const cache = new Map<string, string>();
  let fetches = 0;
  const request = async (arrival: boolean): Promise<void> => {
    if (arrival) await s.schedule(Promise.resolve(), "arrival");
    if (cache.has("k")) return;
    fetches++;
    await s.schedule(Promise.resolve(), "fetch");
    cache.set("k", "v");
  };
  const all = Promise.all([request(false), request(true)]);
  await s.waitAll();
  await all;
  return fetches === 1;
}

async function staleReadP(s: Sched): Promise<boolean> {
  const replicas = [0, 1, 2].map(() => ({ version: 0, value: "v0" }));
  const deliver = async (i: number, version: number, value: string): Promise<void> => {
    await s.schedule(Promise.resolve(), `deliver v${version} to ${i}`);
    const replica = replicas[i] as { version: number; value: string };
    replica.version = version;
    replica.value = value;
  };
  const all = Promise.all(replicas.flatMap((_, i) => [deliver(i, 1, "v1"), deliver(i, 2, "v2")]));
  await s.waitAll();
  await all;
  const newest = replicas.reduce((a, b) => (b.version > a.version ? b : a));
  return newest.value === "v2";
}

/** The Promise programs measured with `fc.scheduler`, by corpus id. */
export const SCHEDULER_PROGRAMS: Readonly<Record<string, (s: Sched) => Promise<boolean>>> = {
  "lost-update": lostUpdateP,
  "cache-check-then-act": cacheP,
  "stale-read-depth-3": staleReadP,
};

/**
 * Median runs-to-find with `fc.scheduler` (fast-check picks which scheduled promise resolves next).
 *
 * @example
 * ```ts
 * await measureSchedulerRunsToFind(20); // { "lost-update": 2, … }
 * ```
 */
export async function measureSchedulerRunsToFind(seeds = 20, budget = 1000): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [id, program] of Object.entries(SCHEDULER_PROGRAMS)) {
    const runs: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const result = await fc.check(fc.asyncProperty(fc.scheduler(), program), {
        seed,
        numRuns: budget,
        endOnFailure: true,
      });
      runs.push(result.failed ? result.numRuns : Infinity);
    }
    out[id] = median(runs);
  }
  return out;
}

/**
 * The table as Markdown.
 *
 * @example
 * ```ts
 * formatTable(measureRunsToFind(), await measureSchedulerRunsToFind());
 * ```
 */
export function formatTable(rows: readonly RunsToFindRow[], scheduler: Readonly<Record<string, number>>): string {
  const show = (n: number | undefined): string => (n === undefined ? "n/a" : n === Infinity ? "not found" : String(n));
  const lines = [
    `| bug | depth | ${MEASURED.join(" | ")} | fc.scheduler (Promise version) |`,
    `|---|---:|${MEASURED.map(() => "---:").join("|")}|---:|`,
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.bug} | ${row.depth} | ${MEASURED.map((p) => show(row.medians[p])).join(" | ")} | ${show(scheduler[row.bug])} |`,
    );
  }
  return lines.join("\n");
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  const scheduler = await measureSchedulerRunsToFind();
  process.stdout.write(`Plain programs:\n\n${formatTable(measureRunsToFind(), scheduler)}\n\n`);
  process.stdout.write(`With 3 background tickers:\n\n${formatTable(measureRunsToFind(20, 1000, 3), {})}\n`);
}
