import * as core from "@simloop/core";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as coroutines from "../src/index.ts";

/** docs/asyncio.md maps asyncio's exception classes to simloop's (issue 11 item 19): keep it true. */
const exported: Record<string, unknown> = { ...core, ...coroutines };
const table = readFileSync(new URL("../../../docs/asyncio.md", import.meta.url), "utf8")
  .split("## Exceptions")[1]
  ?.split("\n## ")[0];

function row(asyncio: string): string[] {
  const line = table?.split("\n").find((l) => l.startsWith(`| \`${asyncio}\``));
  const cell = line?.split("|")[3] ?? "";
  return [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1] as string);
}

describe("the asyncio → simloop exception table", () => {
  it("names only exported SimloopError classes", () => {
    expect(table).toBeDefined();
    for (const asyncio of ["RuntimeError", "ValueError", "TypeError"]) {
      const classes = row(asyncio);
      expect(classes.length).toBeGreaterThan(0);
      for (const name of classes) {
        const value = exported[name] as { prototype?: unknown } | undefined;
        expect(value, name).toBeTypeOf("function");
        expect(value?.prototype, name).toBeInstanceOf(core.SimloopError);
      }
    }
  });

  it("maps RuntimeError to LoopMisuseError subclasses", () => {
    for (const name of row("RuntimeError")) {
      if (name === "LoopMisuseError") continue;
      expect((exported[name] as { prototype: unknown }).prototype, name).toBeInstanceOf(core.LoopMisuseError);
    }
  });
});
