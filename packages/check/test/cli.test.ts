import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXIT, main } from "../src/cli.ts";

const fixture = fileURLToPath(new URL("./fixtures/cli-programs.ts", import.meta.url));
const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url));

/** Runs `main` in-process, collecting what it prints. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Spawns the `simloop` executable from sources, as a shell would. */
function spawn(...argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["--conditions=@simloop/source", "--import", "tsx", bin, ...argv], {
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("simloop explore", () => {
  it("exits 1 with the report and a runnable replay command when a schedule fails", async () => {
    const { code, out } = await run("explore", fixture, "--export", "buggy", "--runs", "50", "--seed", "1");
    expect(code).toBe(EXIT.failure);
    expect(out).toContain("lost update: balance is 120, expected 130");
    expect(out).toMatch(/simloop replay \S+cli-programs\.ts (v2:)?t2=1 --seed 3625787 --export buggy/);
    expect(out.split("\n").at(-1)).toMatch(
      /^simloop explore: FAILED: 1 runs, 1 distinct schedules \(mixed\(depth 2\), seed 1\); 1 probe run, 0 random, 0 PCT \(PCT.s bound/,
    );
  });

  it("writes the HTML report of the failure with --html, and says where; a write error leaves exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simloop-cli-"));
    try {
      const file = join(dir, "reports", "buggy.html");
      const { code, out } = await run("explore", fixture, "--export", "buggy", "--seed", "1", "--html", file);
      expect(code).toBe(EXIT.failure);
      expect(out).toContain(`HTML report: ${file}`);
      const page = readFileSync(file, "utf8");
      expect(page).toMatch(/^<!doctype html>/i);
      expect(page).toContain("lost update: balance is 120, expected 130");
      writeFileSync(join(dir, "blocker"), "");
      const blocked = await run(
        "explore",
        fixture,
        "--export",
        "buggy",
        "--seed",
        "1",
        "--html",
        join(dir, "blocker", "x.html"),
      );
      expect(blocked.code).toBe(EXIT.failure);
      expect(blocked.err).toMatch(/^simloop: ReportWriteError: /);
      const passing = await run(
        "explore",
        fixture,
        "--export",
        "fixed",
        "--runs",
        "5",
        "--html",
        join(dir, "fixed.html"),
      );
      expect(passing.code).toBe(EXIT.ok);
      expect(existsSync(join(dir, "fixed.html"))).toBe(false);
      expect((await run("explore", fixture, "--html", "")).code).toBe(EXIT.usage);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 0 with a summary line when every run passes", async () => {
    const { code, out } = await run("explore", fixture, "--export", "fixed", "--policy", "exhaustive", "--seed", "1");
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/^simloop explore: passed: \d+ runs, \d+ distinct schedules \(exhaustive/);
  });

  it("runs only its shard's run range", async () => {
    const { code, out } = await run("explore", fixture, "--export", "fixed", "--runs", "10", "--shard", "2/3");
    expect(code).toBe(EXIT.ok);
    expect(out).toContain("4 runs");
    expect(out).toContain("shard 2/3: runs 4..7");
  });

  it("runs exhaustive with partial-order reduction from --reduce and --shared-state", async () => {
    const plain = await run("explore", fixture, "--export", "fixed", "--policy", "exhaustive");
    const reduced = await run(
      "explore",
      fixture,
      "--export",
      "fixed",
      "--policy",
      "exhaustive",
      "--reduce",
      "--shared-state",
      "tracked",
    );
    expect(reduced.code).toBe(EXIT.ok);
    expect(reduced.out).toMatch(
      /explored every schedule, up to the order of independent steps: \d+ run\(s\) \(\d+ reordering/,
    );
    expect(plain.out).not.toContain("independent steps");
  });

  it("exits 2 with the usage on a bad command line", async () => {
    for (const argv of [
      ["explore", fixture, "--runs", "x"],
      ["explore", fixture, "--policy", "bogus"],
      ["explore", fixture, "--levels", "ties,nope"],
      ["explore", fixture, "--shard", "4/3"],
      ["explore", fixture, "--time-budget", "soon"],
      ["explore", fixture, "--policy", "exhaustive", "--workers", "2"],
      ["explore", fixture, "--reduce"],
      ["explore", fixture, "--policy", "exhaustive", "--reduce", "--shared-state", "somewhere"],
      ["explore", fixture, "--policy", "exhaustive", "--shared-state", "tracked"],
      ["explore", fixture, "--unknown"],
      ["explore"],
      ["frobnicate"],
      [],
    ]) {
      const { code, err } = await run(...argv);
      expect(code, argv.join(" ")).toBe(EXIT.usage);
      expect(err).toContain("Usage:");
    }
  });

  it("exits 3 naming the exports when the program cannot be found", async () => {
    const ambiguous = await run("explore", fixture);
    expect(ambiguous.code).toBe(EXIT.error);
    expect(ambiguous.err).toContain("several exported functions (buggy, fixed): name the program with --export");
    const missing = await run("explore", fixture, "--export", "nope");
    expect(missing.code).toBe(EXIT.error);
    expect(missing.err).toContain('exports no function "nope"');
    const absent = await run("explore", "./no-such-module.js");
    expect(absent.code).toBe(EXIT.error);
    expect(absent.err).toContain("Cannot import the module ./no-such-module.js");
  });
});

describe("simloop replay", () => {
  it("exits 1 on the failing schedule and 0 on FIFO, printing the timeline", async () => {
    const failing = await run("replay", fixture, "t2=1", "--export", "buggy", "--seed", "3625787");
    expect(failing.code).toBe(EXIT.failure);
    expect(failing.out).toContain("Timeline");
    expect(failing.out).toContain("simloop replay: FAILED (error): Error: lost update: balance is 120, expected 130");
    const fifo = await run("replay", fixture, "t2=0", "--export", "buggy", "--seed", "3625787");
    expect(fifo.code).toBe(EXIT.ok);
  });

  it("exits 3 when the schedule does not fit the program, and 2 when it does not parse", async () => {
    const diverged = await run("replay", fixture, "t2=1,t2=1,t2=1", "--export", "buggy");
    expect(diverged.code).toBe(EXIT.error);
    expect(diverged.err).toContain("ReplayDivergenceError");
    const unparsable = await run("replay", fixture, "nonsense", "--export", "buggy");
    expect(unparsable.code).toBe(EXIT.usage);
    expect(unparsable.err).toContain("Cannot parse the schedule");
  });
});

describe("the simloop executable", () => {
  it("sets the exit code: 1 for a failing campaign on two workers, 0 for a passing shard, 2 for usage", () => {
    const failing = spawn("explore", fixture, "--export", "buggy", "--runs", "20", "--workers", "2", "--seed", "1");
    expect(failing.stdout).toContain("simloop replay");
    expect(failing.code).toBe(1);
    const passing = spawn("explore", fixture, "--export", "fixed", "--runs", "20", "--shard", "1/2");
    expect(passing.stdout).toMatch(/^simloop explore: passed: 10 runs/);
    expect(passing.code).toBe(0);
    const usage = spawn("explore");
    expect(usage.stderr).toContain("Usage:");
    expect(usage.code).toBe(2);
  }, 120_000);
});
