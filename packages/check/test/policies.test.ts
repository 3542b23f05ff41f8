import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventLoop, PolicyError } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import {
  choices,
  exhaustive,
  explore,
  fifo,
  pct,
  pctBound,
  random,
  replaying,
  runProgram,
  runSeed,
  Schedule,
  scheduleArb,
  CheckArgumentError,
  type ExplorationPolicy,
  type Program,
} from "../src/index.ts";
import { lostUpdateBug } from "../examples/bugs/lost-update.ts";

/** Three sleepers due at t=1: one tie of 3, then (after the first) ties with a defer option. */
const threeSleepers: Program = function* threeSleepers(loop) {
  const order: string[] = [];
  const sleeper = function* (name: string) {
    yield* sleep(1);
    order.push(name);
  };
  yield* gather(sleeper("a"), sleeper("b"), sleeper("c"));
  loop.note("order", order.join(""));
  return order.join("");
};

function runWith(policy: ExplorationPolicy, run = 0): { value: unknown; schedule: string } {
  policy.beginRun(run);
  return runBegun(policy);
}

function runBegun(policy: ExplorationPolicy): { value: unknown; schedule: string } {
  const outcome = runProgram(threeSleepers, { policy });
  policy.endRun({ decisions: outcome.schedule.length, tasks: outcome.tasks, failed: outcome.failure !== undefined });
  return { value: outcome.value, schedule: outcome.schedule.toString() };
}

describe("fifo", () => {
  it("asks every decision point and answers asyncio's choice", () => {
    const policy = fifo();
    expect(runWith(policy)).toEqual({ value: "abc", schedule: "v2:t3=0*2,t2=0" });
    expect(policy.beginRun(1)).toBe(false);
  });
});

describe("random", () => {
  it("is deterministic per (seed, run) and varies across runs", () => {
    const values = (seed: number) => Array.from({ length: 12 }, (_, run) => runWith(random(seed), run).value);
    expect(values(3)).toEqual(values(3));
    expect(new Set(values(3)).size).toBeGreaterThan(2);
  });

  it("is a plain SchedulingPolicy too", () => {
    const loop = new EventLoop({ policy: random(1) });
    expect(loop.runUntilComplete(threeSleepers(loop))).toMatch(/^[abc]{3}$/);
  });
});

describe("pct", () => {
  it("states its per-run bound 1/(n·k^(d−1))", () => {
    expect(pctBound(2, 10, 1)).toBe(0.5);
    expect(pctBound(2, 10, 2)).toBe(0.05);
    expect(pctBound(4, 10, 3)).toBe(1 / 400);
  });

  it("turns observed n and k into a confidence for its depth", () => {
    const policy = pct(1, 2);
    for (let run = 0; run < 50; run++) runWith(policy, run);
    const coverage = policy.coverage();
    expect(coverage.depth).toBe(2);
    expect(coverage.tasks).toBe(4);
    // Three due timers: a tie of 3, then ties of 2 + defer, and one more once a defer happened.
    expect(coverage.steps).toBe(4);
    expect(coverage.confidence).toBeCloseTo(1 - (1 - 1 / 16) ** 50, 10);
    expect(coverage.summary).toMatch(
      /^a bug of depth <= 2 \(one that needs 2 events in a given order\) would have been found with probability >= 0\.96/,
    );
  });

  it("runs the highest-priority task first, so all orders appear", () => {
    const policy = pct(9, 1);
    const seen = new Set(Array.from({ length: 60 }, (_, run) => runWith(policy, run).value));
    expect(seen.size).toBe(6);
  });

  it("refuses a depth below 1", () => {
    expect(() => pct(1, 0)).toThrow(CheckArgumentError);
  });
});

