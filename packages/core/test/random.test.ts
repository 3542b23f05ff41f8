import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, EventLoop, Random } from "../src/index.ts";

describe("Random", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const draw = (seed: number): number[] => {
      const rng = new Random(seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(new EventLoop({ seed: 3 }).random.next()).toBe(new Random(3).next());
  });

  it("keeps every draw in range", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.nat(100), (seed, min, span) => {
        const rng = new Random(seed);
        const u = rng.next();
        const n = rng.integer(min, min + span);
        expect(u >= 0 && u < 1).toBe(true);
        expect(n >= min && n <= min + span && Number.isInteger(n)).toBe(true);
        expect(rng.exponential(2)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("has the right means over many draws (exponential 1/rate, normal mean, uniform midpoint)", () => {
    const rng = new Random(12345);
    const n = 200_000;
    let exp = 0;
    let normal = 0;
    let normalSq = 0;
    let uniform = 0;
    for (let i = 0; i < n; i++) {
      exp += rng.exponential(4);
      const x = rng.normal(10, 2);
      normal += x;
      normalSq += (x - 10) ** 2;
      uniform += rng.uniform(2, 4);
    }
    expect(exp / n).toBeCloseTo(0.25, 2);
    expect(normal / n).toBeCloseTo(10, 1);
    expect(Math.sqrt(normalSq / n)).toBeCloseTo(2, 1);
    expect(uniform / n).toBeCloseTo(3, 2);
  });

  it("rejects bad parameters with a named error", () => {
    const rng = new Random();
    expect(() => rng.exponential(0)).toThrow(ArgumentError);
    expect(() => rng.integer(3, 1)).toThrow(ArgumentError);
    expect(() => rng.choice([])).toThrow(ArgumentError);
    expect(() => new Random(Number.NaN)).toThrow(ArgumentError);
  });

  it("shuffles a permutation and forks independent streams deterministically", () => {
    const a = new Random(9).shuffle([1, 2, 3, 4, 5, 6]);
    expect([...a].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Random(9).fork().next()).toBe(new Random(9).fork().next());
  });
});
