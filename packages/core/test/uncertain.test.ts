import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  EventLoop,
  UncertainValueError,
  WaitableTimer,
  isUncertain,
  uncertain,
  type Coroutine,
  type JitterPoint,
  type SchedulingPolicy,
} from "../src/index.ts";

/** A policy at the jitter level that draws from a script (else the maximum) and keeps every point it saw. */
function drawing(values: number[] = []): SchedulingPolicy & { points: JitterPoint[] } {
  const points: JitterPoint[] = [];
  return {
    name: "drawing",
    levels: { ties: false, interleave: false, jitter: true, faults: false },
    points,
    choose: () => 0,
    chooseDuration(point: JitterPoint): number {
      points.push(point);
      return values.shift() ?? point.max;
    },
  };
}

describe("uncertain(min, max)", () => {
  it("refuses bounds that are not finite or out of order", () => {
    expect(() => uncertain(2, 1)).toThrow(ArgumentError);
    expect(() => uncertain(0, Infinity)).toThrow(/Expected finite bounds with min <= max, got min=0, max=Infinity/);
    expect(() => uncertain(Number.NaN, 1)).toThrow(ArgumentError);
    expect(() => uncertain("1" as unknown as number, 2)).toThrow(ArgumentError);
  });

  it("has no value the program can read: arithmetic and comparisons throw a named error; a string is fine", () => {
    const u = uncertain(1, 2) as unknown as number;
    expect(() => u + 1).toThrow(UncertainValueError);
    expect(() => u * 2).toThrow(/uncertain\(1, 2\) has no value the program can read: pass it to sleep/);
    expect(() => u < 3).toThrow(UncertainValueError);
    expect(() => Math.max(u, 3)).toThrow(UncertainValueError);
    expect(`${uncertain(1, 2)}`).toBe("uncertain(1, 2)");
    expect(new UncertainValueError("x").code).toBe("UNCERTAIN_VALUE");
    expect(isUncertain(uncertain(1, 1))).toBe(true);
    expect(isUncertain({ min: 1, max: 2 })).toBe(false);
  });

  it("without a policy it is its minimum, for callLater, callAt and a waitable timer", () => {
    const loop = new EventLoop();
    const fired: [string, number][] = [];
    loop.callLater(uncertain(2, 5), () => fired.push(["later", loop.time()]));
    loop.callAt(uncertain(3, 4), () => fired.push(["at", loop.time()]));
    loop.runUntilComplete(
      (function* (): Coroutine<void> {
        yield* new WaitableTimer(uncertain(1, 9), undefined);
        fired.push(["sleep", loop.time()]);
      })(),
    );
    loop.runUntilIdle();
    expect(fired).toEqual([
      ["sleep", 1],
      ["later", 2],
      ["at", 3],
    ]);
    expect(loop.choiceLog()).toEqual([]);
  });

  it("refuses what is neither a number nor an uncertain duration, with the loop left as it was", () => {
    const loop = new EventLoop();
    expect(() => loop.callLater({ min: 1, max: 2 } as never, () => {})).toThrow(ArgumentError);
    expect(() => loop.callAt({ min: 1, max: 2 } as never, () => {})).toThrow(ArgumentError);
    expect(() => new WaitableTimer({ min: 1, max: 2 } as never, 0)).toThrow(ArgumentError);
    expect(loop.pendingTimerCount()).toBe(0);
  });

  it("tells the policy the deadlines inside its range: pending ones, then fixed ones armed while it is pending", () => {
    const policy = drawing([6]);
    const loop = new EventLoop({ policy });
    loop.callLater(3, () => {}); // pending, inside (2, 8)
    loop.callLater(1, () => {}); // pending, outside
    loop.callLater(2, () => {}); // at a bound: not inside
    loop.callLater(uncertain(2, 8), function followed() {
      loop.callLater(1, () => {}); // armed after it fired (t=7): not recorded
    });
    loop.callLater(5, () => {}); // armed while it is pending: recorded
    loop.callLater(uncertain(4, 9), () => {}); // another uncertain one: ordered when drawn, not recorded
    loop.callLater(7.5, () => {}).cancel(); // recorded (cancelled later: harmless, one more point)
    loop.runUntilIdle();
    const [first, second] = policy.points;
    expect(first).toMatchObject({ min: 2, max: 8 });
    expect([...(first!.deadlines ?? [])].sort((a, b) => a - b)).toEqual([3, 5, 7.5]);
    // The second one (drawn 9) sees every pending deadline in (4, 9), the first one's drawn deadline (6)
    // among them, and the timer the first one's callback arms at t=6 for t=7, while the second is pending.
    expect([...(second!.deadlines ?? [])].sort((a, b) => a - b)).toEqual([5, 6, 7, 7.5]);
  });

  it("callAt's bounds are times; its deadlines are durations from the draw", () => {
    const policy = drawing();
    const loop = new EventLoop({ policy, startTime: 10 });
    loop.callAt(14, () => {});
    let at = -1;
    loop.callAt(uncertain(12, 16), () => (at = loop.time()));
    loop.runUntilIdle();
    expect(policy.points[0]).toMatchObject({ min: 2, max: 6, deadlines: [4] });
    expect(at).toBe(16);
  });

  it("a bare loop.jitter number comes with no deadlines: the loop cannot follow it", () => {
    const policy = drawing();
    const loop = new EventLoop({ policy });
    loop.callLater(3, () => {});
    loop.callLater(loop.jitter(2, 8), () => {});
    expect(policy.points[0]!.deadlines).toBeUndefined();
  });
});
