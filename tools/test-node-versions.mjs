#!/usr/bin/env node
// Runs the vitest suite on each supported Node major (20, 22, 24 by default; or the majors given as
// arguments, e.g. `node tools/test-node-versions.mjs 22 24`). The Node binaries come from the npm
// registry's `node-<platform>-<arch>` packages, installed once into node_modules/.cache/node-versions.
// Prints one line per version and exits non-zero if any version failed.
// --ci (as `pnpm test` calls it): run only when the CI environment variable is set, so that CI runs the
// other versions while a developer's `pnpm test` stays one run; skip the major this Node runs the whole
// suite on; and leave out the benchmark smoke tests (**/bench-smoke.test.ts: performance, not
// compatibility, a third of the suite's time and its most load-sensitive tests).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const majors = process.argv.slice(2).filter((a) => /^\d+$/.test(a));
const ciOnly = process.argv.includes("--ci");
const current = process.versions.node.split(".")[0];
const versions = (majors.length > 0 ? majors : ["20", "22", "24"]).filter((v) => !ciOnly || v !== current);
if (ciOnly && !process.env["CI"]) {
  console.log("test-node-versions: skipped outside CI (run `pnpm test:node-versions` for Node 20, 22 and 24)");
  process.exit(0);
}
const cache = join(root, "node_modules/.cache/node-versions");
const binary = `node-${process.platform}-${process.arch}`;

mkdirSync(cache, { recursive: true });
if (!existsSync(join(cache, "package.json"))) writeFileSync(join(cache, "package.json"), '{ "private": true }\n');
const missing = versions.filter((v) => !existsSync(join(cache, `node_modules/node${v}/bin/node`)));
if (missing.length > 0) {
  const install = spawnSync(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--loglevel=error",
      ...missing.map((v) => `node${v}@npm:${binary}@^${v}`),
    ],
    { cwd: cache, stdio: "inherit" },
  );
  if (install.status !== 0) {
    console.error(
      `test-node-versions: could not install ${binary} for Node ${missing.join(", ")} from the npm registry`,
    );
    process.exit(1);
  }
}

const results = [];
for (const v of versions) {
  const node = join(cache, `node_modules/node${v}/bin/node`);
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.log(`\n=== Node ${version}: vitest run`);
  const extra = ciOnly ? ["--exclude", "**/bench-smoke.test.ts"] : [];
  const run = spawnSync(node, [join(root, "tools/run-tests.mjs"), ...extra], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    // run-tests.mjs starts vitest through npx: put this Node first on the PATH so that vitest runs on it.
    env: { ...process.env, PATH: `${join(cache, `node_modules/node${v}/bin`)}:${process.env.PATH}` },
  });
  const lines = run.stdout.trim().split("\n");
  const closing = lines.at(-1) ?? "";
  // Vitest's own lines for the failures (its summary and the failed tests), not the whole run.
  if (run.status !== 0)
    console.log(
      lines
        .filter((l) => /FAIL|×|✗|Error/.test(l))
        .slice(0, 60)
        .join("\n"),
    );
  results.push({ version, ok: run.status === 0, closing });
  console.log(closing);
}
console.log("\nNode versions:");
for (const { version, ok, closing } of results)
  console.log(`  ${version}: ${ok ? "ok" : "FAILED"} (${closing.replace(/^vitest: /, "")})`);
if (results.some((r) => !r.ok)) process.exit(1);
