import { describe, expect, it } from "vitest";
import { ArgumentError, DeadlockError, EventLoop, WaitableTimer, type Coroutine } from "../src/index.ts";

/**
 * Issue 11 item 1: a finite delay whose deadline overflows (`time() + delay` is ±Infinity) is refused
 * where the deadline is computed, with an ArgumentError, and the loop stays consistent.
 */
describe("a deadline that overflows", () => {
  it("callLater(Number.MAX_VALUE) at t = Number.MAX_VALUE is an ArgumentError, and the loop goes on", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callLater(Number.MAX_VALUE, () => {
      log.push(`first at ${loop.time()}`);
      try {
        loop.callLater(Number.MAX_VALUE, () => log.push("never"));
      } catch (error) {
        expect(error).toBeInstanceOf(ArgumentError);
        expect((error as Error).message).toMatch(/overflows/);
        log.push("refused");
      }
      loop.callLater(1, () => log.push(`after at ${loop.time()}`));
    });
    loop.runUntilIdle();
    expect(log).toEqual([`first at ${Number.MAX_VALUE}`, "refused", `after at ${Number.MAX_VALUE}`]);
    expect(loop.peek()).toBe(Infinity);
    expect(loop.step()).toBe(false);
  });

  it("never reaches the heap: every run mode after a refused overflow terminates", () => {
    const loop = new EventLoop({ startTime: Number.MAX_VALUE });
    expect(() => loop.callLater(Number.MAX_VALUE, () => {})).toThrow(ArgumentError);
    let ran = 0;
    loop.callLater(-Number.MAX_VALUE, () => ran++); // a finite deadline in the past: due at once
    loop.runUntilIdle();
    expect(ran).toBe(1);
    expect(loop.peek()).toBe(Infinity);
    expect(() => loop.runForever()).toThrow(DeadlockError);
    const negative = new EventLoop({ startTime: -Number.MAX_VALUE });
    expect(() => negative.callLater(-Number.MAX_VALUE, () => {})).toThrow(ArgumentError);
    negative.runUntilIdle();
  });

  it("a sleep whose deadline overflows throws an ArgumentError into the coroutine at its yield*", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    function* sleeper(): Coroutine<string> {
      yield* new WaitableTimer(Number.MAX_VALUE, undefined);
      log.push(`woke at ${loop.time()}`);
      try {
        yield* new WaitableTimer(Number.MAX_VALUE, undefined);
      } catch (error) {
        expect(error).toBeInstanceOf(ArgumentError);
        return "refused";
      }
      return "slept";
    }
    expect(loop.runUntilComplete(sleeper())).toBe("refused");
    expect(log).toEqual([`woke at ${Number.MAX_VALUE}`]);
    expect(loop.allTasks().size).toBe(0);
    expect(loop.peek()).toBe(Infinity);
  });

  it("runFor(d) whose end overflows is an ArgumentError that says so", () => {
    const loop = new EventLoop({ startTime: Number.MAX_VALUE });
    expect(() => loop.runFor(Number.MAX_VALUE)).toThrow(/overflows/);
  });
});
