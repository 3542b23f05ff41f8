import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BadYieldError,
  DeadlockError,
  EventLoop,
  LoopMisuseError,
  LoopRunningError,
  StepBudgetExceededError,
  getRunningLoop,
  type Coroutine,
  type EventLoopOptions,
  type Future,
  type SchedulingPolicy,
} from "../src/index.ts";
import { nap } from "./helpers.ts";

/** Drives `loop` to the end synchronously: dispatchNext until it returns false or the loop deadlocks. */
function driveAll(loop: EventLoop): "stopped" | "idle" {
  const run = loop.beginDrivenRun();
  try {
    while (run.dispatchNext()) {
      /* one callback per call */
    }
    return "stopped";
  } catch (error) {
    if (error instanceof DeadlockError) return "idle";
    throw error;
  } finally {
    run.end();
  }
}

/**
 * A program of nested callbacks and timers: op i is scheduled (with `callSoon` when its delay is null,
 * else `callLater`) at the start when its parent is -1, else when its parent op runs.
 */
type Op = { readonly parent: number; readonly delay: number | null };
const programArb: fc.Arbitrary<Op[]> = fc
  .array(fc.record({ parent: fc.nat(), delay: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) }), {
    maxLength: 20,
  })
  .map((ops) => ops.map((op, i) => ({ parent: i === 0 ? -1 : (op.parent % (i + 1)) - 1, delay: op.delay })));

function schedule(loop: EventLoop, ops: readonly Op[], log: string[], parent: number): void {
  ops.forEach((op, i) => {
    if (op.parent !== parent) return;
    const run = (): void => {
      log.push(`${loop.time()}@${loop.iteration} ${i}`);
      schedule(loop, ops, log, i);
    };
    if (op.delay === null) loop.callSoon(run);
    else loop.callLater(op.delay, run);
  });
}

function scripted(picks: number[]): SchedulingPolicy {
  return {
    name: "scripted",
    levels: { ties: true, interleave: true, jitter: false, faults: false },
    choose: (point) => (picks.shift() ?? 0) % point.options,
    chooseDuration: (point) => point.min,
  };
}

