/**
 * The cost of exploring a crowd: `tasks` tasks of 200 `sleep(1)` each (every sleep ties with the other
 * tasks' sleeps: a tie group of `tasks` timers per instant), run alone on a fresh loop and as one
 * explored run under each policy, growing the task count (10, 100, 1,000). Each figure is the fastest of
 * `reps` repetitions of a 5-run campaign, per run (a loaded machine inflates the others); compare figures of one run only.
 *
 * Run: `node --conditions=@simloop/source --import tsx packages/check/examples/crowd-cost.ts`
 *
 * @module
 */
import { EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import { explore, type Program } from "../src/index.ts";

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

function fastest(f: () => void, reps: number): number {
  f();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Runs per timed campaign: a figure is the campaign's time over its runs (the campaign's setup spread). */
const RUNS = 5;

/** The policies timed, each per explored run at explore's default levels (ties). */
export const CROWD_POLICIES = ["fifo", "random", "pct"] as const;

/**
 * One row per task count: milliseconds alone and per policy (the fastest of `reps`), or undefined for
 * a policy skipped at that size.
 *
 * @example
 * ```ts
 * measureCrowd([10, 100], 5);
 * ```
 */
export function measureCrowd(
  counts: readonly number[] = [10, 100, 1000],
  reps = 5,
  skip: (tasks: number, policy: string) => boolean = () => false,
): { tasks: number; alone: number; policies: Record<string, number | undefined> }[] {
  return counts.map((tasks) => {
    const program = crowd(tasks, 200);
    const alone = fastest(() => {
      const loop = new EventLoop();
      loop.runUntilComplete(program(loop) as Parameters<EventLoop["runUntilComplete"]>[0]);
    }, reps);
    const policies: Record<string, number | undefined> = {};
    for (const policy of CROWD_POLICIES) {
      policies[policy] = skip(tasks, policy)
        ? undefined
        : fastest(
            () => void explore(program, { policy, runs: RUNS, seed: 1, shrink: false }),
            tasks >= 1000 ? 1 : reps,
          ) / RUNS;
    }
    return { tasks, alone, policies };
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  const rows = measureCrowd(
    process.env["CROWD"] === "small" ? [10, 100] : [10, 100, 1000],
    5,
    (tasks, policy) => tasks >= 1000 && policy === "pct",
  );
  process.stdout.write(
    `| tasks × 200 sleeps | alone | ${CROWD_POLICIES.join(" | ")} |\n|---:|---:|${CROWD_POLICIES.map(() => "---:").join("|")}|\n`,
  );
  for (const row of rows) {
    const cells = CROWD_POLICIES.map((p) => {
      const t = row.policies[p];
      return t === undefined ? "not run" : `${t.toFixed(1)} ms (${(t / row.alone).toFixed(1)}×)`;
    });
    process.stdout.write(`| ${row.tasks} | ${row.alone.toFixed(1)} ms | ${cells.join(" | ")} |\n`);
  }
}
