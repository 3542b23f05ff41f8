import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const packagesDir = join(import.meta.dirname, "..", "..");

/**
 * What each package's sources may import (bare specifiers; `node:` built-ins are allowed outside core).
 * The arrows of the package graph: core imports nothing; coroutines only core; check only core,
 * coroutines, async, fast-check and immer (it explores async programs too); async only core; bench anything; nothing imports bench.
 */
const allowed: Record<string, readonly string[] | "any"> = {
  "@simloop/core": [],
  "@simloop/coroutines": ["@simloop/core"],
  "@simloop/check": ["@simloop/async", "@simloop/core", "@simloop/coroutines", "fast-check", "immer"],
  "@simloop/async": ["@simloop/core"],
  "@simloop/bench": "any",
};

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) files.push(path);
  }
  return files;
}

/** Every module specifier a file imports or re-exports, statically or dynamically (comments removed). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  for (const pattern of [
    /\b(?:import|export)\s[^"'`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ]) {
    for (const match of text.matchAll(pattern)) found.push(match[1] as string);
  }
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

const packages = readdirSync(packagesDir)
  .filter((dir) => statSync(join(packagesDir, dir, "src"), { throwIfNoEntry: false })?.isDirectory() === true)
  .map((dir) => ({
    dir,
    name: (JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8")) as { name: string }).name,
  }));

describe("the dependency arrows, read from the imports of every package's sources", () => {
  it("knows every package", () => {
    for (const { name } of packages) expect(allowed[name], `no arrows declared for ${name}`).toBeDefined();
  });

  for (const { dir, name } of packages) {
    it(`${name} imports only along its arrows, and never out of its own directory`, () => {
      const root = join(packagesDir, dir);
      const rule = allowed[name];
      for (const file of sourceFiles(join(root, "src"))) {
        const where = relative(packagesDir, file);
        for (const specifier of specifiers(file)) {
          if (specifier.startsWith(".")) {
            const target = resolve(dirname(file), specifier);
            expect(relative(root, target).startsWith(".."), `${where} reaches out of its package: ${specifier}`).toBe(
              false,
            );
            continue;
          }
          if (specifier.startsWith("node:")) {
            expect(name === "@simloop/core", `${where}: core imports no Node built-in (${specifier})`).toBe(false);
            continue;
          }
          const imported = packageName(specifier);
          // The one recorded exception: check's worker bootstrap loads tsx, optionally, to run
          // TypeScript programs in worker threads during development (never in a built package).
          if (where === "check/src/internal/worker-bootstrap.mjs" && imported === "tsx") continue;
          expect(imported, `${where}: nothing imports the benchmark`).not.toBe("@simloop/bench");
          if (rule !== "any") expect(rule, `${where}: ${name} must not import ${imported}`).toContain(imported);
        }
      }
    });
  }

  it("the reader sees every kind of import (a test of the test)", () => {
    const sample = join(packagesDir, "core", "test", "imports.test.ts");
    expect(specifiers(sample)).toEqual(expect.arrayContaining(["node:fs", "node:path", "vitest"]));
  });
});