describe("driven runs", () => {
  it("dispatch the same callbacks at the same times and iterations as a synchronous run", () => {
    fc.assert(
      fc.property(programArb, fc.array(fc.nat(5), { maxLength: 30 }), (ops, picks) => {
        const logs: string[][] = [];
        for (const driven of [false, true]) {
          const options: EventLoopOptions = { policy: scripted([...picks]) };
          const loop = new EventLoop(options);
          const log: string[] = [];
          schedule(loop, ops, log, -1);
          if (driven) driveAll(loop);
          else loop.runUntilIdle();
          logs.push([...log, `choices ${loop.choiceLog().map((c) => `${c.kind}${c.pick}`)}`]);
        }
        expect(logs[1]).toEqual(logs[0]);
      }),
    );
  });

  it("stop() ends the run after the iteration it was called in, never truncating its siblings", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callSoon(() => {
      log.push("a");
      loop.stop();
      loop.callSoon(() => log.push("next iteration"));
    });
    loop.callSoon(() => log.push("b"));
    const run = loop.beginDrivenRun();
    expect(run.dispatchNext()).toBe(true);
    expect(run.betweenIterations).toBe(false);
    expect(run.dispatchNext()).toBe(true);
    expect(run.betweenIterations).toBe(true);
    expect(run.dispatchNext()).toBe(false);
    run.end();
    expect(log).toEqual(["a", "b"]);
    expect(loop.isRunning()).toBe(false);
    loop.runUntilIdle();
    expect(log).toEqual(["a", "b", "next iteration"]);
  });

  it("counts cancelled handles out: betweenIterations is true when only cancelled ones are left", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    let second: { cancel(): void } | undefined;
    loop.callSoon(() => {
      log.push("a");
      second?.cancel();
    });
    second = loop.callSoon(() => log.push("cancelled"));
    const run = loop.beginDrivenRun();
    run.dispatchNext();
    expect(run.betweenIterations).toBe(true);
    run.end();
    expect(log).toEqual(["a"]);
  });

  it("keeps the loop running between dispatches, so no other run call can start", () => {
    const loop = new EventLoop();
    loop.callSoon(() => undefined);
    const run = loop.beginDrivenRun();
    expect(loop.isRunning()).toBe(true);
    expect(getRunningLoop()).toBe(loop);
    expect(() => loop.runUntilIdle()).toThrow(LoopRunningError);
    expect(() => new EventLoop().runUntilIdle()).toThrow(LoopRunningError);
    run.end();
    run.end();
    expect(loop.isRunning()).toBe(false);
    expect(() => run.dispatchNext()).toThrow(LoopMisuseError);
    expect(run.ended).toBe(true);
  });

  it("ending between two dispatches of an iteration leaves the rest queued in order", () => {
    for (const interleave of [false, true]) {
      const loop = new EventLoop(interleave ? { policy: scripted([]) } : {});
      const log: string[] = [];
      for (const name of ["a", "b", "c"]) loop.callSoon(() => log.push(name));
      const run = loop.beginDrivenRun();
      run.dispatchNext();
      run.end();
      loop.callSoon(() => log.push("d"));
      loop.runUntilIdle();
      expect(log).toEqual(["a", "b", "c", "d"]);
    }
  });

  it("throws the deadlock with the awaited future named, and the step budget, as the run calls do", () => {
    const loop = new EventLoop();
    const future = loop.createFuture<void>("never");
    const run = loop.beginDrivenRun({ awaited: future });
    expect(() => run.dispatchNext()).toThrow(/runUntilComplete\(\) waits on <Future pending never>/);
    run.end();

    const budget = new EventLoop({ maxSteps: 3 });
    const tick = (): void => void budget.callSoon(tick);
    budget.callSoon(tick);
    const bounded = budget.beginDrivenRun();
    expect(() => {
      for (;;) bounded.dispatchNext();
    }).toThrow(StepBudgetExceededError);
    bounded.end();
  });

  it("lets a task wait on a foreign awaitable through the adapter, and only during the run", () => {
    const loop = new EventLoop();
    const thenable = { then: () => undefined, label: "foreign" };
    let adopted: Future<unknown> | undefined;
    const results: unknown[] = [];
    function* body(): Coroutine<void> {
      // What comes back is the task's plain resumption (undefined): the adopted future holds the value.
      results.push(yield thenable as never, adopted?.result());
      yield* nap(1);
      try {
        yield thenable as never;
      } catch (error) {
        results.push(error instanceof BadYieldError);
      }
    }
    const task = loop.createTask(body());
    const run = loop.beginDrivenRun({
      awaited: task,
      foreignAwaitable: (value) => {
        if (value !== thenable) return null;
        adopted = loop.createFuture("adopted");
        return adopted;
      },
    });
    run.dispatchNext(); // the first step: waits on the adopted future
    expect(task.waitingOn()?.toString()).toBe("<Future pending adopted>");
    adopted?.setResult("value");
    run.dispatchNext(); // the wake-up
    run.end();
    loop.runUntilComplete(task); // no adapter any more: a bad yield
    expect(results).toEqual([undefined, "value", true]);
  });

  it("counts the pending timers, cancelled and fired ones out (what a driver reads to tell a live loop)", () => {
    const loop = new EventLoop();
    loop.callLater(1, () => undefined);
    const cancelled = loop.callLater(2, () => undefined);
    loop.callSoon(() => undefined);
    expect(loop.pendingTimerCount()).toBe(2);
    cancelled.cancel();
    expect(loop.pendingTimerCount()).toBe(1);
    loop.runUntilIdle();
    expect(loop.pendingTimerCount()).toBe(0);
  });

  it("throws an adapter's error into the task at its next step", () => {
    const loop = new EventLoop();
    const failure = new Error("cannot adopt");
    function* body(): Coroutine<string> {
      try {
        yield {} as never;
        return "no error";
      } catch (error) {
        return error === failure ? "caught" : "other";
      }
    }
    const task = loop.createTask(body());
    const run = loop.beginDrivenRun({
      foreignAwaitable: () => {
        throw failure;
      },
    });
    while (!task.done()) run.dispatchNext();
    run.end();
    expect(task.result()).toBe("caught");
  });
});
