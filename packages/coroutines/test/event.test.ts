import { CancelledError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { Event, gather, sleep } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("Event (asyncio rule 40)", () => {
  it("wakes every current waiter in wait order, even when cleared at once", () => {
    const log = scenario(function* (t) {
      const ev = new Event();
      function* w(n: number): Coroutine<void> {
        yield* ev.wait();
        t.note(`w${n} woke`);
      }
      const ts = [0, 1, 2].map((i) => t.loop.createTask(w(i)));
      yield* sleep(0);
      ev.set();
      ev.clear();
      t.note("set+clear");
      yield* gather(...ts);
    });
    expect(log).toEqual([
      [0, "set+clear@2"],
      [0, "w0 woke@3"],
      [0, "w1 woke@3"],
      [0, "w2 woke@3"],
    ]);
  });

  it("removes a cancelled waiter and still wakes the others; wait() on a set event does not yield", () => {
    scenario(function* (t) {
      const ev = new Event();
      const woke: number[] = [];
      function* w(n: number): Coroutine<void> {
        yield* ev.wait();
        woke.push(n);
      }
      const ts = [0, 1].map((i) => t.loop.createTask(w(i)));
      yield* sleep(0);
      ts[0]?.cancel();
      yield* sleep(0);
      expect(ev.statistics()).toEqual({ isSet: false, tasksWaiting: 1 });
      ev.set();
      yield* sleep(0);
      yield* sleep(0);
      expect(woke).toEqual([1]);
      expect(ts[0]?.cancelled()).toBe(true);
      const before = t.loop.iteration;
      expect(yield* ev.wait()).toBe(true);
      expect(t.loop.iteration).toBe(before);
      expect(CancelledError).toBeDefined();
    });
  });
});
