import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exploration } from "../../../docs/examples/exploration.ts";
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
