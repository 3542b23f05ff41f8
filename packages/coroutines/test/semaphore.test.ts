import { CancelledError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { BoundedSemaphore, Semaphore, SemaphoreOverReleaseError, gather, sleep } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("Semaphore and BoundedSemaphore (asyncio rule 41)", () => {
  it("a waiter cancelled after being handed the permit gives it back and passes it on (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      const sem = new Semaphore(1);
      function* w(n: number): Coroutine<void> {
        try {
          yield* sem.with(function* () {
            t.note(`w${n} in`);
            yield* sleep(1);
            t.note(`w${n} out`);
          });
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          t.note(`w${n} cancelled`);
        }
      }
      yield* sem.acquire();
      const ts = [0, 1, 2].map((i) => t.loop.createTask(w(i)));
      yield* sleep(0);
      sem.release();
      ts[0]?.cancel();
      yield* gather(...ts);
      t.note(`value ${sem.statistics().value}`);
    });
    expect(log).toEqual([
      [0, "w0 cancelled@3"],
      [0, "w1 in@4"],
      [1, "w1 out@6"],
      [1, "w2 in@7"],
      [2, "w2 out@9"],
      [2, "value 1@11"],
    ]);
  });

  it("never loses a permit when waiters are cancelled while waiting", () => {
    scenario(function* (t) {
      const sem = new Semaphore(2);
      const inside: number[] = [];
      let max = 0;
      function* w(n: number): Coroutine<void> {
        yield* sem.with(function* () {
          inside.push(n);
          max = Math.max(max, inside.length);
          yield* sleep(1);
          inside.splice(inside.indexOf(n), 1);
        });
      }
      const ts = [0, 1, 2, 3, 4, 5].map((i) => t.loop.createTask(w(i)));
      yield* sleep(0.5);
      ts[2]?.cancel();
      ts[4]?.cancel();
      yield* sleep(10);
      expect(max).toBe(2);
      expect(ts.map((x) => x.state)).toEqual([
        "fulfilled",
        "fulfilled",
        "cancelled",
        "fulfilled",
        "cancelled",
        "fulfilled",
      ]);
      expect(sem.statistics()).toEqual({ value: 2, locked: false, tasksWaiting: 0 });
    });
  });

  it("BoundedSemaphore refuses an over-release with a named error", () => {
    const sem = new BoundedSemaphore(1);
    expect(() => sem.release()).toThrow(SemaphoreOverReleaseError);
    expect(() => new Semaphore(-1)).toThrow(/>= 0/);
  });
});
