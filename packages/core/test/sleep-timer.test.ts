import { describe, expect, it } from "vitest";
import {
  AwaitOutsideTaskError,
  DeadlockError,
  EventLoop,
  TimerHandle,
  sleepCoroutine,
  type Coroutine,
} from "../src/index.ts";

describe("sleepCoroutine (the core hook behind sleep)", () => {
  it("is its own timer handle: armed on first run, fired one iteration before the task wakes", () => {
    const loop = new EventLoop();
    const events: string[] = [];
    const coro = sleepCoroutine(2, "v");
    expect(coro).toBeInstanceOf(TimerHandle);
    function* sleeper(): Coroutine<void> {
      events.push(`woke with ${yield* coro} at ${loop.time()} iteration ${loop.iteration}`);
    }
    loop.callLater(2, () => events.push(`callLater at iteration ${loop.iteration}`));
    loop.createTask(sleeper());
    loop.runUntilIdle();
    // The sleep's timer was scheduled after the callLater: it fires in the same iteration, after it.
    expect(events).toEqual(["callLater at iteration 2", "woke with v at 2 iteration 3"]);
    expect((coro as unknown as TimerHandle).cancelled()).toBe(true);
  });

  it("returns its value, or undefined, whether it yields a turn or waits on a timer", () => {
    const loop = new EventLoop();
    const seen: unknown[] = [];
    function* sleeper(): Coroutine<void> {
      seen.push(yield* sleepCoroutine(0, "a"), yield* sleepCoroutine(0, undefined));
      seen.push(yield* sleepCoroutine(1, "b"), yield* sleepCoroutine(1, undefined));
    }
    loop.runUntilComplete(sleeper());
    expect(seen).toEqual(["a", undefined, "b", undefined]);
    expect(loop.time()).toBe(2);
  });

  it("run outside a task (in a callback of a running loop) throws AwaitOutsideTaskError; the loop goes on", () => {
    const loop = new EventLoop({ unhandled: "collect" });
    const errors: unknown[] = [];
    loop.callSoon(() => {
      try {
        sleepCoroutine(1, undefined).next();
      } catch (error) {
        errors.push(error);
      }
    });
    loop.runUntilIdle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AwaitOutsideTaskError);
    expect(loop.unhandledErrors()).toEqual([]);
  });

  it("cancels its timer when the task is cancelled, so the loop does not wait for it", () => {
    const loop = new EventLoop();
    const coro = sleepCoroutine(100, undefined);
    const task = loop.createTask(coro);
    loop.step();
    expect(loop.peek()).toBe(100);
    task.cancel();
    loop.runUntilIdle();
    expect(task.cancelled()).toBe(true);
    expect(loop.time()).toBe(0);
    expect((coro as unknown as TimerHandle).cancelled()).toBe(true);
  });

  it("needs no timer for a delay <= 0, and reports an invalid delay when run", () => {
    expect(sleepCoroutine(0, 1)).not.toBeInstanceOf(TimerHandle);
    const loop = new EventLoop();
    expect(loop.runUntilComplete(sleepCoroutine(-1, "x"))).toBe("x");
    expect(loop.iteration).toBe(3); // the step, the step after the yield, the done callback
    expect(() => loop.runUntilComplete(sleepCoroutine(Number.NaN, 0))).toThrow(/finite number/);
  });

  it("keeps a plain future's creating task for deadlock reports, without a field of its own", () => {
    const loop = new EventLoop();
    function* waiter(): Coroutine<void> {
      yield* loop.createFuture<void>("never");
    }
    loop.createTask(waiter(), { name: "w" });
    const run = (): void => loop.runForever();
    expect(run).toThrow(DeadlockError);
    expect(run).toThrow(/<Future pending never>, created by task 'w'/);
  });
});
