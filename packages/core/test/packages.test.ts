import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const readPkg = (name: string): { name: string; dependencies?: Record<string, string> } =>
  JSON.parse(readFileSync(join(root, name, "package.json"), "utf8"));

/**
 * The allowed dependency arrows: core ← coroutines ← check, core ← async ← check (decision 0018); the
 * benchmark uses them all, and the examples (whose job shop it measures).
 */
const allowed: Record<string, string[]> = {
  "@simloop/core": [],
  "@simloop/coroutines": ["@simloop/core"],
  "@simloop/check": ["@simloop/async", "@simloop/core", "@simloop/coroutines", "fast-check", "immer"],
  "@simloop/async": ["@simloop/core"],
  "@simloop/bench": [
    "@simloop/async",
    "@simloop/core",
    "@simloop/coroutines",
    "@simloop/check",
    "@simloop/examples",
    "@sinonjs/fake-timers",
    "effection",
    "fast-check",
    "rxjs",
  ],
};

describe("package boundaries", () => {
  it("core has no runtime dependencies", () => {
    expect(readPkg("core").dependencies ?? {}).toEqual({});
  });

  it("every package depends only along the allowed arrows", () => {
    for (const dir of readdirSync(root)) {
      const pkg = readPkg(dir);
      const deps = Object.keys(pkg.dependencies ?? {});
      expect(allowed[pkg.name], `unknown package ${pkg.name}`).toBeDefined();
      for (const dep of deps) expect(allowed[pkg.name], `${pkg.name} must not depend on ${dep}`).toContain(dep);
    }
  });

  it("core's sources use no real clock, timers, ambient randomness or I/O", () => {
    const src = join(root, "core", "src");
    for (const file of readdirSync(src)) {
      const text = readFileSync(join(src, file), "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      for (const banned of [
        "Date.now",
        "new Date",
        "Math.random",
        "setTimeout",
        "setInterval",
        "setImmediate",
        "queueMicrotask",
        "performance.now",
        "process.",
        // Node's modules, imported (a stack frame's location may read "node:…", which is no I/O).
        'from "node:',
        'import("node:',
        'require("node:',
      ]) {
        expect(text.includes(banned), `${file} uses ${banned}`).toBe(false);
      }
    }
  });
});
