import { describe, expect, it } from "vitest";
import {
  runBarePingPong,
  runBareSleepers,
  runObjectHeapTimers,
  runPackedHeapTimers,
  runRawNext,
  runRingChain,
} from "../bench/baselines.ts";
import {
  bareSleeperBytes,
  pingPongWorkload,
  runSimloopPingPong,
  runSimloopSleepers,
  simloopSleeperBytes,
  sleepDurations,
  sleepersWorkload,
  SLEEPS_PER_TASK,
} from "../bench/coroutines.ts";
import { loadExplore, lostUpdateBalances, runSimloopExplore, W4_PENDING } from "../bench/exploration.ts";
import { measureWorkload, pairedRatio, type Workload } from "../bench/harness.ts";
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
} from "../bench/peers.ts";
import { mulberry32, randomIntegers } from "../bench/prng.ts";
import { readyChainWorkload, runSimloopChain } from "../bench/ready-chain.ts";
import { renderGrowthSvg } from "../bench/chart.ts";
import { renderMarkdown, describeMachine, consoleWorkload } from "../bench/report.ts";
import { summarize } from "../bench/stats.ts";
import { evaluateTargets } from "../bench/targets.ts";
import { runSimloopTimers, timersWorkload, timerTimes } from "../bench/timers.ts";

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
  });
});
