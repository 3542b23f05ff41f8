import {
  ArgumentError,
  EventLoop,
  LoopMisuseError,
  TimerHandle,
  WaitableTimer,
  isGenerator,
  type Coroutine,
} from "@simloop/core";
import { describe, expect, it } from "vitest";
import { sleep } from "../src/index.ts";

describe("sleep's coroutine object", () => {
  it("is a coroutine: a task can run it directly, and it returns its value at the deadline", () => {
    const loop = new EventLoop();
    const coro = sleep(2, "slept");
    expect(isGenerator(coro)).toBe(true);
    expect(loop.runUntilComplete(loop.createTask(coro))).toBe("slept");
    expect(loop.time()).toBe(2);
  });

  it("cancels its timer when the coroutine awaiting it is closed early, as a finally would", () => {
    const loop = new EventLoop();
    let outer: Coroutine<void> | null = null;
    function* body(): Coroutine<void> {
      yield* sleep(5);
    }
    loop.callSoon(() => {
      outer = body();
      loop.createTask(
        (function* (): Coroutine<void> {
          const step = (outer as Coroutine<void>).next();
          expect(step.done).toBe(false);
          expect(loop.peek()).toBe(5);
          (outer as Coroutine<void>).return(undefined);
          expect(loop.peek()).toBe(Infinity);
        })(),
      );
    });
    loop.runUntilIdle();
    expect(loop.time()).toBe(0);
  });

  it("refuses a manual resumption before its timer fired, as asyncio's 'await wasn't used with future'", () => {
    const loop = new EventLoop();
    function* body(): Coroutine<void> {
      const s = sleep(1);
      s.next();
      expect(() => s.next()).toThrow(LoopMisuseError);
      s.return(undefined);
    }
    loop.runUntilComplete(body());
  });

  it("reports a bad delay inside the coroutine, at its first step", () => {
    const loop = new EventLoop();
    const coro = sleep(Number.NaN);
    expect(() => loop.runUntilComplete(coro)).toThrow(ArgumentError);
    expect(coro.next().done).toBe(true);
  });
  it("waits on a core WaitableTimer for a positive delay, and needs no timer for a delay <= 0", () => {
    expect(sleep(1)).toBeInstanceOf(WaitableTimer);
    expect(sleep(0, 1)).not.toBeInstanceOf(TimerHandle);
    const loop = new EventLoop();
    expect(loop.runUntilComplete(sleep(-1, "x"))).toBe("x");
    expect(loop.iteration).toBe(3); // the step, the step after the yield, the done callback
    expect(() => loop.runUntilComplete(sleep(Number.NaN, 0))).toThrow(/finite number/);
  });
});
