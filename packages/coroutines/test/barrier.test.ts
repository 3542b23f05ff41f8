import { type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { Barrier, BrokenBarrierError, gather, gatherReturnExceptions, sleep } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("Barrier", () => {
  it("releases each cycle of `parties` tasks with indices in arrival order (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      const b = new Barrier(3);
      function* w(n: number, d: number): Coroutine<void> {
        yield* sleep(d);
        const i = yield* b.wait();
        t.note(`w${n} index ${i}`);
      }
      yield* gather(w(0, 1), w(1, 3), w(2, 2), w(3, 4), w(4, 4), w(5, 4));
    });
    expect(log).toEqual([
      [3, "w1 index 2@8"],
      [3, "w0 index 0@9"],
      [3, "w2 index 1@9"],
      [4, "w5 index 2@12"],
      [4, "w3 index 0@13"],
      [4, "w4 index 1@13"],
    ]);
  });

  it("abort() breaks current and later waiters; reset() makes it usable again", () => {
    scenario(function* () {
      const b = new Barrier(2);
      const first = gatherReturnExceptions(b.wait());
      yield* sleep(1);
      yield* b.abort();
      const [r] = yield* first;
      expect(r).toBeInstanceOf(BrokenBarrierError);
      expect(b.broken).toBe(true);
      yield* b.reset();
      expect(b.statistics()).toEqual({ state: "filling", parties: 2, nWaiting: 0, broken: false });
      expect(yield* gather(b.wait(), b.wait())).toEqual([0, 1]);
    });
  });

  it("a waiter cancelled while filling leaves the count consistent", () => {
    scenario(function* (t) {
      const b = new Barrier(2);
      const w = t.loop.createTask(b.wait());
      yield* sleep(1);
      expect(b.nWaiting).toBe(1);
      w.cancel();
      yield* gatherReturnExceptions(w);
      expect(b.nWaiting).toBe(0);
      expect(yield* gather(b.wait(), b.wait())).toEqual([0, 1]);
    });
  });
});
