import { describe, expect, it } from "vitest";
import {
  compareTraces,
  explore,
  fifo,
  random,
  replay,
  runProgram,
  type ExploreOptions,
  type PolicyName,
} from "../src/index.ts";
import { bugs, type BugCase } from "../examples/bugs/index.ts";

const POLICIES: readonly PolicyName[] = ["random", "pct", "exhaustive", "fast-check"];

function options(bug: BugCase, policy: PolicyName, runs: number): ExploreOptions {
  return { policy, runs, seed: 1, depth: bug.depth, ...(bug.levels === undefined ? {} : { levels: bug.levels }) };
}

describe.each(bugs.map((bug) => [bug.id, bug] as const))("bug corpus: %s", (_id, bug) => {
  it("passes under asyncio's FIFO order (the bug hides in plain runs)", () => {
    expect(runProgram(bug.buggy).failure).toBeUndefined();
    expect(explore(bug.buggy, { policy: fifo(bug.levels ?? {}) }).ok).toBe(true);
  });

  for (const policy of POLICIES) {
    const runs = bug.budgets[policy];
    if (runs === undefined) continue;
    it(`is found by ${policy} within ${runs} runs, shrunk to ${bug.depth} deviation(s), and replays`, () => {
      const result = explore(bug.buggy, options(bug, policy, runs));
      expect(result.ok).toBe(false);
      const failure = result.failure!;
      expect(failure.kind).toBe(bug.kind);
      expect(result.runs).toBeLessThanOrEqual(runs);
      expect(failure.schedule.deviations).toBe(bug.depth);
      // 1-minimal: resetting any single deviation to FIFO makes the failure go away.
      for (const i of failure.schedule.deviationIndices()) {
        const simpler = replay(bug.buggy, failure.schedule.withFifoAt(i), {
          seed: failure.runSeed,
          strict: false,
          levels: result.levels,
        });
        expect(simpler.failure?.kind).not.toBe(bug.kind);
      }
      // The replay line reproduces the minimal run exactly.
      const again = replay(bug.buggy, failure.schedule.toString(), { seed: failure.runSeed, levels: result.levels });
      expect(again.failure?.kind).toBe(bug.kind);
      expect(compareTraces(again.trace, failure.trace)).toBeNull();
    });
  }

  it("has a twin that passes every policy (no false alarm)", () => {
    for (const policy of POLICIES) {
      const result = explore(bug.fixed, options(bug, policy, 200));
      expect.soft(result.failure?.report, `${bug.id} fixed under ${policy}`).toBeUndefined();
    }
    const exhaustive = explore(bug.fixed, { ...options(bug, "exhaustive", 2000), maxDeviations: bug.depth + 1 });
    expect(exhaustive.ok).toBe(true);
    expect(exhaustive.coverage.complete).toBe(true);
  });
});

describe("bug corpus: other levels", () => {
  it("finds the leaked lock by fault injection alone (faults level, no ties)", () => {
    const bug = bugs.find((b) => b.id === "cancel-leaks-lock")!;
    const result = explore(bug.buggy, {
      policy: random(3, { levels: { ties: false, faults: true }, faultProbability: 0.5 }),
      runs: 50,
    });
    expect(result.ok).toBe(false);
    expect(result.failure!.kind).toBe("deadlock");
    expect(result.failure!.schedule.toString()).toMatch(/^v2:f2=/);
    const fixed = explore(bug.fixed, { policy: "exhaustive", levels: { faults: true }, runs: 500 });
    expect(fixed.ok).toBe(true);
    expect(fixed.coverage.complete).toBe(true);
  });
});