describe("exhaustive", () => {
  it("enumerates each schedule once, fewest deviations first, and says when it is done", () => {
    const policy = exhaustive({ runs: 100 });
    const results: { value: unknown; schedule: string }[] = [];
    for (let run = 0; policy.beginRun(run); run++) results.push(runBegun(policy));
    const deviations = results.map((r) => Schedule.parse(r.schedule).deviations);
    expect(deviations).toEqual([...deviations].sort((a, b) => a - b));
    expect(new Set(results.map((r) => r.schedule)).size).toBe(results.length);
    expect(new Set(results.map((r) => r.value))).toEqual(new Set(["abc", "acb", "bac", "bca", "cab", "cba"]));
    expect(policy.coverage().complete).toBe(true);
  });

  it("reports an incomplete space when the budget runs out", () => {
    const policy = exhaustive({ runs: 3 });
    for (let run = 0; policy.beginRun(run); run++) runBegun(policy);
    expect(policy.coverage()).toMatchObject({ complete: false });
    expect(policy.coverage().summary).toMatch(/NOT covered/);
  });

  it("stops at maxDeviations and calls that space complete", () => {
    const result = explore(threeSleepers, { policy: "exhaustive", maxDeviations: 1, runs: 100 });
    expect(result.ok).toBe(true);
    expect(result.coverage.complete).toBe(true);
    expect(result.coverage.summary).toMatch(/every schedule with <= 1 deviation/);
  });
});

describe("replaying", () => {
  it("follows the recording and answers FIFO past its end", () => {
    const policy = replaying("t3=2,t3=1");
    policy.beginRun(0);
    const outcome = runProgram(threeSleepers, { policy });
    expect(outcome.value).toBe("cba");
    expect(policy.divergence()).toBeNull();
  });

  it("reports where the program left the recording", () => {
    const policy = replaying("t3=2,t2=1");
    policy.beginRun(0);
    runProgram(threeSleepers, { policy });
    expect(policy.divergence()).toEqual({
      index: 1,
      expected: "a tie choice with 2 options",
      actual: "a tie choice with 3 options",
      time: 1,
    });
  });
});

describe("choices and scheduleArb (fast-check drives the schedule)", () => {
  it("maps picks modulo the option count", () => {
    // 5 mod 3 = 2 fires c; then b, a and "defer": 4 mod 3 = 1 fires b; a goes last.
    const policy = choices([5, 4]);
    policy.beginRun(0);
    expect(runProgram(threeSleepers, { policy }).value).toBe("cba");
  });

  it("lets fc.assert shrink a failing schedule toward FIFO", () => {
    const details = fc.check(
      fc.property(scheduleArb(), (policy) => {
        policy.beginRun(0);
        return runProgram(lostUpdateBug.buggy, { policy }).failure === undefined;
      }),
      { seed: 1 },
    );
    expect(details.failed).toBe(true);
    const policy = details.counterexample![0] as ReturnType<typeof choices> & { picks: number[] };
    expect(policy.picks).toEqual([1]);
  });

  it("an invalid pick from a custom policy becomes core's PolicyError", () => {
    const bad = { ...fifo(), name: "bad", choose: () => 7, beginRun: () => true } as unknown as ExplorationPolicy;
    const outcome = runProgram(threeSleepers, { policy: bad });
    expect(outcome.failure?.kind).toBe("policy");
    expect(outcome.failure?.error).toBeInstanceOf(PolicyError);
  });
});

describe("runSeed", () => {
  it("gives campaigns with nearby seeds disjoint run seeds (each campaign is a fresh sample)", () => {
    const seen = new Map<number, string>();
    for (let seed = 1; seed <= 20; seed++) {
      for (let run = 0; run < 1000; run++) {
        const s = runSeed(seed, run);
        expect(seen.get(s), `runSeed(${seed}, ${run}) = ${s}`).toBeUndefined();
        seen.set(s, `${seed}/${run}`);
      }
    }
    expect(runSeed(42, 0)).toBe(runSeed(42, 0));
  });

  it("spreads one campaign's run seeds over all 32 bits", () => {
    const highBits = new Set<number>();
    for (let run = 0; run < 256; run++) highBits.add(runSeed(7, run) >>> 28);
    expect(highBits.size).toBe(16);
  });
});
