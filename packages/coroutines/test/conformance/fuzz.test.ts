/**
 * Differential fuzzing against CPython 3.11 asyncio: `tools/asyncio-oracle/fuzz.py` generates one
 * random program per seed (Python's `random.Random(seed)`), runs it on asyncio and prints
 * `{seed, scenario, trace}` JSON lines; each program then runs on simloop and the traces must be equal.
 *
 * `SIMLOOP_FUZZ_SEEDS=5000 npx vitest run packages/coroutines/test/conformance` runs more seeds
 * (default 300). A failure names the seed; `python3 tools/asyncio-oracle/fuzz.py --show <seed>` prints
 * that program and asyncio's trace.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runScenario, type Scenario } from "./interpreter.ts";
import { ORACLE_DIR, firstDifference } from "./paths.ts";

interface FuzzCase {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly trace: string;
}

const SEEDS = Number(process.env["SIMLOOP_FUZZ_SEEDS"] ?? 300);
const SHOWN = 3;

function generate(count: number): FuzzCase[] {
  const output = execFileSync("python3", [`${ORACLE_DIR}fuzz.py`, "--seeds", `0:${count}`], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return output
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as FuzzCase);
}

function runOnSimloop(scenario: Scenario): string {
  try {
    return runScenario(scenario);
  } catch (error) {
    return `<simloop run threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}>\n`;
  }
}

describe("differential fuzzing against CPython 3.11 asyncio", () => {
  it(`gives asyncio's trace for seeds 0..${SEEDS - 1}`, { timeout: 600_000 }, () => {
    expect(Number.isInteger(SEEDS) && SEEDS > 0, `SIMLOOP_FUZZ_SEEDS must be a positive integer`).toBe(true);
    const cases = generate(SEEDS);
    expect(cases.length).toBe(SEEDS);
    const failures: string[] = [];
    for (const { seed, scenario, trace } of cases) {
      const actual = runOnSimloop(scenario);
      const difference = firstDifference(trace, actual);
      if (difference === null) continue;
      const lines = [`seed ${seed}: ${difference}`];
      if (failures.length < SHOWN) {
        lines.push(
          `  program: ${JSON.stringify(scenario)}`,
          `  asyncio trace:\n${indent(trace)}`,
          `  simloop trace:\n${indent(actual)}`,
        );
      }
      failures.push(lines.join("\n"));
    }
    const summary =
      `${failures.length} of ${cases.length} seeds differ from asyncio ` +
      `(replay one with: python3 tools/asyncio-oracle/fuzz.py --show <seed>)\n\n${failures.join("\n\n")}`;
    expect(failures, summary).toEqual([]);
  });
});

function indent(text: string): string {
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => `    ${line}`)
    .join("\n");
}
