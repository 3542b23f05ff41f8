import { describe, expect, it } from "vitest";
import type { JitterPoint } from "@simloop/core";
import { explore, mixed, PROBES } from "../src/index.ts";
import { probeDraw } from "../src/probes.ts";
import { bugs } from "../examples/bugs/index.ts";
import { nodeBugs } from "../examples/bugs/node/index.ts";

const byId = (id: string) => {
  const bug = [...bugs, ...nodeBugs].find((b) => b.id === id);
  if (bug === undefined) throw new Error(id);
  return bug;
};

const point = (min: number, max: number, deadlines: number[], time = 0): JitterPoint =>
  ({ kind: "jitter", min, max, deadlines, time, iteration: 0 }) as unknown as JitterPoint;

describe("the probes", () => {
  it("late takes the maximum; just after lands just after the earliest deadline inside the range", () => {
    expect(probeDraw("late", point(10, 300, [50]), [])).toBe(300);
    expect(probeDraw("just after", point(3900, 4100, [4000, 4050, 5000]), [])).toBeCloseTo(4000.2, 9);
    expect(probeDraw("just after", point(10, 300, [5, 400]), [])).toBe(300);
  });

  it("overtake lands just before a deadline the run drew earlier, else at the maximum", () => {
    expect(probeDraw("overtake", point(30, 400, [], 100), [400])).toBeCloseTo(299.63, 9);
    expect(probeDraw("overtake", point(30, 400, [100]), [])).toBe(400);
  });
});

describe("mixed, explore's default", () => {
  it("is the default policy, and its coverage counts only the PCT runs in PCT's bound", () => {
    const result = explore(byId("lost-update").fixed, { runs: 10, seed: 1 });
    expect(result.ok).toBe(true);
    expect(result.coverage.policy).toBe("mixed(depth 2)");
    expect(result.coverage.summary).toMatch(/^3 probe runs, 4 random, 3 PCT; of the PCT runs: .*\(3 runs, /);
  });

  it("finds a bug one of the probes shows in as many runs whatever the seed", () => {
    for (const seed of [1, 2, 3, 99]) {
      expect(explore(byId("lock-order-deadlock").buggy, { runs: 100, seed, shrink: false }).runs).toBe(1);
      expect(explore(byId("pool-timeout-leak").buggy, { runs: 100, seed, shrink: false }).runs).toBe(1);
      expect(explore(byId("lock-renewal-after-finish").buggy, { runs: 100, seed, shrink: false }).runs).toBe(2);
      expect(explore(byId("stale-response-overwrites").buggy, { runs: 100, seed, shrink: false }).runs).toBe(3);
    }
    expect(PROBES).toEqual(["late", "just after", "overtake"]);
  });

  it("makes run r a function of (program, seed, r): a campaign that starts later learns from run 0 as a pilot", () => {
    const program = byId("refresh-token-reuse").fixed;
    for (const r of [4, 5, 9]) {
      const whole = mixed(7);
      expect(explore(program, { policy: whole, runs: r + 1, seed: 7 }).ok).toBe(true);
      const alone = mixed(7);
      expect(explore(program, { policy: alone, runs: 1, firstRun: r, seed: 7 }).ok).toBe(true);
      expect(alone.schedule().toString()).toBe(whole.schedule().toString());
    }
  });

  it("draws the seeded runs' durations next to the fixed deadlines run 0 met after them", () => {
    // The click is drawn before the proactive refresh arms its 55 s timer: only run 0 can show it.
    const policy = mixed(3);
    explore(byId("refresh-token-reuse").fixed, { policy, runs: 400, seed: 3 });
    let nextToIt = 0;
    const runs = 200;
    for (let r = 3; r < 3 + runs; r++) {
      const alone = mixed(3);
      explore(byId("refresh-token-reuse").fixed, { policy: alone, runs: 1, firstRun: r, seed: 3 });
      const click = alone.schedule().decisions.find((d) => d.kind === "jitter");
      if (click !== undefined && click.pick >= 55_000 && click.pick <= 55_002) nextToIt++;
    }
    // Drawn uniformly over 54-56 s, about 0.1 % would land there.
    expect(nextToIt).toBeGreaterThan(runs / 5);
  });

  it("refuses a depth that is not an integer >= 1", () => {
    expect(() => mixed(1, 0)).toThrow(/depth/);
  });
});
