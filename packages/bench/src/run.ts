/**
 * The benchmark suite's entry: `pnpm bench [--quick] [--write] [--only W1,W2]`.
 *
 * - `--quick`: tiny sizes, for a CI smoke run (a few seconds);
 * - `--write`: regenerate `docs/performance.md` and `docs/performance-growth.svg`;
 * - `--only W1,W3`: run only these workloads (`W3` selects W3a and W3b, `W4` selects W4, W4c and W4f, the
 *   runs-to-find comparison of `./runs-to-find.ts`; `alloc` selects the allocation per event of
 *   `./allocation.ts`; `W5` the async timers of `./async-timers.ts`; `W6` the drop-in scheduler of `./drop-in.ts`; `W7` the job shop against SimPy of
 *   `./job-shop.ts`).
 *
 * The root `bench` script builds the packages, then runs `node --expose-gc --import tsx
 * packages/bench/src/run.ts`: GC can be forced between timed runs, and simloop is measured from its
 * built package (the JavaScript its users import, as the peers are measured from theirs), not from its
 * sources through the TypeScript loader (whose transform adds a `__name` call to every nested named
 * function: measured 8% of a W4 run). With `--conditions=@simloop/source`, it measures the sources.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { asyncTimersWorkload, loadRunAsync, W5_PENDING } from "./async-timers.ts";
import { renderGrowthSvg } from "./chart.ts";
import { pingPongWorkload, sleepersWorkload } from "./coroutines.ts";
import { crowdWorkload, W4C_ID } from "./crowd.ts";
import { explorationWorkload, loadExplore, W4_PENDING } from "./exploration.ts";
import { measureWorkload, type Workload, type WorkloadResult } from "./harness.ts";
import { measureMemory, type MemoryResult } from "./memory.ts";
import { measureAllocation, type AllocationResult } from "./allocation.ts";
import { readyChainWorkload } from "./ready-chain.ts";
import {
  consoleMemory,
  consoleRunsToFind,
  consoleAllocation,
  consoleBounds,
  consoleTargets,
  consoleWorkload,
  describeMachine,
  renderMarkdown,
} from "./report.ts";
import {
  loadRunsToFindSubject,
  measureRunsToFind,
  runsToFindSeeds,
  W4F_ID,
  type RunsToFindResult,
} from "./runs-to-find.ts";
import { evaluateTargets } from "./targets.ts";
import { evaluateBounds } from "./bounds.ts";
import { timersWorkload } from "./timers.ts";
import { consoleJobShop, jobShopTarget, measureJobShop, W7_ID, type JobShopResult } from "./job-shop.ts";
import { dropInWorkload, loadSimloopScheduler, W6_ID, W6_PENDING } from "./drop-in.ts";

interface Flags {
  readonly quick: boolean;
  readonly write: boolean;
  readonly only: readonly string[] | null;
}

function parseFlags(argv: readonly string[]): Flags {
  let quick = false;
  let write = false;
  let only: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--quick") quick = true;
    else if (arg === "--write") write = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg === "--only" ? argv[++i] : arg.slice("--only=".length);
      if (value === undefined || value === "") throw new Error("--only needs a list, such as --only W1,W2");
      only = value.split(",").map((s) => s.trim().toUpperCase());
    } else if (arg !== "--") {
      throw new Error(
        `Unknown flag ${arg}. Usage: run.ts [--quick] [--write] [--only W1,W2,W3a,W3b,W4,W4c,W4f,W5,W6,W7,alloc]`,
      );
    }
  }
  return { quick, write, only };
}

/** The `--only` id of the allocation-per-event measure (`./allocation.ts`). */
const ALLOCATION_ID = "alloc";

