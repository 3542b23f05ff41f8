#!/usr/bin/env node
// Runs the vitest suite and ends with one plain closing line, `vitest: N passed, N failed, N skipped`,
// which CI reads. Exits non-zero if vitest failed or if no test ran at all. Extra arguments go to vitest.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "simloop-tests-"));
const report = join(dir, "report.json");
const run = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0);
  skipped = json.numPendingTests + json.numTodoTests;
} catch {
  failed = Math.max(failed, 1);
  console.error("run-tests: vitest wrote no report; counting the run as failed.");
}
rmSync(dir, { recursive: true, force: true });
console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (run.status !== 0 || failed > 0 || passed === 0) process.exit(run.status || 1);
