import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  runBarePingPong,
  runBareSleepers,
  runObjectHeapTimers,
  runPackedHeapTimers,
  runRawNext,
  runRingChain,
} from "../src/baselines.ts";
import {
  bareSleeperBytes,
  pingPongWorkload,
  runSimloopPingPong,
  runSimloopSleepers,
  simloopSleeperBytes,
  sleepDurations,
  sleepersWorkload,
  SLEEPS_PER_TASK,
} from "../src/coroutines.ts";
import { CROWD_FLOORS, CROWD_SLEEPS, crowd, runCrowdAlone } from "../src/crowd.ts";
import { EventLoop } from "@simloop/core";
import { loadExplore, lostUpdateBalances, runSimloopExplore, W4_PENDING } from "../src/exploration.ts";
import { measureWorkload, pairedRatio, type Workload } from "../src/harness.ts";
import {
  runEffectionPingPong,
  runFakeTimersChain,
  runFakeTimersPingPong,
  runFakeTimersSleepers,
  runFakeTimersTimers,
  runFastCheckLostUpdate,
  runFastCheckPingPong,
  runRxjsQueueChain,
  runRxjsQueueChainFresh,
  runRxjsVirtualTimers,
} from "../src/peers.ts";
import { mulberry32, randomIntegers } from "../src/prng.ts";
import {
  asyncTimerDelays,
  asyncTimersWorkload,
  loadRunAsync,
  runBareMacrotaskAsyncTimers,
  runFakeTimersAsyncTimers,
  runSimloopAsyncTimers,
} from "../src/async-timers.ts";
import { readyChainWorkload, runSimloopChain } from "../src/ready-chain.ts";
import { renderGrowthSvg } from "../src/chart.ts";
import { consoleJobShop, jobShopTarget, measureJobShop } from "../src/job-shop.ts";
import { bareJobShop } from "../src/job-shop-bare.ts";
import { renderMarkdown, describeMachine, consoleRunsToFind, consoleWorkload } from "../src/report.ts";
import {
  loadRunsToFindSubject,
  measureRunsToFind,
  runsToFindSeeds,
  W4F_BUDGET,
  W4F_PENDING,
} from "../src/runs-to-find.ts";
import { summarize } from "../src/stats.ts";
import { evaluateTargets } from "../src/targets.ts";
import { runSimloopTimers, timersWorkload, timerTimes } from "../src/timers.ts";

