import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  CheckArgumentError,
  ExplorationFailedError,
  runSimloopCheck,
  shardRuns,
  simloopTest,
  withEnvironment,
  withSeed,
  explore,
  progressLine,
  type ProgressOutput,
  type TestContextLike,
} from "../src/index.ts";
import type { EventLoop } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { replay, rerunPattern, type ExploreOptions, type Program, type ReplayResult } from "../src/index.ts";
import { lostUpdateBug } from "../examples/bugs/lost-update.ts";
import { FAILING_NAME, FAILING_OPTIONS } from "./fixtures/rerun/names.ts";

describe("withEnvironment and shardRuns", () => {
  it("honours SIMLOOP_SEED, SIMLOOP_RUNS and SIMLOOP_SHARD", () => {
    expect(withEnvironment({ seed: 1, runs: 10 }, {})).toEqual({ seed: 1, runs: 10 });
    expect(withEnvironment({ seed: 1, runs: 10 }, { SIMLOOP_SEED: "7", SIMLOOP_RUNS: "500" })).toEqual({
      seed: 7,
      runs: 500,
    });
    expect(withEnvironment({ runs: 1000 }, { SIMLOOP_SHARD: "2/4" })).toEqual({ firstRun: 250, runs: 250 });
    expect(() => withEnvironment({}, { SIMLOOP_RUNS: "many" })).toThrow(CheckArgumentError);
  });

  it("splits runs into contiguous ranges that cover the campaign", () => {
    const ranges = [1, 2, 3].map((i) => shardRuns(10, `${i}/3`));
    expect(ranges).toEqual([
      { firstRun: 0, runs: 4 },
      { firstRun: 4, runs: 4 },
      { firstRun: 8, runs: 2 },
    ]);
    expect(() => shardRuns(10, "4/3")).toThrow(/"i\/n"/);
  });
});

/** Captures what the vitest helper prints with console.log (the repo's tests may not print). */
function capturingConsole(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  });
  return lines;
}

describe("simloopTest", () => {
  it("annotates a passing test whose runs explored nothing, with the fix, and says it in the summary line", async () => {
    const lines = capturingConsole();
    const notes: string[] = [];
    let body: ((context?: TestContextLike) => void | Promise<void>) | undefined;
    simloopTest(
      (_name, fn) => (body = fn),
      "a fixed program",
      function* fixed(loop: EventLoop) {
        yield* loop.createTask(
          (function* () {
            yield* sleep(1);
          })(),
        );
      },
    );
    await body!({ annotate: (message: string) => notes.push(message) });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^simloop: no run met a choice point .* declare the uncertain ones with loop\.jitter\(min, max\)/,
    );
    await body!({}); // a runner without annotate: no note, no error
    expect(lines.join("\n")).toMatch(/simloop: a fixed program: passed .*\. Note: no run met a choice point/);
  });

  it("defines a test whose failure message carries the report and the rerun line", () => {
    const printed = capturingConsole();
    const defined: { name: string; body: () => void }[] = [];
    simloopTest((name, body) => defined.push({ name, body }), "deposits add up", lostUpdateBug.buggy, {
      policy: "pct",
      runs: 20,
      seed: 3,
    });
    expect(defined.map((d) => d.name)).toEqual(["deposits add up"]);
    let error: unknown;
    try {
      defined[0]!.body();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExplorationFailedError);
    const message = (error as Error).message;
    expect(message).toMatch(/^simloop check failed: deposits add up: the program threw/);
    expect(message).toMatch(
      /Rerun it alone: SIMLOOP_SEED=3 SIMLOOP_RUNS=20 npx vitest run -t '\(\?:\^\| \)deposits add up\$'$/,
    );
    // A failing campaign ends with its summary line too, before the report.
    expect(printed).toEqual([
      expect.stringMatching(
        /^simloop: deposits add up: FAILED \(error\) at run \d+, after \d+ runs?, \d+ distinct schedules? \(pct\(depth 2\)\); the report follows$/,
      ),
    ]);
  });

  it("ends a passing campaign with one summary line: runs, distinct schedules, the coverage claim", () => {
    const printed = capturingConsole();
    expect(runSimloopCheck(lostUpdateBug.fixed, { runs: 10, name: "fixed" }, {}).ok).toBe(true);
    expect(printed).toEqual([
      expect.stringMatching(
        /^simloop: fixed: passed 10 runs, \d+ distinct schedules? \(mixed\(depth 2\)\); 3 probe runs, 4 random, 3 PCT; of the PCT runs: a bug of depth <= 2 .* would have been found with probability >= /,
      ),
    ]);
  });

  it("stays silent with output: false", () => {
    const printed = capturingConsole();
    expect(runSimloopCheck(lostUpdateBug.fixed, { runs: 10, output: false }, {}).ok).toBe(true);
    expect(printed).toEqual([]);
  });
});

