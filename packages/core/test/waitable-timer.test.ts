import { describe, expect, it } from "vitest";
import {
  AwaitOutsideTaskError,
  BadYieldError,
  CancelledError,
  DeadlockError,
  LoopMisuseError,
  EventLoop,
  Interrupt,
  TimerHandle,
  WaitableTimer,
  type Coroutine,
} from "../src/index.ts";

describe("WaitableTimer (the timer a sleeping task waits on)", () => {
  it("is its own timer handle: armed on first run, fired one iteration before the task wakes", () => {
    const loop = new EventLoop();
    const events: string[] = [];
    const coro = new WaitableTimer(2, "v");
    expect(coro).toBeInstanceOf(TimerHandle);
    function* sleeper(): Coroutine<void> {
      events.push(`woke with ${yield* coro} at ${loop.time()} iteration ${loop.iteration}`);
    }
    loop.callLater(2, () => events.push(`callLater at iteration ${loop.iteration}`));
    loop.createTask(sleeper());
    loop.runUntilIdle();
    // The sleep's timer was scheduled after the callLater: it fires in the same iteration, after it.
    expect(events).toEqual(["callLater at iteration 2", "woke with v at 2 iteration 3"]);
    expect(coro.cancelled()).toBe(true);
  });

  it("returns its value, or undefined, whether it yields a turn or waits on a timer", () => {
    const loop = new EventLoop();
    const seen: unknown[] = [];
    function* sleeper(): Coroutine<void> {
      seen.push(yield* new WaitableTimer(0, "a"), yield* new WaitableTimer(0, undefined));
      seen.push(yield* new WaitableTimer(1, "b"), yield* new WaitableTimer(1, undefined));
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
        new WaitableTimer(1, undefined).next();
      } catch (error) {
        errors.push(error);
      }
    });
    loop.runUntilIdle();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(AwaitOutsideTaskError);
    expect(loop.unhandledErrors()).toEqual([]);
  });

  it("is what its task waits on: no future; waitingOn() is the sleep, which says until when", () => {
    const loop = new EventLoop();
    const task = loop.createTask(new WaitableTimer(2, undefined), { name: "sleeper" });
    loop.step();
    const waiter = task.waitingOn();
    expect(waiter).toBeInstanceOf(TimerHandle);
    expect(String(waiter)).toBe("<sleep until t=2>");
    loop.runUntilIdle();
    expect(task.done()).toBe(true);
    expect(task.waitingOn()).toBeNull();
  });

  it("cancelled while waiting: the task wakes in the next iteration with the message, as from a cancelled future", () => {
    const loop = new EventLoop();
    const seen: string[] = [];
    function* sleeper(): Coroutine<void> {
      try {
        yield* new WaitableTimer(5, undefined);
      } catch (error) {
        seen.push(`${(error as CancelledError).message} at iteration ${loop.iteration}`);
        throw error;
      }
    }
    const task = loop.createTask(sleeper());
    loop.callLater(1, () => {
      seen.push(`cancel at iteration ${loop.iteration}`);
      task.cancel("stop");
    });
    loop.runUntilIdle();
    expect(seen).toEqual(["cancel at iteration 2", "stop at iteration 3"]);
    expect(task.cancelled()).toBe(true);
    expect(loop.time()).toBe(1); // the sleep's timer was cancelled: nothing waits until t=5
  });

  it("cancelled after its timer fired but before the task woke: delivered at the task's next step", () => {
    const loop = new EventLoop();
    const seen: string[] = [];
    function* sleeper(): Coroutine<void> {
      try {
        yield* new WaitableTimer(1, undefined);
        seen.push("woke normally");
      } catch (error) {
        seen.push(`cancelled: ${(error as CancelledError).message}`);
        throw error;
      }
    }
    const task = loop.createTask(sleeper());
    loop.step(); // the task arms its timer (seq 1), before the callback's timer below
    // Due in the same batch as the sleep's timer, after it: the wake-up is already queued.
    loop.callAt(1, () => expect(task.cancel("late")).toBe(true));
    loop.runUntilIdle();
    expect(seen).toEqual(["cancelled: late"]);
    expect(task.cancelled()).toBe(true);
  });

  it("interrupted while waiting: resumes with the error, its timer cancelled, and is not woken again", () => {
    const loop = new EventLoop();
    const seen: string[] = [];
    function* sleeper(): Coroutine<void> {
      try {
        yield* new WaitableTimer(5, undefined);
      } catch (error) {
        seen.push(`${String((error as Interrupt).cause)} at t=${loop.time()}`);
      }
      yield* new WaitableTimer(1, undefined);
      seen.push(`done at t=${loop.time()}`);
    }
    const task = loop.createTask(sleeper());
    loop.callLater(2, () => task.interrupt("breakdown"));
    loop.runUntilIdle();
    expect(seen).toEqual(["breakdown at t=2", "done at t=3"]);
    expect(task.done()).toBe(true);
  });

  it("yielded without yield* is a bad yield, and resumed by hand before its timer fired is an error", () => {
    const loop = new EventLoop({ unhandled: "collect" });
    const errors: unknown[] = [];
    function* wrong(): Coroutine<void> {
      try {
        yield new WaitableTimer(1, undefined) as never;
      } catch (error) {
        errors.push(error);
      }
      const manual = new WaitableTimer(1, undefined);
      manual.next(); // armed, but its yield is not given to the task
      try {
        manual.next();
      } catch (error) {
        errors.push(error);
      }
    }
    loop.runUntilComplete(wrong());
    expect(errors[0]).toBeInstanceOf(BadYieldError);
    expect(String((errors[0] as Error).message)).toMatch(/yield\*/);
    expect(errors[1]).toBeInstanceOf(LoopMisuseError);
    expect((errors[1] as LoopMisuseError).code).toBe("AWAIT_NOT_USED");
    loop.runUntilIdle(); // the armed timer fires with no one waiting
  });

  it("cancels its timer when the task is cancelled, so the loop does not wait for it", () => {
    const loop = new EventLoop();
    const coro = new WaitableTimer(100, undefined);
    const task = loop.createTask(coro);
    loop.step();
    expect(loop.peek()).toBe(100);
    task.cancel();
    loop.runUntilIdle();
    expect(task.cancelled()).toBe(true);
    expect(loop.time()).toBe(0);
    expect(coro.cancelled()).toBe(true);
  });

  it("is armed like callLater for any finite delay, and rejects a non-finite one when built", () => {
    const loop = new EventLoop();
    function* waiter(): Coroutine<string> {
      return yield* new WaitableTimer(-1, "x");
    }
    expect(loop.runUntilComplete(waiter())).toBe("x");
    expect(loop.time()).toBe(0);
    expect(() => new WaitableTimer(Number.NaN, 0)).toThrow(/finite number/);
    expect(() => new WaitableTimer(Infinity, 0)).toThrow(/finite number/);
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
