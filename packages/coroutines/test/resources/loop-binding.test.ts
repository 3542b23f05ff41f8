import {
  EventLoop,
  UnhandledErrorsError,
  WrongLoopError,
  getEventLoop,
  setEventLoop,
  type Coroutine,
} from "@simloop/core";
import { afterEach, describe, expect, it } from "vitest";
import { Container, Resource, Store, gather, sleep } from "../../src/index.ts";

/**
 * Issue 11 item 4: a resource created outside a run without `{ loop }` binds to the loop that first
 * uses it (as asyncio's primitives do), and a resource used from another loop fails loudly at that use.
 */
afterEach(() => setEventLoop(null));

describe("which loop a resource uses", () => {
  it("created outside a run without { loop }, a resource binds to the loop that runs it", () => {
    const loop = new EventLoop({ unhandled: "throw" });
    const res = new Resource(1);
    const store = new Store<number>();
    const tank = new Container({ capacity: 10, init: 5 });
    const log: string[] = [];
    function* user(n: number): Coroutine<void> {
      yield* res.use(function* () {
        yield* sleep(2);
      });
      yield* store.put(n);
      yield* tank.get(1);
      log.push(`user ${n} done at ${loop.time()}`);
    }
    const a = loop.createTask(user(1));
    const b = loop.createTask(user(2));
    loop.runUntilIdle();
    expect(log).toEqual(["user 1 done at 2", "user 2 done at 4"]);
    expect([a.state, b.state]).toEqual(["fulfilled", "fulfilled"]);
    expect(res.statistics().utilisation).toBe(1);
    expect(store.items).toEqual([1, 2]);
    expect(tank.level).toBe(3);
  });

  it("starts its statistics window when it binds, at that loop's time", () => {
    const loop = new EventLoop({ startTime: 100 });
    const res = new Resource(1);
    loop.runUntilComplete(
      (function* (): Coroutine<void> {
        yield* sleep(5);
        yield* res.use(() => sleep(5));
      })(),
    );
    const stats = res.statistics();
    expect(stats.since).toBe(105);
    expect(stats.utilisation).toBe(1);
  });

  it("used from a task of another loop, fails at that use, loudly (the exception handler sees it)", () => {
    const other = new EventLoop();
    const res = new Resource(1, { loop: other });
    const loop = new EventLoop({ unhandled: "throw" });
    const seen: unknown[] = [];
    loop.createTask(
      (function* (): Coroutine<void> {
        try {
          res.request();
        } catch (error) {
          seen.push(error);
        }
      })(),
    );
    expect(() => loop.runUntilIdle()).toThrow(UnhandledErrorsError);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(WrongLoopError);
    expect((seen[0] as Error).message).toMatch(/bound to another event loop.*pass \{ loop \}/s);
    const store = new Store({ loop: other });
    const task = loop.createTask(
      (function* (): Coroutine<unknown> {
        return yield* store.get();
      })(),
    );
    expect(() => loop.runUntilIdle()).toThrow(UnhandledErrorsError);
    expect(task.exception()).toBeInstanceOf(WrongLoopError);
  });

  it("new EventLoop() + runUntilComplete(gather(...)) built outside a run says exactly what to do", () => {
    const loop = new EventLoop();
    function* work(n: number): Coroutine<number> {
      yield* sleep(n);
      return n;
    }
    expect(() => loop.runUntilComplete(gather(work(1), work(2)))).toThrow(/setEventLoop\(loop\)/);
    // Either of the two fixes the message names works.
    setEventLoop(loop);
    expect(loop.runUntilComplete(gather(work(1), work(2)))).toEqual([1, 2]);
    setEventLoop(null);
    const fresh = new EventLoop();
    expect(
      fresh.runUntilComplete(
        (function* (): Coroutine<number[]> {
          return yield* gather(work(1), work(2));
        })(),
      ),
    ).toEqual([1, 2]);
    expect(getEventLoop()).not.toBe(fresh);
  });
});