describe("progress", () => {
  it("explore prints nothing unless given an output", () => {
    const printed = capturingConsole();
    explore(lostUpdateBug.fixed, { runs: 5 });
    expect(printed).toEqual([]);
  });

  it("comes as a plain line per interval, then the summary", () => {
    const lines: string[] = [];
    const output: ProgressOutput = { line: (text) => lines.push(text), intervalMs: 0 };
    explore(lostUpdateBug.fixed, { runs: 3, name: "fixed", output });
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^simloop: fixed: 1 \/ 3 runs, 1 distinct schedules?, [\d,]+ runs\/s, ETA \d+ s$/),
      expect.stringMatching(/^simloop: fixed: 2 \/ 3 runs, /),
      expect.stringMatching(/^simloop: fixed: 3 \/ 3 runs, .*ETA 0 s$/),
    ]);
    expect(lines[3]).toMatch(/^simloop: fixed: passed 3 runs/);
    expect(lines).toHaveLength(4);
  });

  it("redraws one live line on a terminal and clears it before the summary", () => {
    const live: (string | null)[] = [];
    const lines: string[] = [];
    explore(lostUpdateBug.fixed, {
      runs: 2,
      name: "fixed",
      output: { line: (text) => lines.push(text), live: (text) => live.push(text), intervalMs: 0 },
    });
    expect(live).toEqual([
      expect.stringMatching(/^simloop: fixed: 1 \/ 2 runs/),
      expect.stringMatching(/2 \/ 2 runs/),
      null,
    ]);
    expect(lines).toEqual([expect.stringMatching(/^simloop: fixed: passed 2 runs/)]);
  });

  it("says runs, distinct schedules, rate and ETA (bounded by the time budget)", () => {
    const progress = { run: 999, runs: 100_000, distinctSchedules: 4321 };
    expect(progressLine("big", progress, 2000, undefined)).toBe(
      "simloop: big: 1,000 / 100,000 runs, 4,321 distinct schedules, 500 runs/s, ETA 3 min 18 s",
    );
    expect(progressLine("big", progress, 2000, 60_000)).toMatch(/ETA 58 s$/);
  });
});

describe("withSeed", () => {
  it("uses SIMLOOP_SEED when set, and puts the seed in the failure message", () => {
    expect(withSeed(1, (seed) => seed, {})).toBe(1);
    expect(withSeed(1, (seed) => seed, { SIMLOOP_SEED: "9" })).toBe(9);
    expect(() =>
      withSeed(
        5,
        () => {
          throw new RangeError("bad");
        },
        {},
      ),
    ).toThrow(/^\[seed 5\] bad\nRerun with SIMLOOP_SEED=5\.$/);
  });
});

describe("simloopTest's printed lines run as printed (issue 11 items 16, 17)", () => {
  const failureMessage = (program: Program, options: ExploreOptions): string => {
    try {
      runSimloopCheck(program, { output: false, ...options }, {});
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected a failure");
  };

  it("the replay line is code: with the program in scope under its name, it replays the failure", () => {
    const message = failureMessage(lostUpdateBug.buggy, { name: FAILING_NAME, ...FAILING_OPTIONS });
    const line = /^ {2}(replay\(.*)$/m.exec(message)?.[1] ?? "";
    expect(line).toMatch(/^replay\(lostUpdate, "v2:t2=1", \{ seed: \d+ \}\);$/);
    const result = new Function("replay", "lostUpdate", `return ${line}`)(replay, lostUpdateBug.buggy) as ReplayResult;
    expect(result.failure?.kind).toBe("error");
  });

  it("names the program `program` in the replay line when its name is not an identifier", () => {
    const message = failureMessage(
      Object.defineProperty(
        function* () {
          throw new Error("x");
        },
        "name",
        { value: "not an identifier" },
      ),
      {
        policy: "fifo",
        runs: 1,
        allowLeftoverTasks: false,
        setup: (loop) => loop.createFuture("never"),
      },
    );
    expect(message).toMatch(/^ {2}replay\(program, "", \{ seed: \d+ \}\);$/m);
  });

  it("the rerun command, run as printed, runs exactly the failing test and fails", () => {
    const message = failureMessage(lostUpdateBug.buggy, { name: FAILING_NAME, ...FAILING_OPTIONS });
    const command = /Rerun it alone: (.*)$/.exec(message)?.[1];
    expect(command).toBeDefined();
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && !key.startsWith("SIMLOOP_")),
    );
    const run = spawnSync("sh", ["-c", command!], {
      cwd: fileURLToPath(new URL("./fixtures/rerun/", import.meta.url)),
      encoding: "utf8",
      env: { ...env, NO_COLOR: "1", FORCE_COLOR: "0", CI: "1" },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).not.toBe(0);
    expect(output).toMatch(/Tests\s+1 failed \| 2 skipped \(3\)/);
    expect(output).toContain(`simloop check failed: ${FAILING_NAME}`);
  });
});

describe("rerunPattern", () => {
  it("matches exactly the name, also inside describe blocks, and survives the shell", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme-ascii" }),
        fc.string({ minLength: 1, unit: "grapheme-ascii" }),
        (name, extra) => {
          fc.pre(!name.includes("\n") && !/[\s]/.test(extra));
          const quoted = rerunPattern(name);
          const pattern = new RegExp(quoted.slice(1, -1).replaceAll("'\\''", "'"));
          expect(pattern.test(name)).toBe(true);
          expect(pattern.test(`outer describe ${name}`)).toBe(true);
          expect(pattern.test(`${name}${extra}`)).toBe(false);
        },
      ),
    );
    const name = "it's (b) $HOME `x` v1.2";
    const echoed = spawnSync("sh", ["-c", `printf %s ${rerunPattern(name)}`], { encoding: "utf8" }).stdout;
    expect(new RegExp(echoed).test(name)).toBe(true);
  });
});
