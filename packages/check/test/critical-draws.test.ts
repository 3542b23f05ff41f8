import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Random } from "@simloop/core";
import { sleep, uncertain } from "@simloop/coroutines";
import { nodeBugs } from "../examples/bugs/node/index.ts";
import {
  CheckArgumentError,
  choices,
  criticalPoints,
  drawDuration,
  explore,
  jitterPick,
  pct,
  random,
  runProgram,
  type Program,
} from "../src/index.ts";

const byId = (id: string) => nodeBugs.find((bug) => bug.id === id)!;

describe("drawDuration", () => {
  it("draws within the range, and with deadlines inside it picks each place among them about equally often", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer({ min: -100, max: 2100 }), { maxLength: 5 }),
        fc.integer(),
        (min, span, deadlines, seed) => {
          const rng = new Random(seed);
          for (let i = 0; i < 20; i++) {
            const value = drawDuration(rng, min, min + span, deadlines);
            expect(value >= min && value <= min + span).toBe(true);
          }
        },
      ),
    );
    const rng = new Random(1);
    const places = { before: 0, tie: 0, after: 0, nextTo: 0 };
    for (let i = 0; i < 3000; i++) {
      const value = drawDuration(rng, 3900, 4100, [4000, 5000], 1);
      if (value === 4000) places.tie++;
      else if (value < 4000) places.before++;
      else places.after++;
      if (value !== 4000 && Math.abs(value - 4000) <= 0.2) places.nextTo++;
    }
    for (const count of [places.before, places.tie, places.after]) expect(count).toBeGreaterThan(900);
    // Just before or just after the deadline: a third of each gap's draws.
    expect(places.nextTo).toBeGreaterThan(500);
  });

  it("draws uniformly with critical 0, or when no deadline lies inside the range", () => {
    const a = new Random(5);
    const b = new Random(5);
    for (let i = 0; i < 10; i++) expect(drawDuration(a, 2, 9, [4], 0)).toBe(b.uniform(2, 9));
    const c = new Random(6);
    const d = new Random(6);
    for (let i = 0; i < 10; i++) {
      d.next();
      expect(drawDuration(c, 2, 9, [1, 9, 12], 1)).toBe(d.uniform(2, 9));
    }
  });

  it("is what random and PCT draw, and they check the share", () => {
    function* program(loop: Parameters<Program>[0]) {
      loop.callLater(4, () => undefined);
      yield* sleep(uncertain(0, 10));
    }
    const nextTo = (policy: ReturnType<typeof random>) => {
      let count = 0;
      for (let run = 0; run < 300; run++) {
        policy.beginRun(run);
        runProgram(program as Program, { policy });
        const value = policy.schedule().decisions.find((d) => d.kind === "jitter")!.pick;
        if (Math.abs(value - 4) <= 0.01) count++;
      }
      return count;
    };
    // A tie with the timer, or within a hundredth of it: 1 in 1000 drawn uniformly, about half here.
    expect(nextTo(random(3, { levels: { jitter: true } }))).toBeGreaterThan(100);
    expect(nextTo(pct(3, 2, { levels: { jitter: true } }))).toBeGreaterThan(100);
    expect(nextTo(random(3, { levels: { jitter: true }, criticalDraws: 0 }))).toBeLessThan(5);
    expect(() => random(1, { criticalDraws: 2 })).toThrow(CheckArgumentError);
    expect(() => pct(1, 2, { criticalDraws: -0.1 })).toThrow(CheckArgumentError);
  });
});

describe("explore's defaults on races that hide next to another deadline", () => {
  // keepalive-socket-reuse fails only when the next request lands within the 1-30 ms between the idle
  // timeout and the socket's close (a 4000 ms deadline inside a 3900-4100 ms think time);
  // lock-renewal-after-finish only when the job (600-1400 ms) ends within a renewal's round trip after
  // the 1000 ms renewal. Drawn uniformly, a run hits those windows about once in 13 and once in 30.
  for (const id of ["keepalive-socket-reuse", "lock-renewal-after-finish"]) {
    it(`finds ${id} within 10 runs on each of seeds 1-10`, () => {
      const bug = byId(id);
      for (let seed = 1; seed <= 10; seed++) {
        const result = explore(bug.buggy, { runs: 10, seed, shrink: false });
        expect(result.ok, `seed ${seed}`).toBe(false);
      }
    });
  }
});

describe("choices with maxPick (scheduleArb, explore's fast-check policy)", () => {
  const point = { min: 3900, max: 4100, deadlines: [4000] };

  it("reaches every critical point of a followed duration, in exhaustive's order", () => {
    const points = criticalPoints(3900, 4100, [4000]);
    expect(points.map((_, n) => jitterPick(n, point, 7))).toEqual(points);
    expect(jitterPick(points.length, point, 7)).toBe(3900);
  });

  it("spreads the picks over the critical points when there are more than maxPick + 1", () => {
    const many = { min: 0, max: 100, deadlines: Array.from({ length: 20 }, (_, i) => 2 + i * 5) };
    const points = criticalPoints(0, 100, many.deadlines);
    const reached = Array.from({ length: 8 }, (_, n) => jitterPick(n, many, 7));
    expect(reached[0]).toBe(0);
    expect(reached[7]).toBe(100);
    for (const value of reached) expect(points).toContain(value);
    expect(new Set(reached).size).toBe(8);
  });

  it("spans a bare loop.jitter range in maxPick steps, and keeps hundredths without maxPick", () => {
    const bare = { min: 0, max: 10 };
    expect(jitterPick(0, bare, 7)).toBe(0);
    expect(jitterPick(7, bare, 7)).toBe(10);
    expect(jitterPick(8, bare, 7)).toBe(0);
    expect(jitterPick(50, bare, undefined)).toBe(5);
    expect(jitterPick(50, point, undefined)).toBe(4000);
    expect(() => choices([], {}, { maxPick: 0 })).toThrow(CheckArgumentError);
  });

  it("draws the picked critical point in a run", () => {
    function* program(loop: Parameters<Program>[0]) {
      loop.callLater(4000, () => undefined);
      yield* sleep(uncertain(3900, 4100));
    }
    for (let n = 0; n < 5; n++) {
      const policy = choices([n], { jitter: true }, { maxPick: 7 });
      policy.beginRun(0);
      runProgram(program as Program, { policy });
      expect(policy.schedule().decisions[0]?.pick).toBe(criticalPoints(3900, 4100, [4000])[n]);
    }
  });

  it("lets explore's fast-check policy find the races between deadlines (it found none of them before)", () => {
    for (const id of ["keepalive-socket-reuse", "lock-renewal-after-finish"]) {
      const result = explore(byId(id).buggy, { policy: "fast-check", runs: 200, seed: 1, shrink: false });
      expect(result.ok, id).toBe(false);
    }
  });
});
