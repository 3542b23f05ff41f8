import { CancelledError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { Lock, LockNotAcquiredError, gather, sleep } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("Lock (asyncio rule 39)", () => {
  it("passes the wake-up on when the woken waiter is cancelled before it runs", () => {
    const log = scenario(function* (t) {
      const lock = new Lock();
      function* worker(n: number): Coroutine<void> {
        t.note(`w${n} wants`);
        try {
          yield* lock.withLock(function* () {
            t.note(`w${n} has`);
            yield* sleep(1);
          });
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          t.note(`w${n} cancelled`);
        }
      }
      yield* lock.acquire();
      const ts = [0, 1, 2].map((i) => t.loop.createTask(worker(i)));
      yield* sleep(0);
      lock.release();
      ts[0]?.cancel();
      yield* gather(...ts);
      t.note(`locked ${lock.locked()}`);
    });
    expect(log).toEqual([
      [0, "w0 wants@2"],
      [0, "w1 wants@2"],
      [0, "w2 wants@2"],
      [0, "w0 cancelled@3"],
      [0, "w1 has@4"],
      [1, "w2 has@7"],
      [2, "locked false@11"],
    ]);
  });

  it("removes a waiter cancelled while waiting, and the others keep FIFO order", () => {
    const log = scenario(function* (t) {
      const lock = new Lock();
      function* worker(n: number): Coroutine<void> {
        try {
          yield* lock.with(function* () {
            t.note(`w${n} has`);
            yield* sleep(1);
          });
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          t.note(`w${n} cancelled`);
        }
      }
      const ts = [0, 1, 2].map((i) => t.loop.createTask(worker(i)));
      yield* sleep(0.5);
      expect(lock.statistics()).toEqual({ locked: true, tasksWaiting: 2 });
      ts[1]?.cancel();
      yield* gather(...ts);
      t.note("end");
    });
    expect(log).toEqual([
      [0, "w0 has@2"],
      [0.5, "w1 cancelled@5"],
      [1, "w2 has@9"],
      [2, "end@13"],
    ]);
  });

  it("does not yield when free, refuses a release when not held, and returns a frozen snapshot", () => {
    scenario(function* (t) {
      const lock = new Lock();
      const before = t.loop.iteration;
      yield* lock.acquire();
      expect(t.loop.iteration).toBe(before);
      expect(lock.toString()).toBe("<Lock [locked]>");
      lock.release();
      expect(() => lock.release()).toThrow(LockNotAcquiredError);
      expect(Object.isFrozen(lock.statistics())).toBe(true);
    });
  });
});
