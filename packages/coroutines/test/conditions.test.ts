import { describe, expect, it } from "vitest";
import { EventLoop, type Coroutine } from "@simloop/core";
import { Resource, allOf, anyOf, sleep } from "../src/index.ts";

function* job(delay: number, value: string): Coroutine<string> {
  yield* sleep(delay);
  return value;
}

describe("anyOf and allOf: SimPy's condition events", () => {
  it("anyOf returns when the first event happens, with the values of those done; the others go on", () => {
    const loop = new EventLoop();
    const result = loop.runUntilComplete(
      (function* () {
        const fast = loop.createTask(job(1, "fast"));
        const slow = loop.createTask(job(3, "slow"));
        const done = yield* anyOf(fast, slow);
        expect(loop.time()).toBe(1);
        expect(slow.done()).toBe(false);
        yield* slow;
        return [...done.values()];
      })(),
    );
    expect(result).toEqual(["fast"]);
  });

  it("allOf waits for every event and keeps argument order; coroutines become processes", () => {
    const loop = new EventLoop();
    const values = loop.runUntilComplete(
      (function* () {
        const done = yield* allOf(job(3, "a"), job(1, "b"));
        return { at: loop.time(), values: [...done.values()] };
      })(),
    );
    expect(values).toEqual({ at: 3, values: ["a", "b"] });
  });

  it("a failed event fails the condition with its error", () => {
    const loop = new EventLoop();
    function* boom(): Coroutine<never> {
      yield* sleep(1);
      throw new Error("boom");
    }
    expect(() => loop.runUntilComplete(allOf(job(5, "late"), boom()))).toThrow("boom");
    expect(loop.time()).toBe(1);
  });

  it("a request or a timeout, whichever first (reneging), with the request withdrawn", () => {
    const loop = new EventLoop();
    const counter = new Resource({ capacity: 1, loop });
    const log: string[] = [];
    function* customer(name: string, patience: number, service: number): Coroutine<void> {
      const req = counter.request();
      const done = yield* anyOf(req, sleep(patience));
      if (!done.has(req)) {
        counter.release(req);
        log.push(`${name} reneged at t=${loop.time()}`);
        return;
      }
      log.push(`${name} served at t=${loop.time()}`);
      yield* sleep(service);
      counter.release(req);
    }
    loop.createTask(customer("ann", 1, 5));
    loop.createTask(customer("bob", 2, 1));
    loop.runUntilIdle();
    expect(log).toEqual(["ann served at t=0", "bob reneged at t=2"]);
    expect(counter.count).toBe(0);
  });

  it("refuses no event, or a value that is not one", () => {
    const loop = new EventLoop();
    expect(() => loop.runUntilComplete(anyOf())).toThrow(/at least one event/);
    expect(() => loop.runUntilComplete(allOf(42 as never))).toThrow(/futures or coroutines, got 42/);
  });
});

describe("resources take an options object", () => {
  it("new Resource({ capacity, loop }) is new Resource(capacity, { loop })", () => {
    const loop = new EventLoop();
    expect(new Resource({ capacity: 3, loop }).capacity).toBe(3);
    expect(new Resource(2, { loop }).capacity).toBe(2);
    expect(new Resource({ loop }).capacity).toBe(1);
    expect(() => new Resource({ capacity: 0, loop })).toThrow(/positive integer/);
  });
});
