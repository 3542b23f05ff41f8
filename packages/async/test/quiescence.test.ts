import { EventLoop, LoopStoppedError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import {
  LeftoverTimersError,
  UncaughtExceptionError,
  UnhandledRejectionError,
  fromPromise,
  runAsync,
  runUntilCompleteAsync,
  toPromise,
} from "../src/index.ts";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("exact quiescence", () => {
  it("runs a chain of 100 awaits caused by a timer before the next timer due at the same instant", async () => {
    const log: string[] = [];
    await runAsync(async () => {
      setTimeout(async () => {
        for (let i = 0; i < 100; i++) await Promise.resolve();
        log.push("chain done");
      }, 10);
      setTimeout(() => log.push("second timer"), 10);
      await sleep(20);
    });
    expect(log).toEqual(["chain done", "second timer"]);
  });

  it("settles Promise.all, race, any and allSettled at the exact virtual instants", async () => {
    const result = await runAsync(async (loop) => {
      const at = (ms: number, value: string, fail = false): Promise<string> =>
        new Promise((resolve, reject) => setTimeout(() => (fail ? reject(new Error(value)) : resolve(value)), ms));
      const times: [string, number][] = [];
      const all = await Promise.all([at(30, "a"), at(10, "b")]);
      times.push([all.join(), loop.time()]);
      const race = await Promise.race([at(20, "slow"), at(5, "fast")]);
      times.push([race, loop.time()]);
      const any = await Promise.any([at(1, "x", true), at(7, "y")]);
      times.push([any, loop.time()]);
      const settled = await Promise.allSettled([at(3, "ok"), at(4, "no", true)]);
      times.push([settled.map((s) => s.status).join(), loop.time()]);
      await sleep(100); // the race's and any's losers fire meanwhile: no leftovers
      return times;
    });
    expect(result).toEqual([
      ["a,b", 30],
      ["fast", 35],
      ["y", 42],
      ["fulfilled,rejected", 46],
    ]);
  });

  it("keeps Node's order inside a callback: nextTick callbacks before promise jobs, all before the next callback", async () => {
    const log: string[] = [];
    await runAsync(async () => {
      setTimeout(() => {
        Promise.resolve().then(() => log.push("promise 1"));
        process.nextTick(() => log.push("tick 1"));
        queueMicrotask(() => log.push("microtask 1"));
        log.push("timer 1");
      }, 5);
      setTimeout(() => log.push("timer 2"), 5);
      await sleep(10);
    });
    expect(log).toEqual(["timer 1", "tick 1", "promise 1", "microtask 1", "timer 2"]);
  });

  it("drives async iterators and await in finally on virtual time", async () => {
    const log: string[] = [];
    const result = await runAsync(async (loop) => {
      async function* ticks(): AsyncGenerator<number> {
        try {
          for (let i = 1; i <= 3; i++) {
            await sleep(10);
            yield loop.time();
          }
        } finally {
          await sleep(5);
          log.push(`generator closed at ${loop.time()}`);
        }
      }
      for await (const t of ticks()) log.push(`tick at ${t}`);
      try {
        await sleep(1);
        throw new Error("boom");
      } catch (error) {
        log.push(`caught ${(error as Error).message} at ${loop.time()}`);
      } finally {
        await sleep(2);
        log.push(`finally done at ${loop.time()}`);
      }
      return loop.time();
    });
    expect(result).toBe(38);
    expect(log).toEqual([
      "tick at 10",
      "tick at 20",
      "tick at 30",
      "generator closed at 35",
      "caught boom at 36",
      "finally done at 38",
    ]);
  });

  it("rejects with an error thrown in a continuation of main", async () => {
    await expect(
      runAsync(async () => {
        await sleep(3);
        await Promise.resolve();
        throw new RangeError("in a continuation");
      }),
    ).rejects.toThrow(RangeError);
  });

  it("captures an unhandled rejection as the run's failure, never reaching the test runner", async () => {
    const failure = await runAsync(async () => {
      setTimeout(() => void Promise.reject(new Error("nobody catches me")), 5);
      await sleep(50);
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnhandledRejectionError);
    expect((failure as UnhandledRejectionError).time).toBe(5);
    expect(((failure as UnhandledRejectionError).reason as Error).message).toBe("nobody catches me");
    // The runner's own listeners are back.
    expect(process.listeners("unhandledRejection").length).toBeGreaterThan(0);
  });

  it("captures an exception escaping a nextTick callback as the run's failure", async () => {
    const failure = await runAsync(async () => {
      setTimeout(() => {
        process.nextTick(() => {
          throw new Error("tick failed");
        });
      }, 2);
      await sleep(10);
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UncaughtExceptionError);
    expect((failure as UncaughtExceptionError).time).toBe(2);
  });

  it("reports ref'd timers pending when main settles as leftovers; unref'd timers and intervals are not", async () => {
    const leftover = await runAsync(async () => {
      setTimeout(function retry() {}, 100);
      await sleep(1);
    }).catch((error: unknown) => error);
    expect(leftover).toBeInstanceOf(LeftoverTimersError);
    expect((leftover as LeftoverTimersError).timers).toEqual(["Timeout(100 ms, retry) due at t=100"]);

    await runAsync(async () => {
      setTimeout(() => undefined, 100).unref();
      setInterval(() => undefined, 7);
      await sleep(1);
    });
    await runAsync(
      async () => {
        setTimeout(() => undefined, 100);
      },
      { allowLeftoverTimers: true },
    );
  });

  it("orders setTimeout(0), setImmediate and promises as Node does inside a timer callback", async () => {
    const log: string[] = [];
    await runAsync(async () => {
      setTimeout(() => {
        setTimeout(() => log.push("timeout 0"), 0);
        setImmediate(() => log.push("immediate"));
        void Promise.resolve().then(() => log.push("promise"));
      }, 1);
      await sleep(10);
    });
    expect(log).toEqual(["promise", "immediate", "timeout 0"]);
  });

  it("re-arms an interval after its callback, from the time it fired, behind timers the callback created", async () => {
    const log: string[] = [];
    await runAsync(async (loop) => {
      let n = 0;
      const interval = setInterval(() => {
        n++;
        log.push(`interval ${n} at ${loop.time()}`);
        if (n === 1) setTimeout(() => log.push(`timeout at ${loop.time()}`), 10);
        if (n === 3) clearInterval(interval);
      }, 10);
      await sleep(50);
    });
    expect(log).toEqual(["interval 1 at 10", "timeout at 20", "interval 2 at 20", "interval 3 at 30"]);
  });

  it("bridges: async code awaits a task with toPromise, a task awaits a Promise with fromPromise", async () => {
    const loop = new EventLoop();
    function* worker(): Coroutine<string> {
      const value = yield* fromPromise(
        new Promise<string>((resolve) => loop.callLater(3, () => resolve("from a promise"))),
      );
      return `${value} at ${loop.time()}`;
    }
    const result = await runUntilCompleteAsync(loop, async () => {
      const task = loop.createTask(worker());
      return await toPromise(task);
    });
    expect(result).toBe("from a promise at 3");
  });

  it("runs a coroutine or a future as main, and reports a stop before main settled", async () => {
    const loop = new EventLoop();
    function* body(): Coroutine<number> {
      return 7;
    }
    expect(await runUntilCompleteAsync(loop, body())).toBe(7);
    const future = loop.createFuture<string>();
    loop.callSoon(() => future.setResult("done"));
    expect(await runUntilCompleteAsync(loop, future)).toBe("done");
    await expect(
      runUntilCompleteAsync(loop, async () => {
        loop.stop();
        await new Promise(() => undefined);
      }),
    ).rejects.toBeInstanceOf(LoopStoppedError);
  });
});
