import fc from "fast-check";
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
  type EventLoopOptions,
  type Handle,
  type Task,
} from "../src/index.ts";

/** One action of a task in the programs below, drawn by fast-check. */
type Action =
  | { readonly kind: "sleep"; readonly delay: number }
  | { readonly kind: "soon" | "later" | "stop"; readonly delay: number }
  | { readonly kind: "cancel" | "interrupt"; readonly target: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("sleep" as const), delay: fc.constantFrom(0, 1, 1, 2, 0.5) }) },
  fc.record({
    kind: fc.constantFrom("soon" as const, "later" as const, "stop" as const),
    delay: fc.constantFrom(0, 1),
  }),
  fc.record({ kind: fc.constantFrom("cancel" as const, "interrupt" as const), target: fc.nat(3) }),
);

/**
 * Runs tasks that sleep, schedule callbacks, stop the loop and cancel or interrupt each other, and logs
 * every event with its time and iteration: the same program must log the same on every loop.
 */
function runProgram(options: EventLoopOptions, programs: readonly (readonly Action[])[], watch = false): string[] {
  const log: string[] = [];
  const note = (text: string): void => {
    log.push(`${loop.time()} ${loop.iteration} ${text}`);
  };
  const instruments = watch ? [{ beforeDispatch: (handle: Handle) => note(`dispatch ${handle.label}`) }] : [];
  const loop = new EventLoop({ ...options, instruments });
  const tasks: Task<void>[] = [];
  function* body(i: number, actions: readonly Action[]): Coroutine<void> {
    for (const [k, action] of actions.entries()) {
      try {
        if ("target" in action) {
          const target = tasks[action.target % tasks.length] as Task<void>;
          if (target !== tasks[i] && !target.done()) {
            if (action.kind === "cancel") target.cancel(`by ${i}`);
            else target.interrupt(`by ${i}`);
          }
        } else if (action.kind === "sleep") yield* new WaitableTimer(action.delay, undefined);
        else if (action.kind === "soon") loop.callSoon(() => note(`soon ${i}.${k}`));
        else if (action.kind === "later") loop.callLater(action.delay, () => note(`later ${i}.${k}`));
        else if (action.delay === 0) loop.stop();
        else loop.callLater(action.delay, () => loop.stop());
        note(`${i}.${k} ${action.kind}`);
      } catch (error) {
        note(`${i}.${k} ${action.kind} threw ${(error as Error).name}`);
        if (error instanceof CancelledError) throw error;
      }
    }
  }
  programs.forEach((actions, i) => tasks.push(loop.createTask(body(i, actions))));
  while (loop.step()) {
    loop.runUntilIdle();
    note("run call returned");
  }
  return log;
}

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

  it("wakes its task in place of an iteration that would run only the wake-up, unobservably (decision 0039)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(actionArb, { maxLength: 8 }), { minLength: 1, maxLength: 4 }), (programs) => {
        // A step budget turns the in-place wake-up off; so does an instrument (which sees every
        // dispatch); step() never does it.
        expect(runProgram({}, programs)).toEqual(runProgram({ maxSteps: 1e9 }, programs));
        expect(runProgram({}, programs, true)).toEqual(runProgram({ maxSteps: 1e9 }, programs, true));
      }),
      { numRuns: 300 },
    );
  });

  it("step() runs one iteration: the timer fires in one, its task wakes in the next", () => {
    const loop = new EventLoop();
    const seen: string[] = [];
    function* sleeper(): Coroutine<void> {
      yield* new WaitableTimer(1, undefined);
      seen.push(`woke at iteration ${loop.iteration}`);
    }
    loop.createTask(sleeper());
    loop.step(); // the task arms its timer
    loop.step(); // the timer fires
    expect(seen).toEqual([]);
    loop.step();
    expect(seen).toEqual(["woke at iteration 3"]);
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
