import { type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { Container, gatherReturnExceptions, sleep } from "../../src/index.ts";
import { scenario } from "../support/trace.ts";

const strip = (log: [number, string][]): [number, string][] => log.map(([t, l]) => [t, l.replace(/@\d+$/, "")]);

describe("Container", () => {
  it("serves gets FIFO without barging and puts when the amount fits (a gas station)", () => {
    const log = scenario(function* (t) {
      const tank = new Container({ capacity: 100, init: 30 });
      function* car(name: string, amount: number, at: number): Coroutine<void> {
        yield* sleep(at);
        yield* tank.get(amount);
        t.note(`${name} fuelled ${amount}, level ${tank.level}`);
      }
      function* truck(): Coroutine<void> {
        yield* sleep(5);
        yield* tank.put(70);
        t.note(`truck refilled, level ${tank.level}`);
        yield* tank.put(50);
        t.note(`second refill, level ${tank.level}`);
      }
      yield* gatherReturnExceptions(car("a", 20, 1), car("b", 40, 2), car("c", 5, 3), truck(), car("d", 60, 6));
      const s = tank.statistics();
      expect(s.get.wait).toEqual({ count: 4, mean: 1.25, max: 3 }); // a 0, b 3, c 2, d 0
      expect(s.put.wait).toEqual({ count: 2, mean: 0, max: 0 });
    });
    expect(strip(log)).toEqual([
      [1, "a fuelled 20, level 10"],
      // The refill grants b and c synchronously; the second put fits at once, so it does not yield.
      [5, "truck refilled, level 35"],
      [5, "second refill, level 85"],
      [5, "b fuelled 40, level 85"],
      [5, "c fuelled 5, level 85"],
      [6, "d fuelled 60, level 25"],
    ]);
  });

  it("returns the amount of a get granted to a task cancelled before it resumed, and refuses bad amounts", () => {
    scenario(function* (t) {
      const tank = new Container({ capacity: 10 });
      const g = t.loop.createTask(
        (function* (): Coroutine<void> {
          yield* tank.get(4);
        })(),
      );
      yield* sleep(0);
      tank.put(5);
      g.cancel();
      yield* gatherReturnExceptions(g);
      expect(tank.level).toBe(5);
      expect(() => tank.get(0)).toThrow(/amount/);
      expect(() => new Container({ capacity: 1, init: 2 })).toThrow(/init/);
    });
  });
});
