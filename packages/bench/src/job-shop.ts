/**
 * W7, simulation: the job shop with breakdowns (`docs/examples/src/job-shop.ts`: machines making parts,
 * breakdowns interrupting them, one repairer as a resource) against the same model written for SimPy 4
 * (`../python/job_shop_simpy.py`), run by `python3` on the same machine.
 *
 * simloop runs the examples package's built JavaScript in this process; SimPy runs in a child process
 * per repetition and times its own `env.run` (Python's start-up and imports are not counted). Both
 * sides measure the CPU time of the run, which a loaded machine disturbs less than wall time. The
 * systems alternate, and each repetition's ratio is SimPy's seconds ÷ simloop's. The two models draw
 * from different random streams, so their part counts differ by a fraction of a percent: both are
 * printed.
 *
 * A third system, the same model on a bare generator scheduler (`./job-shop-bare.ts`), is the floor:
 * what any generator scheduler in JavaScript gets on this model, so SimPy's time ÷ the bare one's bounds
 * what simloop can reach, and simloop's time ÷ the bare one's is what its guarantees cost.
 *
 * SimPy is not a dependency of the project: the workload is skipped, with the reason, when `python3`
 * cannot import it. `SIMLOOP_SIMPY_PATH` may name a folder that holds the `simpy` package (such as a
 * SimPy source checkout's `src/`); `SIMLOOP_PYTHON` names another interpreter.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bareJobShop } from "./job-shop-bare.ts";
import { summarize, type Summary } from "./stats.ts";
import type { TargetResult } from "./targets.ts";

/** The `--only` id of this workload. */
export const W7_ID = "W7";

/** The target the issue sets: the job shop at least this many times SimPy's speed. */
export const W7_TARGET = 5;

/** What one repetition of the model produced. */
interface Run {
  readonly seconds: number;
  readonly parts: number;
}

/** The model's entry, as the examples package builds it. */
type JobShop = (options: { machines: number; weeks: number; seed: number }) => {
  readonly machines: readonly { readonly parts: number }[];
};

/** W7's measurements, or the reason it was skipped. */
export type JobShopResult =
  | {
      readonly machines: number;
      readonly weeks: number;
      readonly simloop: Summary;
      readonly simpy: Summary;
      readonly bare: Summary;
      /** SimPy's seconds ÷ simloop's, per repetition. */
      readonly ratio: Summary;
      /** SimPy's seconds ÷ the bare scheduler's, per repetition: the most a JavaScript scheduler gets. */
      readonly bareRatio: Summary;
      /** simloop's seconds ÷ the bare scheduler's, per repetition: what simloop's guarantees cost. */
      readonly overBare: Summary;
      readonly simloopParts: number;
      readonly simpyParts: number;
      readonly simpyVersion: string;
      /** Whether simloop's model ran from the built examples package or from its sources. */
      readonly from: string;
    }
  | { readonly skipped: string };

const script = fileURLToPath(new URL("../python/job_shop_simpy.py", import.meta.url));

function runSimpy(machines: number, weeks: number, seed: number): { run: Run; version: string } | string {
  const python = process.env["SIMLOOP_PYTHON"] ?? "python3";
  const path = process.env["SIMLOOP_SIMPY_PATH"];
  const env = { ...process.env };
  if (path !== undefined && path !== "") env["PYTHONPATH"] = [path, env["PYTHONPATH"]].filter(Boolean).join(":");
  const child = spawnSync(python, [script, String(machines), String(weeks), String(seed), "1"], {
    env,
    encoding: "utf8",
  });
  if (child.error !== undefined) return `${python} could not be run (${child.error.message})`;
  if (child.status !== 0) {
    const last = child.stderr.trim().split("\n").at(-1) ?? "";
    return last.includes("No module named 'simpy'")
      ? `${python} cannot import SimPy: install it (pip install simpy) or set SIMLOOP_SIMPY_PATH to a folder holding its simpy package`
      : `the SimPy model failed: ${last}`;
  }
  const out = JSON.parse(child.stdout) as { seconds: number[]; parts: number; simpy: string };
  return { run: { seconds: out.seconds[0] as number, parts: out.parts }, version: out.simpy };
}

/** The built model (as users run JavaScript), else its TypeScript source through the loader. */
async function loadJobShop(): Promise<{ jobShop: JobShop; from: string } | string> {
  for (const [specifier, from] of [
    ["@simloop/examples/dist/job-shop.js", "built"],
    ["@simloop/examples/src/job-shop.ts", "sources (not built: pnpm build)"],
  ] as const) {
    try {
      const module = (await import(specifier)) as { jobShop: JobShop };
      const core = import.meta.resolve("@simloop/core").includes("/src/") ? "simloop's sources" : "its build";
      return { jobShop: module.jobShop, from: `${from}, on ${core}` };
    } catch {
      // try the next form
    }
  }
  return "the examples package's job shop could not be loaded";
}

