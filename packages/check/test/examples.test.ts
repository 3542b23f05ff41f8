import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buggy, exploration } from "../../../docs/examples/exploration.ts";
import { explore, replay } from "../src/index.ts";
import { seedScenarios } from "../../../docs/examples/seed-scenarios.ts";

const examples = join(import.meta.dirname, "..", "..", "..", "docs", "examples");
const golden = (name: string): string => readFileSync(join(examples, name), "utf8");
const printed = (example: (print: (line: string) => void) => void): string => {
  const lines: string[] = [];
  example((line) => lines.push(line));
  return `${lines.join("\n")}\n`;
};

describe("docs/examples (the demo's parts) print their golden output", () => {
  it("seed-scenarios.out", () => {
    expect(printed(seedScenarios)).toBe(golden("seed-scenarios.out"));
  });

  it("exploration.out: the lost update is found and shrunk, and its locked twin passes", () => {
    expect(printed(exploration)).toBe(golden("exploration.out"));
  });
});

describe("the demo's report speaks the user's words", () => {
  const report = explore(buggy, { policy: "pct", runs: 1000, seed: 1, name: "buggy" }).failure?.report ?? "";

  it("names no internal callback of the loop or of gather", () => {
    expect(report).not.toMatch(/setResultUnlessCancelled|onChildDone|runUntilCompleteCallback|defer the rest/);
    expect(report).toContain('ran "sleep(1) in deposit (exploration.ts:16), Task-3" first');
    expect(report).toContain("Task-3  deposit: gather's 2nd child, in buggy (exploration.ts:33)");
  });

  it("explains deviation, the policy, decision points, k and n the first time it uses them", () => {
    for (const term of [
      "deviation (a pick other than asyncio's own order)",
      "pct(depth 2): probabilistic concurrency testing",
      "decision point (a moment where more than one thing could run next",
      "k=2 decision points per run",
      "n=3 tasks",
      "#n = loop iteration",
    ])
      expect(report).toContain(term);
  });

  it("prints a replay line that runs as printed and fails the same way", () => {
    const line = report.split("\n").find((l) => l.trim().startsWith("replay(")) ?? "";
    // The line is code: evaluated with the names it uses in scope, it replays the failure.
    const result = new Function("replay", "buggy", `return ${line.trim()}`)(replay, buggy) as ReturnType<typeof replay>;
    expect(result.failure?.kind).toBe("error");
    expect(String(result.failure?.error)).toContain("lost update: balance is 120");
  });
});
