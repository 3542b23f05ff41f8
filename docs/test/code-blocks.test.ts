/**
 * Every TypeScript and JavaScript code block of the README, the package READMEs and docs/ runs: each is
 * written to its own module under docs/test/.blocks/, type-checked with the repository's strict settings,
 * and imported. A block that defines vitest tests (it imports from "vitest") contributes its tests to this
 * file; any other block runs inside a test, its console output captured. A block must therefore be
 * self-contained: its imports, and every name it uses, in the block.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeEach, describe, expect, it, vi } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const out = join(root, "docs/test/.blocks");

interface Block {
  readonly source: string; // e.g. docs/check.md:9
  readonly file: string; // the module written for it
  readonly code: string;
  readonly vitest: boolean;
}

function markdownFiles(): string[] {
  const files = [join(root, "README.md")];
  for (const pkg of readdirSync(join(root, "packages"))) {
    const readme = join(root, "packages", pkg, "README.md");
    if (statSync(join(root, "packages", pkg)).isDirectory() && exists(readme)) files.push(readme);
  }
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules" || name === "api" || name.startsWith(".")) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".md")) files.push(path);
    }
  };
  walk(join(root, "docs"));
  return files;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function extract(): Block[] {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const blocks: Block[] = [];
  for (const path of markdownFiles()) {
    const lines = readFileSync(path, "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const open = /^(\s*)```(ts|typescript|js|javascript)\b/.exec(lines[i]!);
      if (open === null) continue;
      const indent = open[1]!.length;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(indent));
      const source = `${relative(root, path)}:${i + 1}`;
      const ext = open[2]!.startsWith("j") ? "mjs" : "ts";
      const file = join(out, `${source.replace(/[/:.]/g, "_")}.${ext}`);
      const code = body.join("\n");
      writeFileSync(file, `// ${source}\n${code}\n`);
      blocks.push({ source, file, code, vitest: /from "vitest"/.test(code) });
      i = j;
    }
  }
  return blocks;
}

const blocks = extract();
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify({
    extends: "../../../tsconfig.base.json",
    compilerOptions: {
      noEmit: true,
      noUnusedLocals: false,
      noUnusedParameters: false,
      declaration: false,
      isolatedDeclarations: false,
      allowJs: true,
      checkJs: false,
    },
    include: ["*.ts", "*.mjs"],
  }),
);

describe("the docs' code blocks", () => {
  it("are found (README, package READMEs, docs/)", () => {
    expect(blocks.length).toBeGreaterThan(15);
  });

  it("type-check with the repository's strict settings", () => {
    const tsc = spawnSync(
      process.execPath,
      [join(root, "node_modules/typescript/bin/tsc"), "-p", join(out, "tsconfig.json")],
      {
        encoding: "utf8",
      },
    );
    const errors = `${tsc.stdout}${tsc.stderr}`
      .split("\n")
      .filter((l) => l.includes("error TS"))
      .map((line) => {
        const block = blocks.find(
          (b) => line.includes(relative(root, b.file)) || line.includes(b.file.split("/").at(-1)!),
        );
        return block === undefined
          ? line
          : `${block.source}: ${line.replace(/^.*?\((\d+),(\d+)\)/, (_, l, c) => `line ${Number(l) - 1}, col ${c}`)}`;
      });
    expect(errors, "make each block self-contained: its imports, and every name it uses").toEqual([]);
  }, 120_000);
});

// The tests that blocks define may print as documented (simloopTest's summary line): in this file, the
// console is captured and discarded instead of failing the test (tools/vitest-setup.ts).
beforeEach(() => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation(() => undefined);
  }
});

// Blocks that define vitest tests add them here, at collection time.
for (const block of blocks.filter((b) => b.vitest)) {
  try {
    await import(pathToFileURL(block.file).href);
  } catch (error) {
    it(`${block.source} loads`, () => {
      throw error;
    });
  }
}

describe("the docs' code blocks run", () => {
  for (const block of blocks.filter((b) => !b.vitest)) {
    it(
      block.source,
      async () => {
        const printed: string[] = [];
        for (const method of ["log", "info", "warn", "error", "debug"] as const) {
          vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
            printed.push(args.map(String).join(" "));
          });
        }
        await import(pathToFileURL(block.file).href);
        vi.restoreAllMocks();
      },
      60_000,
    );
  }
});
