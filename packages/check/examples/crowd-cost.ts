/**
 * The cost of exploring a crowd: `tasks` tasks of 200 `sleep(1)` each (every sleep ties with the other
 * tasks' sleeps: a tie group of `tasks` timers per instant), run alone on a fresh loop and as explored
 * runs under each policy and under `explore`'s defaults, growing the task count (10, 100, 1,000).
 *
 * A policy's figure is a campaign's time over the runs it executed: its runs (FIFO has a single
 * schedule, so a FIFO campaign runs once whatever its budget) and the passing runs its determinism
 * self-check ran again (runs 0, 1, 3, 7, … of the campaign). Times are the process's CPU time (a loaded
 * machine's other processes do not count; its garbage collector's helper threads do). Each cost is the median over `reps`
 * repetitions of the ratio to the program alone timed in the same repetition (a loaded machine moves
 * both sides of a ratio together); compare figures of one invocation only. The step budget is raised
 * so that 1,000 tasks fit (a finite one, as explore's default, so each dispatch pays what it does there).
 *
 * Run: `node --conditions=@simloop/source --import tsx packages/check/examples/crowd-cost.ts`
 * (`CROWD=small` stops at 100 tasks).
 *
 * @module
 */
import { EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import { explore, type ExploreOptions, type Program } from "../src/index.ts";
import { sampled } from "../src/internal/determinism-sample.ts";

/**
 * The crowd program: `tasks` tasks of `sleeps` one-second sleeps, gathered.
 *
 * @example
 * ```ts
 * explore(crowd(100, 200), { policy: "pct", runs: 1 });
 * ```
 */
export function crowd(tasks: number, sleeps: number): Program {
  return function* (_loop: EventLoop) {
    function* worker() {
      for (let i = 0; i < sleeps; i++) yield* sleep(1);
    }
    yield* gather(...Array.from({ length: tasks }, () => worker()));
  };
}

/** The sleeps per task. */
export const SLEEPS = 200;

/** The columns timed: each policy at explore's default levels, and `explore(program)` with no policy. */
export const CROWD_COLUMNS = ["fifo", "random", "pct", "exhaustive", "defaults"] as const;

/** One column of {@link CROWD_COLUMNS}. */
export type CrowdColumn = (typeof CROWD_COLUMNS)[number];

/** Runs per campaign, by task count (fewer at 1,000 tasks, where one run takes a while). */
function runsFor(tasks: number): number {
  return tasks >= 1000 ? 3 : 8;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The process's CPU time in milliseconds (user and system): robust to other processes on a loaded machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Milliseconds per run of the program alone: `runs` fresh loops with no policy, back to back (as a
 * campaign runs them, so that both sides pay their garbage collection the same way).
 */
function alone(program: Program, runs: number): number {
  const t0 = cpuMs();
  for (let i = 0; i < runs; i++) {
    const loop = new EventLoop();
    loop.runUntilComplete(program(loop) as Parameters<EventLoop["runUntilComplete"]>[0]);
  }
  return (cpuMs() - t0) / runs;
}

/** Milliseconds per executed run of one campaign under `column` (see the module doc), and the runs executed. */
function explored(program: Program, tasks: number, column: CrowdColumn): { ms: number; executed: number } {
  const options: ExploreOptions = {
    ...(column === "defaults" ? {} : { policy: column }),
    runs: runsFor(tasks),
    seed: 1,
    shrink: false,
    maxSteps: 100_000_000,
  };
  const t0 = cpuMs();
  const result = explore(program, options);
  const elapsed = cpuMs() - t0;
  if (!result.ok) throw new Error(`the crowd of ${tasks} failed under ${column}: ${String(result.failure?.error)}`);
  let executed = result.runs;
  for (let i = 0; i < result.runs; i++) if (sampled(i)) executed++;
  return { ms: elapsed / executed, executed };
}

/** One row: the task count, the program alone (ms), and per column the ms per explored run and the ratio. */
export interface CrowdRow {
  readonly tasks: number;
  readonly alone: number;
  readonly columns: Partial<Record<CrowdColumn, { readonly ms: number; readonly ratio: number }>>;
}

/**
 * One row per task count: the program alone and each column, medians over `reps` repetitions (each
 * column's ratio paired with the program alone timed just after it, as many runs as the campaign executed), or no entry for a column skipped.
 *
 * @example
 * ```ts
 * measureCrowd([10, 100], 3);
 * ```
 */
export function measureCrowd(
  counts: readonly number[] = [10, 100, 1000],
  reps = 3,
  skip: (tasks: number, column: CrowdColumn) => boolean = () => false,
): CrowdRow[] {
  return counts.map((tasks) => {
    const program = crowd(tasks, SLEEPS);
    alone(program, 1); // warm up
    const alones: number[] = [];
    const columns: Partial<Record<CrowdColumn, { ms: number; ratio: number }>> = {};
    for (const column of CROWD_COLUMNS) {
      if (skip(tasks, column)) continue;
      explored(program, tasks, column); // warm up
      const ms: number[] = [];
      const ratios: number[] = [];
      for (let r = 0; r < reps; r++) {
        const run = explored(program, tasks, column);
        const base = alone(program, run.executed);
        alones.push(base);
        ms.push(run.ms);
        ratios.push(run.ms / base);
      }
      columns[column] = { ms: median(ms), ratio: median(ratios) };
    }
    return { tasks, alone: median(alones), columns };
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  const rows = measureCrowd(process.env["CROWD"] === "small" ? [10, 100] : [10, 100, 1000], 3);
  process.stdout.write(
    `| tasks × ${SLEEPS} sleeps | alone | ${CROWD_COLUMNS.join(" | ")} |\n|---:|---:|${CROWD_COLUMNS.map(() => "---:").join("|")}|\n`,
  );
  for (const row of rows) {
    const cells = CROWD_COLUMNS.map((c) => {
      const cell = row.columns[c];
      return cell === undefined ? "not run" : `${cell.ms.toFixed(1)} ms (${cell.ratio.toFixed(1)}×)`;
    });
    process.stdout.write(`| ${row.tasks} | ${row.alone.toFixed(1)} ms | ${cells.join(" | ")} |\n`);
  }
}
