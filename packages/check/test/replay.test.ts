import { describe, expect, it } from "vitest";
import { sleep } from "@simloop/coroutines";
import {
  CheckArgumentError,
  compareTraces,
  explore,
  replay,
  ReplayDivergenceError,
  traceLines,
  watchGlobals,
} from "../src/index.ts";
import { staleReadDepth3Bug } from "../examples/bugs/stale-read-depth3.ts";

describe("replay", () => {
  it("reproduces a failure from its schedule string: the identical trace", () => {
    const result = explore(staleReadDepth3Bug.buggy, { policy: "random", runs: 200, seed: 4 });
    const failure = result.failure!;
    const again = replay(staleReadDepth3Bug.buggy, failure.schedule.toString(), { seed: failure.runSeed });
    expect(again.failure?.kind).toBe("error");
    expect(again.divergence).toBeNull();
    expect(compareTraces(again.trace, failure.trace)).toBeNull();
    expect(traceLines(again.trace)).toEqual(traceLines(replay(staleReadDepth3Bug.buggy, failure.schedule).trace));
  });

  it("gives asyncio's own run for the empty schedule", () => {
    expect(replay(staleReadDepth3Bug.buggy, "").failure).toBeUndefined();
  });

  it("throws where the program left the recording (strict), or reports it (lenient)", () => {
    expect(() => replay(staleReadDepth3Bug.buggy, "i2=1")).toThrow(ReplayDivergenceError);
    expect(() => replay(staleReadDepth3Bug.buggy, "i2=1")).toThrow(
      /Replay diverged at decision #0 \(t=0\): the recording expected a interleave choice with 2 options, the program asked a interleave choice with 6 options/,
    );
    const lenient = replay(staleReadDepth3Bug.buggy, "t2=1,t2=0,t2=1,t2=0,t2=1,t2=1*6", { strict: false });
    expect(lenient.divergence).toMatchObject({ actual: "only 6 (the run ended first)" });
  });
});

describe("determinism helpers", () => {
  it("compareTraces names the first difference", () => {
    const a = replay(staleReadDepth3Bug.buggy, "").trace;
    const b = replay(staleReadDepth3Bug.buggy, "t2=1").trace;
    expect(compareTraces(a, a)).toBeNull();
    expect(compareTraces(a, b)).toMatchObject({ index: expect.any(Number) as number });
  });

  it("watchGlobals counts the usual culprits and restores them", () => {
    const before = Math.random;
    const { value, culprits } = watchGlobals(() => {
      Date.now();
      return Math.random() < 2;
    });
    expect(value).toBe(true);
    expect(culprits).toEqual(["Date.now", "Math.random"]);
    expect(Math.random).toBe(before);
  });

  it("a deterministic program replays to one trace however often", () => {
    const traces = new Set(
      Array.from({ length: 10 }, () =>
        traceLines(
          replay(function* steady() {
            yield* sleep(1);
          }, "").trace,
        ).join("\n"),
      ),
    );
    expect(traces.size).toBe(1);
  });
});

describe("replay's inputs (issue 11 item 12)", () => {
  it("replays a schedule with a huge repeat without expanding it: the run ends first", () => {
    const result = replay(staleReadDepth3Bug.buggy, "t2=1*999999999", { strict: false });
    expect(result.divergence).toMatchObject({ expected: "999999999 decisions" });
  });

  it("names a missing schedule instead of a raw TypeError", () => {
    expect(() => replay(staleReadDepth3Bug.buggy, undefined as never)).toThrow(CheckArgumentError);
    expect(() => replay(staleReadDepth3Bug.buggy, undefined as never)).toThrow(
      /replay\(\) needs a schedule .*got undefined/,
    );
  });
});
