import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explore, fifo, random, runProgram, type ExploreOptions, type PolicyName } from "../src/index.ts";
import { nodeBugs } from "../examples/bugs/node/index.ts";
import type { BugCase } from "../examples/bugs/index.ts";
import { nodePromiseTwins } from "../examples/node-promise-twins.ts";

function options(bug: BugCase, policy: PolicyName, runs: number, seed = 1): ExploreOptions {
  return { policy, runs, seed, depth: bug.depth, ...(bug.levels === undefined ? {} : { levels: bug.levels }) };
}

describe("the corpus modelled on Node.js issues", () => {
  it("has at least ten bugs, each citing the issue or pull request it follows", () => {
    expect(nodeBugs.length).toBeGreaterThanOrEqual(10);
    for (const bug of nodeBugs) expect(bug.source).toMatch(/^[\w.-]+\/[\w.-]+#\d+/);
    expect(new Set(nodeBugs.map((bug) => bug.id)).size).toBe(nodeBugs.length);
  });

  it("has a Promise version of every bug, in its order", () => {
    expect(nodePromiseTwins.map((twin) => twin.id)).toEqual(nodeBugs.map((bug) => bug.id));
  });
});

describe.each(nodeBugs.map((bug) => [bug.id, bug] as const))("node corpus: %s", (_id, bug) => {
  it("passes with every duration at its minimum, and under FIFO with its levels", () => {
    expect(runProgram(bug.buggy).failure).toBeUndefined();
    expect(explore(bug.buggy, { policy: fifo(bug.levels ?? {}) }).ok).toBe(true);
  });

  for (const policy of ["random", "pct"] as const) {
    const runs = bug.budgets[policy];
    if (runs === undefined) continue;
    it(`is found by ${policy} within ${runs} runs (seed 1), with its kind of failure`, () => {
      const result = explore(bug.buggy, { ...options(bug, policy, runs), shrink: false });
      expect(result.ok).toBe(false);
      expect(result.failure!.kind).toBe(bug.kind);
    });
  }

  it("has a twin with the real fix that passes 1,000 random runs and 200 PCT runs", () => {
    const randomRuns = explore(bug.fixed, { policy: random(7, { levels: bug.levels ?? {} }), runs: 1000 });
    expect(randomRuns.failure?.report).toBeUndefined();
    const pctRuns = explore(bug.fixed, options(bug, "pct", 200));
    expect(pctRuns.failure?.report).toBeUndefined();
  });
});

describe.each(nodePromiseTwins.map((twin) => [twin.id, twin] as const))(
  "node corpus, Promise version: %s",
  (_id, twin) => {
    it(`fails under fc.scheduler within ${twin.budget} runs (seed 1) with the simloop program's message`, async () => {
      const result = await fc.check(fc.asyncProperty(fc.scheduler(), twin.buggy), {
        seed: 1,
        numRuns: twin.budget,
        endOnFailure: true,
      });
      expect(result.failed).toBe(true);
      const bug = nodeBugs.find((b) => b.id === twin.id)!;
      const simloop = explore(bug.buggy, { ...options(bug, "random", 1000), shrink: false });
      const head = (message: string): string => message.split(/[:(]/)[0] as string;
      expect(head((result.errorInstance as Error).message)).toBe(head((simloop.failure!.error as Error).message));
    });

    it("has a fixed version that passes 300 fc.scheduler runs", async () => {
      await fc.assert(fc.asyncProperty(fc.scheduler(), twin.fixed), { seed: 1, numRuns: 300 });
    });
  },
);
