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

/**
 * The relative modules a source imports at run time: `import type` and `export type` are erased, and so
 * is an import whose every name is marked `type`.
 */
export function runtimeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  for (const match of code.matchAll(/^(?:import|export)\s+(type\s+)?([^"';]*?)\s*from\s*["'](\.[^"']+)["']/gm)) {
    if (match[1] !== undefined) continue;
    const clause = match[2] as string;
    const names = /\{([^}]*)\}/.exec(clause);
    const outside = clause.replace(/\{[^}]*\}/, "").replace(/[\s,]/g, "");
    const runtimeName =
      names !== null && names[1]!.split(",").some((n) => n.trim() !== "" && !/^type\s/.test(n.trim()));
    if (outside !== "" || runtimeName || names === null) found.push(match[3] as string);
  }
  for (const match of code.matchAll(/^import\s*["'](\.[^"']+)["']/gm)) found.push(match[1] as string);
  return found;
}

/** A cycle in `graph` (module → the modules it imports), as the path that closes it, or `null`. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") return [...path.slice(path.indexOf(next)), next];
      if (state.get(next) === undefined && graph.has(next)) {
        const cycle = visit(next);
        if (cycle !== null) return cycle;
      }
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    if (state.get(node) !== undefined) continue;
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe("core's files import one another without a cycle at run time", () => {
  it("has no runtime import cycle among core's sources", () => {
    const src = join(packagesDir, "core", "src");
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(src)) {
      const from = relative(src, file);
      graph.set(
        from,
        runtimeImports(readFileSync(file, "utf8")).map((specifier) => relative(src, resolve(dirname(file), specifier))),
      );
    }
    expect(graph.size).toBeGreaterThan(20);
    expect(
      findCycle(graph)?.join(" → ") ?? null,
      "a runtime import cycle: move the shared piece down, or import only its type",
    ).toBeNull();
  });

  it("tells runtime imports from type-only ones, and finds a cycle (a test of the test)", () => {
    const text = [
      'import { a, type B } from "./a.ts";',
      'import type { C } from "./c.ts";',
      'import { type D, type E } from "./d.ts";',
      'import * as f from "./f.ts";',
      'export { g } from "./g.ts";',
      'export type { H } from "./h.ts";',
      'import "./side-effect.ts";',
      'import {\n  i,\n  type J,\n} from "./i.ts";',
      'import { x } from "vitest";',
    ].join("\n");
    expect(runtimeImports(text)).toEqual(["./a.ts", "./f.ts", "./g.ts", "./i.ts", "./side-effect.ts"]);
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(findCycle(graph)).toEqual(["a", "b", "c", "a"]);
    expect(
      findCycle(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toBeNull();
  });
});

/** Every relative module a source imports or re-exports, `import type` included. */
export function relativeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(/^(?:import|export)\s[^"';]*?\bfrom\s*["'](\.[^"']+)["']/gm)].map((m) => m[1] as string);
}

/** A package's files, each with the files it imports (relative to its `src`). */
function importGraph(dir: string, read: (text: string) => string[]): Map<string, string[]> {
  const src = join(packagesDir, dir, "src");
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const targets = read(readFileSync(file, "utf8")).map((specifier) =>
      relative(src, resolve(dirname(file), specifier)),
    );
    graph.set(relative(src, file), targets);
  }
  return graph;
}

describe("coroutines, check and async import within themselves without a cycle, type imports included", () => {
  for (const dir of ["coroutines", "check", "async"]) {
    it(`${dir}: no import cycle, counting \`import type\``, () => {
      const graph = importGraph(dir, relativeImports);
      expect(graph.size).toBeGreaterThan(5);
      expect(
        findCycle(graph)?.join(" → ") ?? null,
        "an import cycle: move the shared type to the file that owns the concept, below both",
      ).toBeNull();
    });
  }

  it("reads type imports too (a test of the test)", () => {
    const text = [
      'import type { A } from "./a.ts";',
      'import { b } from "./b.ts";',
      'export type { C } from "./c.ts";',
    ];
    expect(relativeImports(text.join("\n"))).toEqual(["./a.ts", "./b.ts", "./c.ts"]);
  });
});

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
