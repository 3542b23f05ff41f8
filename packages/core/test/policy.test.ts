import { describe, expect, it } from "vitest";
import {
  EventLoop,
  PolicyError,
  asyncioOrder,
  type ChoicePoint,
  type Coroutine,
  type JitterPoint,
  type PolicyLevels,
  type SchedulingPolicy,
  type TimerHandle,
} from "../src/index.ts";
import { nap } from "./helpers.ts";

/** A policy that answers from a script (then 0), and logs what it was asked. */
function scripted(
  levels: Partial<PolicyLevels>,
  picks: number[],
  durations: number[] = [],
): SchedulingPolicy & {
  asked: ChoicePoint[];
} {
  const asked: ChoicePoint[] = [];
  return {
    name: "scripted",
    levels: { ties: false, interleave: false, jitter: false, faults: false, ...levels },
    asked,
    choose(point: ChoicePoint): number {
      asked.push(point);
      return picks.shift() ?? 0;
    },
    chooseDuration(point: JitterPoint): number {
      return durations.shift() ?? point.min;
    },
  };
}

describe("the policy hook", () => {
  it("asyncioOrder, given explicitly, is asyncio's order and records no choice", () => {
    const loop = new EventLoop({ policy: asyncioOrder });
    const log: number[] = [];
    for (let i = 0; i < 3; i++) loop.callAt(1, () => log.push(i));
    loop.runUntilIdle();
    expect(log).toEqual([0, 1, 2]);
    expect(loop.choiceLog()).toEqual([]);
    expect(loop.policy).toBeNull();
  });

  it("ties: asks which of the timers due at the same instant fires next", () => {
    const policy = scripted({ ties: true }, [2, 1]);
    const loop = new EventLoop({ policy });
    const log: string[] = [];
    for (const name of ["a", "b", "c"]) loop.callAt(1, () => log.push(name));
    loop.callAt(2, () => log.push("later"));
    loop.runUntilIdle();
    expect(log).toEqual(["c", "b", "a", "later"]);
    expect(policy.asked.map((p) => [p.kind, p.options])).toEqual([
      ["tie", 3],
      ["tie", 3], // two left, plus "defer"
      ["tie", 2], // one left, plus "defer"
    ]);
    expect(loop.choiceLog().map((c) => c.pick)).toEqual([2, 1, 0]);
  });

  it("recordChoices: false asks the policy as before but leaves choiceLog() empty", () => {
    const policy = scripted({ ties: true, jitter: true }, [2, 1], [1.5]);
    const loop = new EventLoop({ policy, recordChoices: false });
    const log: string[] = [];
    for (const name of ["a", "b", "c"]) loop.callAt(1, () => log.push(name));
    loop.callSoon(() => log.push(`drew ${loop.jitter(1, 2)}`));
    loop.runUntilIdle();
    expect(log).toEqual(["drew 1.5", "c", "b", "a"]);
    expect(policy.asked.map((p) => p.kind)).toEqual(["tie", "tie", "tie"]);
    expect(loop.choiceLog()).toEqual([]);
  });

  it("ties: deferring lets the first timer's consequences run before the others fire, at the same instant", () => {
    const loop = new EventLoop({ policy: scripted({ ties: true }, [0, 2]) });
    const log: string[] = [];
    loop.callAt(1, () => {
      log.push(`a@${loop.iteration}`);
      loop.callSoon(() => log.push(`a's consequence@${loop.iteration}`));
    });
    loop.callAt(1, () => log.push(`b@${loop.iteration}`));
    loop.callAt(1, () => log.push(`c@${loop.iteration}`));
    loop.runUntilIdle();
    expect(log).toEqual(["a@1", "a's consequence@2", "b@2", "c@2"]);
    expect(loop.time()).toBe(1);
  });

  it("ties: a deferred group is asked again on the same array, with the timers left in their order", () => {
    // Fire the first, then defer at every chance: one timer per iteration.
    const arrays: (readonly unknown[])[] = [];
    const policy: SchedulingPolicy = {
      ...scripted({ ties: true }, []),
      choose(point: ChoicePoint): number {
        if (point.kind !== "tie") return 0;
        arrays.push(point.candidates);
        return point.canDefer ? point.options - 1 : point.candidates.length - 1;
      },
    };
    const loop = new EventLoop({ policy });
    const log: string[] = [];
    for (const name of ["a", "b", "c", "d"]) loop.callAt(1, () => log.push(`${name}@${loop.iteration}`));
    loop.runUntilIdle();
    expect(log).toEqual(["d@1", "c@2", "b@3", "a@4"]);
    // Each iteration's first question is asked on the array the last one deferred: no copy per deferral.
    expect(new Set(arrays).size).toBe(1);
    expect(loop.pendingTimerCount()).toBe(0);
  });

  it("ties: a timer of a deferred group cancelled meanwhile does not fire, and one that joins it comes last", () => {
    const handles: TimerHandle[] = [];
    const log: string[] = [];
    const policy = scripted({ ties: true }, [0, 2]);
    const loop = new EventLoop({ policy });
    handles.push(
      loop.callAt(1, () => {
        // Runs with b and c deferred (fire a, then defer): cancel c, arm a timer due at this instant.
        log.push("a");
        handles[2]?.cancel();
        loop.callAt(1, () => log.push("late"));
      }),
    );
    handles.push(loop.callAt(1, () => log.push("b")));
    handles.push(loop.callAt(1, () => log.push("c")));
    expect(loop.pendingTimerCount()).toBe(3);
    loop.runUntilIdle();
    expect(log).toEqual(["a", "b", "late"]);
    expect(loop.pendingTimerCount()).toBe(0);
    // Iteration 2 asked about b and the late timer only (two options, then one timer and "defer").
    expect(policy.asked.map((p) => [p.iteration, p.options])).toEqual([
      [1, 3],
      [1, 3],
      [2, 2],
      [2, 2],
    ]);
  });

  it("ties: only equal deadlines tie; a single due timer is no choice", () => {
    const policy = scripted({ ties: true }, []);
    const loop = new EventLoop({ policy, startTime: 5 });
    loop.callAt(1, () => {});
    loop.callAt(2, () => {});
    loop.callLater(1, () => {});
    loop.runUntilIdle();
    expect(policy.asked).toEqual([]);
  });

  it("interleave: picks among the heads of different sources, keeping each source's FIFO order", () => {
    const policy = scripted({ interleave: true }, [1, 1]);
    const loop = new EventLoop({ policy });
    const log: string[] = [];
    function* worker(name: string): Coroutine<void> {
      log.push(`${name}1`);
      yield;
      log.push(`${name}2`);
    }
    loop.createTask(worker("a"), { name: "A" });
    loop.createTask(worker("b"), { name: "B" });
    loop.runUntilIdle();
    // Iteration 2 queues B's step before A's (B ran first), so pick 1 is A again.
    expect(log).toEqual(["b1", "a1", "a2", "b2"]);
    const first = policy.asked[0];
    expect(first?.kind === "interleave" && first.candidates.map((h) => h.label)).toEqual(["A", "B"]);
  });

  it("interleave: callbacks scheduled from outside the loop share one source and keep FIFO", () => {
    const policy = scripted({ interleave: true }, []);
    const loop = new EventLoop({ policy });
    const log: number[] = [];
    for (let i = 0; i < 4; i++) loop.callSoon(() => log.push(i));
    loop.runUntilIdle();
    expect(log).toEqual([0, 1, 2, 3]);
    expect(policy.asked).toEqual([]);
  });

  it("faults: may cancel a cancellable task at a suspension point; others are never asked about", () => {
    const policy = scripted({ faults: true }, [0, 1]);
    const loop = new EventLoop({ policy });
    const log: string[] = [];
    function* worker(name: string): Coroutine<void> {
      try {
        yield* nap(1);
        yield* nap(1);
        log.push(`${name} done`);
      } catch (error) {
        log.push(`${name} ${(error as Error).name}`);
        throw error;
      }
    }
    const victim = loop.createTask(worker("victim"), { cancellable: true });
    loop.createTask(worker("bystander"));
    loop.runUntilIdle();
    // Asked at the victim's two suspensions (t=0, t=1); cancelled at the second, before the bystander ends at t=2.
    expect(log).toEqual(["victim CancelledError", "bystander done"]);
    expect(victim.cancelled()).toBe(true);
    expect(policy.asked.map((p) => p.kind)).toEqual(["fault", "fault"]);
  });

  it("jitter: the policy draws uncertain durations; without the level they are the minimum", () => {
    const drawn = new EventLoop({ policy: scripted({ jitter: true }, [], [2.5]) });
    expect(drawn.jitter(1, 3)).toBe(2.5);
    expect(drawn.choiceLog()).toEqual([
      { kind: "jitter", time: 0, iteration: 0, options: 0, pick: 2.5, min: 1, max: 3 },
    ]);
    expect(new EventLoop().jitter(1, 3)).toBe(1);
    expect(() => new EventLoop().jitter(3, 1)).toThrow(/min <= max/);
  });

  it("an invalid answer finishes the batch in FIFO order, then throws PolicyError; nothing is lost", () => {
    const loop = new EventLoop({ policy: scripted({ ties: true }, [7]) });
    const log: string[] = [];
    for (const name of ["a", "b"]) loop.callAt(1, () => log.push(name));
    loop.callAt(2, () => log.push("later"));
    expect(() => loop.runUntilIdle()).toThrow(PolicyError);
    expect(log).toEqual(["a", "b"]);
    loop.runUntilIdle();
    expect(log).toEqual(["a", "b", "later"]);
  });

  it("a policy that throws is reported as a PolicyError with the cause", () => {
    const loop = new EventLoop({
      policy: {
        name: "broken",
        levels: { ties: true, interleave: false, jitter: false, faults: false },
        choose: () => {
          throw new Error("nope");
        },
        chooseDuration: (p) => p.min,
      },
    });
    loop.callAt(1, () => {});
    loop.callAt(1, () => {});
    expect(() => loop.runUntilIdle()).toThrow(/Policy "broken" threw at a tie choice: Error: nope/);
  });

  it("records each choice in the trace when tracing", () => {
    const loop = new EventLoop({ policy: scripted({ ties: true }, [1]), trace: true });
    loop.callAt(1, function a() {});
    loop.callAt(1, function b() {});
    loop.runUntilIdle();
    expect(loop.trace?.events().map((e) => `${e.kind}:${e.label}`)).toEqual([
      "choice:tie",
      "choice:tie",
      "timer:b",
      "timer:a",
    ]);
  });
});
