import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seedScenarios } from "../../../docs/examples/seed-scenarios.ts";

const examples = join(import.meta.dirname, "..", "..", "..", "docs", "examples");

describe("docs/examples", () => {
  it("seed-scenarios prints its golden output (seed-scenarios.out)", () => {
    const lines: string[] = [];
    seedScenarios((line) => lines.push(line));
    expect(`${lines.join("\n")}\n`).toBe(readFileSync(join(examples, "seed-scenarios.out"), "utf8"));
  });
});
