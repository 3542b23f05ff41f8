/**
 * Conformance with CPython 3.11 asyncio: every scenario in `tools/asyncio-oracle/scenarios/` runs on
 * simloop and its whole trace must equal the one the oracle recorded on asyncio
 * (`tools/asyncio-oracle/expected/<name>.trace`, regenerated with `oracle.py --all … --write …`).
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScenario, type Scenario } from "./interpreter.ts";
import { EXPECTED_DIR, SCENARIOS_DIR, firstDifference } from "./paths.ts";

/**
 * Scenarios where simloop currently differs from asyncio, with the reason. They are not skipped: they
 * keep failing until simloop is fixed; this only puts the reason in the test name.
 */
const KNOWN_DISCREPANCIES: Readonly<Record<string, string>> = {};

const names = readdirSync(SCENARIOS_DIR)
  .filter((file) => file.endsWith(".json"))
  .map((file) => file.slice(0, -".json".length))
  .sort();

describe("conformance with CPython 3.11 asyncio", () => {
  it("has the scenarios and their expected traces", () => {
    expect(names.length).toBeGreaterThanOrEqual(133);
    const traces = new Set(readdirSync(EXPECTED_DIR).filter((file) => file.endsWith(".trace")));
    expect(names.filter((name) => !traces.has(`${name}.trace`))).toEqual([]);
  });

  for (const name of names) {
    const scenario = JSON.parse(readFileSync(`${SCENARIOS_DIR}${name}.json`, "utf8")) as Scenario;
    const known = KNOWN_DISCREPANCIES[name];
    const title = known === undefined ? name : `${name} [known simloop discrepancy: ${known}]`;
    it(title, () => {
      const expected = readFileSync(`${EXPECTED_DIR}${name}.trace`, "utf8");
      const actual = runScenario(scenario);
      const difference = firstDifference(expected, actual);
      expect(actual, `${scenario.description ?? name}\n${difference ?? ""}`).toBe(expected);
    });
  }
});