/** The benchmark's workloads at tiny sizes: they run, agree on event counts, and report sane numbers. No timing is asserted. */
describe("bench smoke", () => {
  it("draws the same pseudo-random times for a seed", () => {
    expect(randomIntegers(5, 0, 100, 7)).toEqual(randomIntegers(5, 0, 100, 7));
    const random = mulberry32(1);
    for (let i = 0; i < 100; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it("summarises samples with median, min–max and quartiles", () => {
    expect(summarize([3, 1, 2, 4, 5])).toEqual({ median: 3, min: 1, max: 5, q1: 2, q3: 4, count: 5 });
  });

  it("fires every W1 timer on every system", () => {
    const times = timerTimes(500);
    for (const run of [
      runObjectHeapTimers,
      runPackedHeapTimers,
      runSimloopTimers,
      runFakeTimersTimers,
      runRxjsVirtualTimers,
    ]) {
      expect(run(times)).toBe(500);
    }
  });

  it("runs every W2 chain to its end", () => {
    for (const run of [runRingChain, runSimloopChain, runRxjsQueueChain, runRxjsQueueChainFresh, runFakeTimersChain]) {
      expect(run(1000)).toBe(1000);
    }
  });

  it("alternates W3a's two tasks on every system", async () => {
    expect(runRawNext(1000)).toBe(1000);
    expect(runBarePingPong(1000)).toBe(1000);
    expect(runSimloopPingPong(1000)).toBe(1000);
    expect(await runEffectionPingPong(200)).toBe(200);
    expect(await runFastCheckPingPong(200)).toBe(200);
    expect(await runFakeTimersPingPong(200)).toBe(200);
  });

  it("wakes every W3b sleeper", async () => {
    const n = 10 * SLEEPS_PER_TASK;
    expect(runBareSleepers(sleepDurations(n), 10, SLEEPS_PER_TASK)).toBe(n);
    expect(runSimloopSleepers(n)).toBe(n);
    expect(await runFakeTimersSleepers(sleepDurations(n), 10, SLEEPS_PER_TASK)).toBe(n);
  });

  it("runs W4c's floors as they claim: every tie asked in one iteration, or one timer fired per iteration", () => {
    const iterations = (floor: keyof typeof CROWD_FLOORS): number => {
      const loop = new EventLoop({ policy: CROWD_FLOORS[floor], recordChoices: false });
      loop.runUntilComplete(crowd(10)(loop));
      return loop.iteration;
    };
    // Asked in asyncio's order: an iteration fires the 10 timers, the next runs their tasks' steps.
    expect(iterations("asked")).toBeLessThanOrEqual(2 * CROWD_SLEEPS + 10);
    // PCT's shape: one timer per iteration, so at least one iteration per sleep of every task.
    expect(iterations("one-per-iteration")).toBeGreaterThanOrEqual(10 * CROWD_SLEEPS);
    expect(runCrowdAlone(10, "one-per-iteration")).toBe(runCrowdAlone(10));
  });

  it("measures a positive, bounded heap size per suspended task", () => {
    for (const bytes of [simloopSleeperBytes(2000), bareSleeperBytes(2000)]) {
      expect(Number.isFinite(bytes)).toBe(true);
      expect(bytes).toBeLessThan(100_000);
    }
  });

  it("runs W4's exploration, or says it is pending", async () => {
    expect(await runFastCheckLostUpdate(5)).toBe(5);
    const explore = await loadExplore();
    if (explore === null) {
      expect(W4_PENDING).toContain("pending");
      return;
    }
    expect(runSimloopExplore(explore, 20)).toBe(20);
    expect(lostUpdateBalances.every((b) => b >= 1 && b <= 3)).toBe(true);
  });

  /** The check package's modules W4f loads: while one is missing, W4f is pending. */
  const w4fInputs = [
    "../../check/src/index.ts",
    "../../check/examples/bugs/index.ts",
    "../../check/examples/promise-twins.ts",
  ];
  const w4fReady = w4fInputs.every((path) => existsSync(fileURLToPath(new URL(path, import.meta.url))));

  it("measures W4f's runs to find on a couple of seeds: simloop and fc.scheduler both find the lost update", async () => {
    const subject = await loadRunsToFindSubject();
    if (!w4fReady) {
      expect(subject).toBeNull();
      expect(consoleRunsToFind("pending")).toContain(W4F_PENDING);
      return;
    }
    expect(subject).not.toBeNull();
    expect(runsToFindSeeds(true)).toBeLessThan(runsToFindSeeds(false));
    const seeds = 2;
    const result = await measureRunsToFind(subject!, { seeds, warmup: 1 });
    expect(result.bug).toBe("lost-update");
    expect(result.finders.map((f) => f.id)).toEqual(["random", "pct", "exhaustive", "fc.scheduler"]);
    for (const finder of result.finders) {
      expect(finder.outcomes).toHaveLength(seeds);
      expect(finder.found, `${finder.name} never found the bug`).toBeGreaterThan(0);
      expect(finder.runs!.min).toBeGreaterThanOrEqual(1);
      expect(finder.runs!.max).toBeLessThanOrEqual(W4F_BUDGET);
      expect(finder.ms!.median).toBeGreaterThan(0);
      expect(Number.isFinite(finder.ms!.max)).toBe(true);
      if (finder.role === "simloop") {
        expect(finder.runsRatio!.median).toBeGreaterThan(0);
        expect(finder.msRatio!.median).toBeGreaterThan(0);
      }
    }
    const text = consoleRunsToFind(result);
    expect(text).toContain("W4f — runs to find the lost-update bug");
    expect(text).toContain("fc.scheduler ÷ system");
    const [target] = evaluateTargets(new Map(), null, false, result);
    expect(target?.workload).toBe("W4f");
    expect(target?.status).toBe("met");
    const markdown = renderMarkdown({
      machine: describeMachine(),
      command: "pnpm bench --quick --only W4f",
      results: [],
      memory: null,
      targets: [target!],
      w4Note: null,
      runsToFind: result,
      seconds: 1,
    });
    expect(markdown).toContain("## W4f — runs to find the lost-update bug");
    expect(markdown).toContain("| fast-check fc.scheduler (Promise twin) |");
  });

  it("runs W4f from the bench's entry with --quick --only W4f", () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const run = spawnSync(
      process.execPath,
      ["--conditions=@simloop/source", "--import", "tsx", "packages/bench/src/run.ts", "--quick", "--only", "W4f"],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("W4f — runs to find");
    expect(run.stdout).not.toContain("W1 —");
    if (w4fReady) {
      expect(run.stdout).toContain(`${runsToFindSeeds(true)}/${runsToFindSeeds(true)}`);
      expect(run.stdout).toContain("[met    ] W4f");
    } else {
      expect(run.stdout).toContain(W4F_PENDING);
    }
  }, 60_000);

  it("completes every W5 chain on every system, and measures finite paired ratios against both", async () => {
    const runAsync = await loadRunAsync();
    expect(runAsync, "@simloop/async should export runAsync").not.toBeNull();
    const delays = asyncTimerDelays(300);
    expect(await runBareMacrotaskAsyncTimers(delays)).toBe(300);
    expect(await runSimloopAsyncTimers(runAsync!, delays)).toBe(300);
    expect(await runFakeTimersAsyncTimers(delays)).toBe(300);
    const workload = { ...asyncTimersWorkload(runAsync!, true), sizes: [200], reps: () => 2 };
    const result = await measureWorkload(workload, { warmupSize: 200 });
    expect(result.rows.map((row) => row.system.id).sort()).toEqual(["bare-macrotask", "fake-timers", "simloop"]);
    const targets = evaluateTargets(new Map([["W5", result]]), null, false);
    expect(targets.map((t) => t.workload)).toEqual(["W5", "W5"]);
    for (const target of targets) {
      expect(["met", "not met"]).toContain(target.status);
      const [median, min, max] = (target.measured.match(/[\d.]+/g) ?? []).map(Number);
      for (const x of [median, min, max]) expect(Number.isFinite(x) && x! > 0, target.measured).toBe(true);
    }
    expect(consoleWorkload(result)).toContain("W5");
    const markdown = renderMarkdown({
      machine: describeMachine(),
      command: "pnpm bench --quick --only W5",
      results: [result],
      memory: null,
      targets,
      w4Note: null,
      seconds: 1,
    });
    expect(markdown).toContain("## W5 — async timers");
    expect(markdown).toContain("each called from its own real `MessageChannel` macrotask");
    const pending = evaluateTargets(new Map(), null, false, null, null, true);
    expect(pending).toEqual([expect.objectContaining({ workload: "W5", status: "n/a", measured: "pending" })]);
  });

  it("runs W7's bare floor on the same model: the same random stream and ordering give the same parts", async () => {
    const { jobShop } = await import("@simloop/examples/src/job-shop.ts");
    for (const seed of [1, 2, 3]) {
      const bare = bareJobShop({ machines: 3, weeks: 1, seed });
      const ours = jobShop({ machines: 3, weeks: 1, seed });
      expect(bare.machines.map((m) => m.parts)).toEqual(ours.machines.map((m) => m.parts));
    }
  });

  it("measures W7, the job shop against SimPy, or says why it was skipped", async () => {
    const result = await measureJobShop(true);
    const target = jobShopTarget(result);
    expect(target.workload).toBe("W7");
    if ("skipped" in result) {
      // No SimPy here (it is not a dependency): the line says what to install or set.
      expect(result.skipped).toMatch(/python3|SimPy/);
      expect(target.status).toBe("n/a");
      expect(consoleJobShop(result)).toContain("W7 — job shop vs SimPy: skipped:");
      return;
    }
    expect(result.ratio.median).toBeGreaterThan(0);
    expect(result.overBare.median).toBeGreaterThan(0);
    expect(Number.isFinite(result.ratio.median)).toBe(true);
    // Same model, different random streams: the part counts agree within a few percent.
    expect(Math.abs(result.simloopParts - result.simpyParts) / result.simpyParts).toBeLessThan(0.03);
    expect(["met", "not met"]).toContain(target.status);
    expect(consoleJobShop(result)).toContain("SimPy's time ÷ simloop's");
  }, 60_000);

  it("allocates per event no more than asyncio's own objects (W1, W2, W3a, W3b), measured with GC exposed", () => {
    // A separate process with --expose-gc: the measure needs a collected heap before each run.
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const run = spawnSync(
      process.execPath,
      [
        "--expose-gc",
        "--conditions=@simloop/source",
        "--import",
        "tsx",
        "packages/bench/src/run.ts",
        "--quick",
        "--only",
        "alloc",
      ],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("Allocation per event");
    const lines = run.stdout
      .split("\n")
      .filter((line) => line.includes("allocation per") || line.includes(" B; allowed"));
    for (const workload of ["W1", "W2", "W3a", "W3b"]) {
      expect(run.stdout, lines.join("\n")).toMatch(new RegExp(`\\[met    \\] ${workload} no allocation per`));
    }
  }, 60_000);

  it("measures whole workloads, with positive rates, paired ratios, targets and reports", async () => {
    const tiny = (workload: Workload, sizes: number[]): Workload => ({ ...workload, sizes, reps: () => 2 });
    const results = new Map();
    for (const workload of [
      tiny(timersWorkload(true), [200, 400]),
      tiny(readyChainWorkload(true), [500]),
      tiny(pingPongWorkload(true), [200]),
      tiny(sleepersWorkload(true), [SLEEPS_PER_TASK * 4]),
    ]) {
      const result = await measureWorkload(workload, { warmupSize: workload.sizes[0] as number });
      results.set(workload.id, result);
      expect(result.rows.length).toBeGreaterThan(1);
      for (const row of result.rows) {
        expect(row.seconds).toHaveLength(2);
        expect(row.rate.median).toBeGreaterThan(0);
        expect(Number.isFinite(row.rate.median)).toBe(true);
        expect(row.rate.min).toBeLessThanOrEqual(row.rate.max);
      }
      const simloop = result.rows.find((row) => row.system.id === "simloop");
      const other = result.rows.find((row) => row.system.id !== "simloop");
      expect(pairedRatio(simloop!, other!).median).toBeGreaterThan(0);
      expect(consoleWorkload(result)).toContain(workload.id);
    }
    const targets = evaluateTargets(results, null, true);
    expect(targets.length).toBeGreaterThan(5);
    for (const target of targets) expect(["met", "not met", "n/a"]).toContain(target.status);
    const svg = renderGrowthSvg(results.get("W1"));
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("simloop");
    const markdown = renderMarkdown({
      machine: describeMachine(),
      command: "pnpm bench --quick",
      results: [...results.values()],
      memory: null,
      targets,
      w4Note: W4_PENDING,
      seconds: 1,
    });
    expect(markdown).toContain("## W1");
    expect(markdown).toContain("performance-growth.svg");
  }, 60_000);
});