function selected(flags: Flags, id: string): boolean {
  if (flags.only === null) return true;
  const upper = id.toUpperCase();
  return flags.only.some((want) => upper === want || upper.startsWith(want));
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const started = performance.now();
  const machine = describeMachine();
  const log = (text: string): void => void process.stdout.write(`${text}\n`);
  const progress = (line: string): void => void process.stderr.write(`  … ${line}\n`);
  if (typeof (globalThis as { gc?: unknown }).gc !== "function") {
    log("warning: run with node --expose-gc so that GC is forced between runs and memory is exact");
  }
  log(`simloop bench${flags.quick ? " (quick)" : ""}: node ${machine.node}, ${machine.cpus} CPUs, ${machine.model}`);
  log("medians over repetitions, systems alternating; ratio = simloop's rate ÷ the system's, paired per repetition");
  const measured = import.meta.resolve("@simloop/core");
  log(
    `simloop measured from ${measured.includes("/src/") ? "its sources (@simloop/source)" : "its built package"}: ${measured}`,
  );

  const workloads: Workload[] = [];
  for (const make of [timersWorkload, readyChainWorkload, pingPongWorkload, sleepersWorkload]) {
    const workload = make(flags.quick);
    if (selected(flags, workload.id)) workloads.push(workload);
  }
  let w4Note: string | null = null;
  if (selected(flags, "W4") || selected(flags, W4C_ID)) {
    const explore = await loadExplore();
    if (explore === null) {
      w4Note = W4_PENDING;
    } else {
      if (selected(flags, "W4")) {
        workloads.push(explorationWorkload(explore, flags.quick));
        w4Note =
          "The program never throws (it records the final balance), so every run of the budget executes; " +
          '`explore` runs with `policy: "random"` at ties only (`levels: { ties: true, interleave: false, jitter: false, faults: false, io: false }`), then with interleave too, then at its defaults (`explore(program, { runs, seed: 1, shrink: false })`), `shrink: false`. ' +
          "The floor runs the same program on a fresh loop per run, with no policy and no `explore`. " +
          "fast-check runs `fc.assert(fc.asyncProperty(fc.scheduler(), …))` on the Promise twin.";
      }
      if (selected(flags, W4C_ID)) workloads.push(crowdWorkload(explore, flags.quick));
    }
  }

  let w5Pending = false;
  if (selected(flags, "W5")) {
    const runAsync = await loadRunAsync();
    if (runAsync === null) w5Pending = true;
    else workloads.push(asyncTimersWorkload(runAsync, flags.quick));
  }

  let w6Pending = false;
  if (selected(flags, W6_ID)) {
    const simloopScheduler = await loadSimloopScheduler();
    if (simloopScheduler === null) w6Pending = true;
    else workloads.push(dropInWorkload(simloopScheduler, flags.quick));
  }

  const results = new Map<string, WorkloadResult>();
  for (const workload of workloads) {
    const result = await measureWorkload(workload, { progress });
    results.set(workload.id, result);
    log(consoleWorkload(result));
  }
  if (w4Note === W4_PENDING) log(`\nW4 — exploration: ${W4_PENDING}`);
  if (w5Pending) log(`\nW5 — async timers: ${W5_PENDING}`);
  if (w6Pending) log(`\nW6 — exploring async code: ${W6_PENDING}`);

  let runsToFind: RunsToFindResult | "pending" | null = null;
  if (selected(flags, W4F_ID)) {
    const subject = await loadRunsToFindSubject();
    runsToFind =
      subject === null
        ? "pending"
        : await measureRunsToFind(subject, { seeds: runsToFindSeeds(flags.quick), progress });
    log(consoleRunsToFind(runsToFind));
  }

  let memory: MemoryResult | null = null;
  if (selected(flags, "W3b")) {
    memory = measureMemory(flags.quick ? 1_000 : 100_000, !flags.quick);
    log(consoleMemory(memory));
  }

  let allocation: AllocationResult | null = null;
  if (selected(flags, ALLOCATION_ID)) {
    allocation = await measureAllocation(flags.quick);
    log(consoleAllocation(allocation));
  }

  let jobShop: JobShopResult | null = null;
  if (selected(flags, W7_ID)) {
    jobShop = await measureJobShop(flags.quick, progress);
    log(consoleJobShop(jobShop));
  }

  const targets = evaluateTargets(results, memory, w4Note === W4_PENDING, runsToFind, allocation, w5Pending);
  if (jobShop !== null) targets.push(jobShopTarget(jobShop));
  log(consoleTargets(targets));
  const bounds = evaluateBounds(results, memory);
  log(consoleBounds(bounds));
  const seconds = (performance.now() - started) / 1000;
  log(`\ndone in ${seconds.toFixed(1)} s`);

  if (flags.write) {
    const docs = new URL("../../../docs/", import.meta.url);
    mkdirSync(docs, { recursive: true });
    const command = `pnpm bench${flags.quick ? " --quick" : ""} --write${flags.only === null ? "" : ` --only ${flags.only.join(",")}`}`;
    writeFileSync(
      new URL("performance.md", docs),
      renderMarkdown({
        machine,
        command,
        results: [...results.values()],
        memory,
        allocation,
        targets,
        bounds,
        w4Note,
        runsToFind,
        seconds,
      }),
    );
    const w1 = results.get("W1");
    if (w1 !== undefined) writeFileSync(new URL("performance-growth.svg", docs), renderGrowthSvg(w1));
    log(`wrote docs/performance.md${w1 !== undefined ? " and docs/performance-growth.svg" : ""}`);
  }
}

await main();
