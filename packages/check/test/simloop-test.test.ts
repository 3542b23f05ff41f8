import { describe, expect, it } from "vitest";
import {
  CheckArgumentError,
  ExplorationFailedError,
  runSimloopCheck,
  shardRuns,
  simloopTest,
  withEnvironment,
  withSeed,
} from "../src/index.ts";
import { lostUpdateBug } from "../examples/bugs/lost-update.ts";

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

describe("simloopTest", () => {
  it("defines a test whose failure message carries the report and the rerun line", () => {
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
    expect(message).toMatch(/replay\(deposits add up, "t2=1"/);
    expect(message).toMatch(/Rerun it alone: SIMLOOP_SEED=3 SIMLOOP_RUNS=20 npx vitest run -t "deposits add up"$/);
  });

  it("passes quietly when nothing fails", () => {
    expect(runSimloopCheck(lostUpdateBug.fixed, { runs: 10 }, {}).ok).toBe(true);
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
