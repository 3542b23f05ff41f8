/**
 * W4c, the cost of exploring a crowd (issue 10 item 7): `tasks` tasks of 200 `sleep(1)` each, so that
 * every instant is a tie group of `tasks` timers, run alone on a fresh loop and explored under each
 * policy and under `explore`'s defaults, growing the task count (10, 100, 1,000 tasks) to show the curve.
 *
 * Every system executes the same number of runs per sample: a campaign of `runs` runs also re-runs the
 * determinism sample's runs (0, 1, 3, 7, … of the campaign), and a FIFO campaign runs once whatever its
 * budget (one schedule), so FIFO runs as that many one-run campaigns. The program alone runs as many
 * fresh loops. A system's rate is then sleeps per second, and the ratio column (the program alone ÷ the
 * system) is what one explored run costs against the program alone.
 *
 * @module
 */
import { EventLoop, type ChoicePoint, type Coroutine, type JitterPoint, type SchedulingPolicy } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import type { ExploreFn } from "./exploration.ts";
import type { Workload } from "./harness.ts";

/** The workload's id (`--only W4` selects it with W4 and W4f). */
export const W4C_ID = "W4c";

/** The sleeps per task. */
export const CROWD_SLEEPS = 200;

/** The policies timed (each at explore's default levels), and `"defaults"`: `explore(program)` with no policy. */
export const CROWD_POLICIES = ["fifo", "random", "pct", "exhaustive", "defaults"] as const;

/** The crowd program: `tasks` tasks of {@link CROWD_SLEEPS} one-second sleeps, gathered. */
export function crowd(tasks: number): (loop: EventLoop) => Coroutine<void> {
  return function* () {
    function* worker(): Coroutine<void> {
      for (let i = 0; i < CROWD_SLEEPS; i++) yield* sleep(1);
    }
    yield* gather(...Array.from({ length: tasks }, () => worker()));
  };
}

/** The campaign's run budget at `tasks` tasks (fewer at 1,000, where one run takes a while). */
function campaignRuns(tasks: number): number {
  return tasks >= 1000 ? 2 : 8;
}

/** Runs a campaign of `runs` runs executes: its runs and the determinism sample's re-runs. */
export function executedRuns(runs: number): number {
  let executed = runs;
  for (let i = 0; i < runs; i++) if ((i & (i + 1)) === 0) executed++;
  return executed;
}

const programs = new Map<number, (loop: EventLoop) => Coroutine<void>>();

function programOf(tasks: number): (loop: EventLoop) => Coroutine<void> {
  let program = programs.get(tasks);
  if (program === undefined) programs.set(tasks, (program = crowd(tasks)));
  return program;
}

const TIES_ONLY = { ties: true, interleave: false, jitter: false, faults: false, io: false } as const;

/**
 * The floors under the explored rows: loops whose policy asks every tie question an exploring policy is
 * asked but answers it at once, with no explore around it. `asked` fires every tie in asyncio's order
 * (one question per timer: what a FIFO or random run is asked); `one-per-iteration` fires the first
 * timer and defers the rest after each fire (PCT's shape: one iteration and two questions per timer).
 */
export const CROWD_FLOORS: Readonly<Record<"asked" | "one-per-iteration", SchedulingPolicy>> = {
  asked: {
    name: "asked",
    levels: TIES_ONLY,
    choose: (): number => 0,
    chooseDuration: (point: JitterPoint): number => point.min,
  },
  "one-per-iteration": {
    name: "one-per-iteration",
    levels: TIES_ONLY,
    choose: (point: ChoicePoint): number => (point.kind === "tie" && point.canDefer ? point.options - 1 : 0),
    chooseDuration: (point: JitterPoint): number => point.min,
  },
};

/**
 * The program alone (or under one of {@link CROWD_FLOORS}, recording no choices): as many fresh loops
 * as a campaign executes runs. Returns the sleeps run.
 */
export function runCrowdAlone(tasks: number, floor?: keyof typeof CROWD_FLOORS): number {
  const program = programOf(tasks);
  const runs = executedRuns(campaignRuns(tasks));
  const options = floor === undefined ? {} : { policy: CROWD_FLOORS[floor], recordChoices: false };
  for (let i = 0; i < runs; i++) {
    const loop = new EventLoop(options);
    loop.runUntilComplete(program(loop));
  }
  return runs * tasks * CROWD_SLEEPS;
}

/**
 * One sample of `policy` (see the module doc): a campaign, or for FIFO as many one-run campaigns as
 * the others execute runs. Returns the sleeps run, or -1 when a campaign did not run its budget.
 */
export function runCrowdExplored(explore: ExploreFn, policy: (typeof CROWD_POLICIES)[number], tasks: number): number {
  const program = programOf(tasks);
  const runs = campaignRuns(tasks);
  const executed = executedRuns(runs);
  const options = { seed: 1, shrink: false, maxSteps: 100_000_000 };
  if (policy === "fifo") {
    for (let i = 0; i < executed; i += 2) {
      const result = explore(program, { ...options, policy, runs: 1 });
      if (!result.ok || result.runs !== 1) return -1;
    }
    return executed * tasks * CROWD_SLEEPS;
  }
  const result = explore(program, policy === "defaults" ? { ...options, runs } : { ...options, policy, runs });
  return result.ok && result.runs === runs ? executed * tasks * CROWD_SLEEPS : -1;
}

/** Builds W4c around a loaded `explore`. */
export function crowdWorkload(explore: ExploreFn, quick: boolean): Workload {
  return {
    id: W4C_ID,
    title: "the cost of exploring a crowd: tasks × 200 sleep(1), a tie group of every task at every instant",
    unit: "sleeps",
    sizes: quick ? [10, 100] : [10, 100, 1000],
    reps: (n) => (n >= 1000 || quick ? 3 : 5),
    expected: (n) => executedRuns(campaignRuns(n)) * n * CROWD_SLEEPS,
    systems: [
      {
        id: "simloop",
        name: "the program alone: a fresh loop per run, no policy, no explore",
        role: "simloop",
        run: (n: number) => runCrowdAlone(n),
      },
      {
        id: "asked",
        name: "the loop asking every tie, answered at once (asyncio's order; no explore)",
        role: "baseline" as const,
        run: (n: number) => runCrowdAlone(n, "asked"),
      },
      {
        id: "one-per-iteration",
        name: "the loop firing one timer per iteration, deferring the rest (PCT's shape; no explore)",
        role: "baseline" as const,
        run: (n: number) => runCrowdAlone(n, "one-per-iteration"),
      },
      ...CROWD_POLICIES.map((policy) => ({
        id: policy,
        name:
          policy === "defaults"
            ? "explore(program): its defaults (no policy, no levels given)"
            : `explore, policy "${policy}" (default levels)`,
        role: "peer" as const,
        run: (n: number) => runCrowdExplored(explore, policy, n),
      })),
    ],
  };
}
