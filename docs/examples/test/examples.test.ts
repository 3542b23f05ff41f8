import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { examples } from "../src/index.ts";

// Each example's output is pinned by golden/<name>.out; UPDATE_GOLDEN=1 rewrites them (review the diff).
const golden = (name: string): URL => new URL(`../golden/${name}.out`, import.meta.url);

describe("the examples print their golden output", () => {
  for (const [name, run] of Object.entries(examples)) {
    it(name, async () => {
      const lines: string[] = [];
      await run((line) => lines.push(line));
      const output = `${lines.join("\n")}\n`;
      if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(golden(name), output);
      expect(output).toBe(readFileSync(golden(name), "utf8"));
    });
  }
});