/** The process's CPU seconds so far: both sides measure CPU time, which a loaded machine disturbs less. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function runSimloop(jobShop: JobShop, machines: number, weeks: number, seed: number): Run {
  const started = cpuSeconds();
  const result = jobShop({ machines, weeks, seed });
  const seconds = cpuSeconds() - started;
  return { seconds, parts: result.machines.reduce((n, m) => n + m.parts, 0) };
}

/**
 * Measures W7: `reps` alternating repetitions of the job shop (5 machines, 52 weeks of virtual minutes;
 * 4 weeks under `quick`), after one warm-up of each system.
 */
export async function measureJobShop(
  quick: boolean,
  progress: (line: string) => void = () => {},
): Promise<JobShopResult> {
  const machines = 5;
  const weeks = quick ? 4 : 52;
  const reps = quick ? 3 : 7;
  const warmups = quick ? 1 : 3;
  const loaded = await loadJobShop();
  if (typeof loaded === "string") return { skipped: loaded };
  const { jobShop, from } = loaded;
  const warm = runSimpy(machines, 1, 1);
  if (typeof warm === "string") return { skipped: warm };
  for (let w = 0; w < warmups; w++) runSimloop(jobShop, machines, weeks, 1);
  for (let w = 0; w < warmups; w++) runSimloop(bareJobShop, machines, weeks, 1);
  const ours: Run[] = [];
  const theirs: Run[] = [];
  const floor: Run[] = [];
  for (let r = 0; r < reps; r++) {
    progress(`W7 job shop: repetition ${r + 1} of ${reps}`);
    const seed = r + 1;
    const first = r % 2 === 0;
    if (first) ours.push(runSimloop(jobShop, machines, weeks, seed));
    floor.push(runSimloop(bareJobShop, machines, weeks, seed));
    const simpy = runSimpy(machines, weeks, seed);
    if (typeof simpy === "string") return { skipped: simpy };
    theirs.push(simpy.run);
    if (!first) ours.push(runSimloop(jobShop, machines, weeks, seed));
  }
  return {
    machines,
    weeks,
    simloop: summarize(ours.map((x) => x.seconds)),
    simpy: summarize(theirs.map((x) => x.seconds)),
    bare: summarize(floor.map((x) => x.seconds)),
    ratio: summarize(ours.map((x, i) => (theirs[i] as Run).seconds / x.seconds)),
    bareRatio: summarize(floor.map((x, i) => (theirs[i] as Run).seconds / x.seconds)),
    overBare: summarize(ours.map((x, i) => x.seconds / (floor[i] as Run).seconds)),
    simloopParts: ours.at(-1)?.parts ?? 0,
    simpyParts: theirs.at(-1)?.parts ?? 0,
    simpyVersion: warm.version,
    from,
  };
}

function fmt(x: number): string {
  return x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function range(s: Summary): string {
  return `${fmt(s.median)}× (${fmt(s.min)}–${fmt(s.max)})`;
}

/** W7's console lines. */
export function consoleJobShop(result: JobShopResult): string {
  if ("skipped" in result) return `\nW7 — job shop vs SimPy: skipped: ${result.skipped}`;
  const ms = (s: Summary): string =>
    `${(s.median * 1000).toFixed(0)} ms (${(s.min * 1000).toFixed(0)}–${(s.max * 1000).toFixed(0)})`;
  return [
    "",
    `W7 — job shop with breakdowns, ${result.machines} machines × ${result.weeks} weeks (simloop's model ${result.from}; SimPy ${result.simpyVersion} under python3)`,
    `  simloop ${ms(result.simloop)} per run, ${result.simloopParts} parts; SimPy ${ms(result.simpy)} per run, ${result.simpyParts} parts`,
    `  bare generator scheduler ${ms(result.bare)} per run (the floor: the same model with no guarantees)`,
    `  SimPy's time ÷ simloop's: ${range(result.ratio)}; ÷ the bare scheduler's: ${range(result.bareRatio)}`,
    `  simloop's time ÷ the bare scheduler's (what its guarantees cost here): ${range(result.overBare)}`,
  ].join("\n");
}

/** W7's target line: the job shop at least {@link W7_TARGET}× SimPy's speed. */
export function jobShopTarget(result: JobShopResult): TargetResult {
  const description = `job shop with interrupts ≥ ${W7_TARGET}× SimPy 4's speed under python3`;
  if ("skipped" in result) return { workload: W7_ID, description, status: "n/a", measured: result.skipped };
  return {
    workload: W7_ID,
    description,
    status: result.ratio.median >= W7_TARGET ? "met" : "not met",
    measured: `${range(result.ratio)}; the bare scheduler's bound: ${range(result.bareRatio)}`,
  };
}
