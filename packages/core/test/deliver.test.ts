import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  CancelledError,
  DeadlockError,
  EventLoop,
  LoopClosedError,
  type ChoicePoint,
  type Coroutine,
  type DeliveryChoice,
  type PolicyLevels,
  type SchedulingPolicy,
} from "../src/index.ts";
import { nap } from "./helpers.ts";

/** A policy that answers from a script (then 0), and logs what it was asked. */
function scripted(levels: Partial<PolicyLevels>, picks: number[]): SchedulingPolicy & { asked: ChoicePoint[] } {
  const asked: ChoicePoint[] = [];
  return {
    name: "scripted",
    levels: { ties: false, interleave: false, jitter: false, faults: false, ...levels },
    asked,
    choose(point: ChoicePoint): number {
      asked.push(point);
      return picks.shift() ?? 0;
    },
    chooseDuration: (point) => point.min,
  };
}

/** Two requests whose replies record their arrival; returns the arrival order. */
function twoRequests(loop: EventLoop, log: string[]): Coroutine<void> {
  return (function* () {
    const a = loop.createTask(
      (function* () {
        log.push(`a got ${yield* loop.deliver(() => "A", { label: "a" })}`);
      })(),
    );
    const b = loop.createTask(
      (function* () {
        log.push(`b got ${yield* loop.deliver(() => "B", { label: "b" })}`);
      })(),
    );
    yield* a;
    yield* b;
  })();
}

describe("loop.deliver: the clockless choice for I/O", () => {
  it("without a policy delivers the oldest pending completion as soon as nothing is ready, at the same instant", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callLater(1, () => log.push(`timer at ${loop.time()}`));
    loop.runUntilComplete(twoRequests(loop, log));
    expect(log).toEqual(["a got A", "b got B"]);
    expect(loop.time()).toBe(0);
    expect(loop.choiceLog()).toEqual([]);
  });

  it("under the io level the policy picks which completion arrives first", () => {
    const policy = scripted({ io: true }, [1]);
    const loop = new EventLoop({ policy });
    const log: string[] = [];
    loop.runUntilComplete(twoRequests(loop, log));
    expect(log).toEqual(["b got B", "a got A"]);
    const point = policy.asked[0] as DeliveryChoice;
    expect(point.kind).toBe("delivery");
    expect(point.options).toBe(2);
    expect(point.canWait).toBe(false);
    expect(point.candidates.map((d) => [d.label, d.task?.getName()])).toEqual([
      ["a", "Task-2"],
      ["b", "Task-3"],
    ]);
    expect(loop.choiceLog().map((r) => [r.kind, r.options, r.pick])).toEqual([["delivery", 2, 1]]);
  });

  it("the last option lets the next timer fire first: a timeout can beat the reply", () => {
    const run = (picks: number[]): string[] => {
      const loop = new EventLoop({ policy: scripted({ io: true }, picks) });
      const log: string[] = [];
      loop.runUntilComplete(
        (function* () {
          const reply = loop.deliver(() => "reply");
          const timer = loop.callLater(5, () => {
            log.push(`timeout at ${loop.time()}`);
            reply.cancel();
          });
          try {
            log.push(yield* reply);
          } catch (error) {
            log.push(error instanceof CancelledError ? "cancelled" : String(error));
          }
          timer.cancel();
        })(),
      );
      return log;
    };
    expect(run([])).toEqual(["reply"]);
    // wait (option 1 of [reply, wait]): the timer fires at 5 and withdraws the request.
    expect(run([1])).toEqual(["timeout at 5", "cancelled"]);
  });

  it("a withdrawn delivery never runs its completion, and the loop does not wait for it", () => {
    const loop = new EventLoop();
    let ran = false;
    const future = loop.deliver(() => {
      ran = true;
    });
    future.cancel();
    loop.runUntilIdle();
    expect(ran).toBe(false);
  });

  it("a completion that throws rejects the future", () => {
    const loop = new EventLoop();
    const future = loop.deliver(() => {
      throw new Error("connection reset");
    });
    expect(() => loop.runUntilComplete(future)).toThrow("connection reset");
  });

  it("a pending delivery keeps the loop from deadlocking, and runUntilIdle / runUntilTime deliver it", () => {
    const loop = new EventLoop();
    const future = loop.deliver(() => 7);
    loop.runUntilIdle();
    expect(future.result()).toBe(7);
    const later = loop.deliver(() => 8);
    loop.callLater(10, () => {});
    loop.runUntilTime(1);
    expect(later.result()).toBe(8);
    expect(loop.time()).toBe(1);
  });

  it("a run bounded before the next timer offers no wait option", () => {
    const policy = scripted({ io: true }, []);
    const loop = new EventLoop({ policy });
    loop.callLater(10, () => {});
    loop.deliver(() => 1);
    loop.deliver(() => 2);
    loop.runUntilTime(1);
    expect(policy.asked.map((p) => [p.kind, p.options])).toEqual([["delivery", 2]]);
  });

  it("a task awaiting a withdrawn request still deadlocks with a report", () => {
    const loop = new EventLoop();
    const never = loop.createFuture<void>("never");
    const task = loop.createTask(
      (function* () {
        yield* nap(1);
        yield* never;
      })(),
    );
    loop.deliver(() => 0).cancel();
    expect(() => loop.runUntilComplete(task)).toThrow(DeadlockError);
  });

  it("refuses a non-function and a closed loop", () => {
    const loop = new EventLoop();
    expect(() => loop.deliver(42 as unknown as () => number)).toThrow(ArgumentError);
    loop.close();
    expect(() => loop.deliver(() => 1)).toThrow(LoopClosedError);
  });
});
