import { CancelledError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { Condition, LockNotAcquiredError, gatherReturnExceptions, sleep } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("Condition", () => {
  it("notify(n) wakes the first n waiters in wait order, each re-acquiring the lock (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      const cond = new Condition();
      const items: string[] = [];
      function* consumer(n: number): Coroutine<void> {
        yield* cond.with(function* () {
          yield* cond.waitFor(() => items.length > 0);
          t.note(`c${n} got ${items.shift()}`);
        });
      }
      const ts = [0, 1, 2].map((i) => t.loop.createTask(consumer(i)));
      yield* sleep(0);
      yield* cond.with(function* () {
        items.push("a", "b");
        cond.notify(2);
      });
      yield* sleep(1);
      ts[2]?.cancel();
      yield* gatherReturnExceptions(...ts);
      t.note(`locked ${cond.locked()}`);
    });
    expect(log).toEqual([
      [0, "c0 got a@3"],
      [0, "c1 got b@3"],
      [1, "locked false@8"],
    ]);
  });

  it("a waiter cancelled after notify still re-acquires the lock before CancelledError reaches it", () => {
    scenario(function* (t) {
      const cond = new Condition();
      let heldWhenCancelled: boolean | undefined;
      function* waiter(): Coroutine<void> {
        yield* cond.with(function* () {
          try {
            yield* cond.wait();
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            heldWhenCancelled = cond.locked();
            throw e;
          }
        });
      }
      const w = t.loop.createTask(waiter());
      yield* sleep(0);
      yield* cond.acquire();
      cond.notify();
      w.cancel();
      yield* sleep(1);
      cond.release();
      yield* gatherReturnExceptions(w);
      expect(heldWhenCancelled).toBe(true);
      expect(w.cancelled()).toBe(true);
      expect(cond.locked()).toBe(false);
    });
  });

  it("refuses wait() and notify() without the lock", () => {
    scenario(function* () {
      const cond = new Condition();
      expect(() => cond.notify()).toThrow(LockNotAcquiredError);
      try {
        yield* cond.wait();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(LockNotAcquiredError);
      }
    });
  });
});
