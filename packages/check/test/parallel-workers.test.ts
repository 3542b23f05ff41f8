import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckArgumentError, exploreParallel, WatchdogTimeoutError, WorkerExitError } from "../src/index.ts";

const stopping = new URL("./fixtures/parallel/stopping.ts", import.meta.url).href;
const lostUpdate = new URL("../examples/bugs/lost-update.ts", import.meta.url).href;

describe("exploreParallel: a worker that stops without answering (issue 11 items 10, 15)", () => {
  it("a program calling process.exit(0) fails the run it was in, instead of never settling", async () => {
    const result = await exploreParallel(stopping, "exitsEarly", { policy: "random", runs: 6, workers: 2, seed: 1 });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe("worker-exit");
    expect(result.failure?.error).toBeInstanceOf(WorkerExitError);
    expect(result.failure?.run).toBe(0);
    expect(result.failure?.report).toMatch(/exited with code 0 before answering, in run 1/);
    expect(result.failure?.report).toMatch(
      /explore\(exitsEarly, \{ policy: "random", seed: 1, firstRun: 0, runs: 1 \}\)/,
    );
  });

  it("the watchdog terminates a worker whose run never ends, and reports that run", async () => {
    const result = await exploreParallel(stopping, "spins", { policy: "pct", runs: 4, workers: 1, watchdogMs: 500 });
    expect(result.ok).toBe(false);
    expect(result.failure?.kind).toBe("watchdog");
    expect(result.failure?.error).toBeInstanceOf(WatchdogTimeoutError);
    expect(result.failure?.run).toBe(0);
    expect(result.failure?.report).toMatch(/did not end within 500 ms of real time/);
  });

  it("the watchdog lets a healthy campaign finish", async () => {
    const result = await exploreParallel(lostUpdate, "lostUpdateBug.fixed", {
      runs: 50,
      workers: 2,
      watchdogMs: 10_000,
    });
    expect(result.ok).toBe(true);
    expect(result.totalRuns).toBe(50);
  });

  it("refuses a watchdog that is not a positive number of milliseconds", async () => {
    await expect(exploreParallel(lostUpdate, "lostUpdateBug.fixed", { watchdogMs: 0 })).rejects.toBeInstanceOf(
      CheckArgumentError,
    );
  });
});

describe("exploreParallel from the installed package (issue 11 item 11)", () => {
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  let project = "";

  /** A user's project: the four packages built into node_modules, their dependencies, tsx. */
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "simloop-installed-"));
    for (const name of ["core", "coroutines", "async", "check"]) {
      const target = join(project, "node_modules", "@simloop", name);
      mkdirSync(target, { recursive: true });
      copyFileSync(join(root, "packages", name, "package.json"), join(target, "package.json"));
      const built = spawnSync(
        "npx",
        ["tsc", "-p", join(root, "packages", name, "tsconfig.build.json"), "--outDir", join(target, "dist")],
        { cwd: root, encoding: "utf8" },
      );
      expect(built.status, `${built.stdout}${built.stderr}`).toBe(0);
    }
    const require = createRequire(join(root, "packages", "check", "package.json"));
    for (const dependency of ["fast-check", "immer", "tsx"]) {
      const manifest = require.resolve(`${dependency}/package.json`, {
        paths: [join(root, "packages", "check"), root],
      });
      symlinkSync(dirname(manifest), join(project, "node_modules", dependency), "dir");
    }
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "user-project", type: "module", private: true }),
    );
    copyFileSync(
      fileURLToPath(new URL("./fixtures/parallel/typed-program.ts", import.meta.url)),
      join(project, "programs.ts"),
    );
  }, 120_000);

  afterAll(() => {
    if (project !== "") rmSync(project, { recursive: true, force: true });
  });

  const explorePrograms = (execArgv: readonly string[] | undefined): { status: number | null; output: string } => {
    writeFileSync(
      join(project, "main.mjs"),
      [
        'import { exploreParallel } from "@simloop/check";',
        `const result = await exploreParallel(new URL("./programs.ts", import.meta.url).href, "lostUpdate", { policy: "random", runs: 50, workers: 2, seed: 1${execArgv === undefined ? "" : `, execArgv: ${JSON.stringify(execArgv)}`} });`,
        "process.stdout.write(JSON.stringify({ ok: result.ok, kind: result.failure?.kind, message: result.failure?.error.message }));",
      ].join("\n"),
    );
    const run = spawnSync(process.execPath, ["main.mjs"], { cwd: project, encoding: "utf8" });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  };

  it("loads a TypeScript program module with tsx in execArgv, as the docs' example does", () => {
    const { status, output } = explorePrograms(["--import", "tsx"]);
    expect(status, output).toBe(0);
    expect(JSON.parse(output)).toMatchObject({
      ok: false,
      kind: "error",
      message: expect.stringMatching(/lost update/),
    });
  });

  it("loads it without execArgv too: the workers register tsx from the program's project", () => {
    const { status, output } = explorePrograms(undefined);
    expect(status, output).toBe(0);
    expect(JSON.parse(output)).toMatchObject({ ok: false, kind: "error" });
  });
});
