import { describe, expect, it } from "vitest";
import type { EventLoop } from "@simloop/core";
import { gather, sleep, uncertain } from "@simloop/coroutines";
import { nodeBugs } from "../examples/bugs/node/index.ts";
import {
  criticalPoints,
  explore,
  exhaustive,
  replaying,
  resolveLevels,
  runProgram,
  shrinkSchedule,
} from "../src/index.ts";

/**
 * A window that opens at t=3 and whose closing timer is armed at t=6 for t=7 (so it is not pending when
 * the reply's duration is drawn at t=0): the program fails only when the reply lands strictly between the
 * closing timer's arming and its deadline, (6, 7), inside the reply's range [0, 10] and at neither bound.
 */
function midRangeOnly(reply: (loop: EventLoop) => Generator<never, void, unknown> | ReturnType<typeof sleep>) {
  return function* midRange(loop: EventLoop) {
    const events: string[] = [];
    yield* gather(
      (function* () {
        yield* sleep(3);
        events.push("open");
      })(),
      (function* () {
        yield* reply(loop);
        events.push("reply");
      })(),
      (function* () {
        yield* sleep(6);
        events.push("closing");
        yield* sleep(1);
        events.push("closed");
      })(),
    );
    if (events.indexOf("closing") < events.indexOf("reply") && events.indexOf("reply") < events.indexOf("closed")) {
      throw new Error(`the reply arrived while the window was closing: ${events.join(", ")}`);
    }
  };
}

const followed = midRangeOnly(() => sleep(uncertain(0, 10)));
const bare = midRangeOnly((loop) => sleep(loop.jitter(0, 10)));

describe("exhaustive claims only what it covers", () => {
  it("finds a failure that needs an uncertain duration strictly inside its range (the loop follows it)", () => {
    const result = explore(followed, { policy: "exhaustive" });
    expect(result.ok).toBe(false);
    const draw = result.failure!.schedule.decisions.find((d) => d.kind === "jitter")!;
    expect(draw.pick).toBeGreaterThan(6);
    expect(draw.pick).toBeLessThan(7);
  });

  it("does not claim every schedule with a bare loop.jitter number, and says what it covered", () => {
    const result = explore(bare, { policy: "exhaustive" });
    // The bounds alone miss the window: the campaign passes, and must not claim the space covered.
    expect(result.ok).toBe(true);
    expect(result.coverage.complete).toBe(false);
    expect(result.coverage.boundsOnly).toBe(1);
    expect(result.coverage.summary).toMatch(
      /^explored 2 schedule\(s\), trying 1 bare loop\.jitter value\(s\) per run at their two bounds only: the values in between were NOT covered, so this is not every schedule \(give the timer uncertain\(min, max\) instead/,
    );
    expect(result.coverage.summary).not.toMatch(/explored every schedule/);
  });

  it("claims every schedule once each order of the followed deadline was run, and each order was", () => {
    const orders = new Set<string>();
    function* twin(loop: EventLoop) {
      const events: string[] = [];
      yield* gather(
        (function* () {
          yield* sleep(3);
          events.push("open");
        })(),
        (function* () {
          yield* sleep(uncertain(0, 10));
          events.push("reply");
        })(),
        (function* () {
          yield* sleep(6);
          events.push("closing");
          yield* sleep(1);
          events.push("closed");
        })(),
      );
      orders.add(`${events.join(",")}@${loop.time()}`);
    }
    const result = explore(twin, { policy: "exhaustive", levels: { ties: false } });
    expect(result.ok).toBe(true);
    expect(result.coverage.complete).toBe(true);
    expect(result.coverage.summary).toMatch(
      /^explored every schedule: \d+ run\(s\), each uncertain duration at its critical points/,
    );
    const seen = new Set([...orders].map((o) => o.split("@")[0]));
    expect(seen).toEqual(
      new Set([
        "reply,open,closing,closed",
        "open,reply,closing,closed",
        "open,closing,reply,closed",
        "open,closing,closed,reply",
      ]),
    );
  });

  it("with ties on, a deadline that meets another is tried both ways", () => {
    function* tie(loop: EventLoop) {
      const events: string[] = [];
      let replyAt = -1;
      yield* gather(
        (function* () {
          yield* sleep(3);
          events.push("a");
        })(),
        (function* () {
          yield* sleep(uncertain(1, 5));
          replyAt = loop.time();
          events.push("b");
        })(),
      );
      return `${events.join(",")}@${replyAt}`;
    }
    const policy = exhaustive({ runs: 50 });
    const values: unknown[] = [];
    for (let run = 0; policy.beginRun(run); run++) {
      values.push(runProgram(tie, { policy }).value);
      policy.endRun({ decisions: 0, tasks: 0, failed: false });
    }
    expect(policy.coverage().complete).toBe(true);
    // Its bounds, the middle of each gap, and t=3 four times: the tie with "a" is a choice of its own
    // (either first, then the other in the same iteration or deferred to the next one at t=3).
    expect(values.sort()).toEqual(["a,b@3", "a,b@3", "a,b@4", "a,b@5", "b,a@1", "b,a@2", "b,a@3", "b,a@3"]);
  });
});

describe("exhaustive on the corpus modelled on Node.js issues (durations given as uncertain)", () => {
  it("finds every bug, the narrow windows between other deadlines included, within 40 runs", () => {
    for (const bug of nodeBugs) {
      const result = explore(bug.buggy, { policy: "exhaustive", runs: 40, shrink: false, levels: bug.levels ?? {} });
      expect(result.failure?.kind, bug.id).toBe(bug.kind);
    }
  });

  it("proves a twin: every schedule explored, as docs/check.md defines it", () => {
    const twin = nodeBugs.find((bug) => bug.id === "lock-renewal-after-finish")!.fixed;
    const result = explore(twin, { policy: "exhaustive", runs: 100 });
    expect(result.ok).toBe(true);
    expect(result.coverage.complete).toBe(true);
    expect(result.coverage.summary).toMatch(/^explored every schedule: 18 run\(s\), each uncertain duration/);
  });
});

describe("shrinking an uncertain duration", () => {
  it("snaps it to a deadline the loop reported, even one that never fired in the run", () => {
    // A lease timer due at t=5 is cancelled at t=4, so the failing run's trace never shows t=5; the
    // failure needs the reply at t=5 or later (the program reads the clock).
    function* late(loop: EventLoop) {
      const lease = loop.callLater(5, () => {});
      loop.callLater(4, () => lease.cancel());
      yield* sleep(uncertain(0, 10));
      if (loop.time() >= 5) throw new Error(`the reply came at t=${loop.time()}, after the lease`);
    }
    const levels = resolveLevels();
    const policy = replaying("j0~10=9", levels);
    policy.beginRun(0);
    const start = runProgram(late, { policy });
    expect(start.failure?.kind).toBe("error");
    const shrunk = shrinkSchedule(late, start.schedule, start, { levels, kind: "error" });
    // From 9: the minimum (0), the trace's t=4 and halfway (4.5) all pass; the lease's deadline fails.
    expect(shrunk.schedule.toString()).toBe("v2:j0~10=5");
    expect(shrunk.minimal).toBe(true);
  });
});

describe("criticalPoints", () => {
  it("are the bounds, each deadline strictly inside, and the middle of each gap", () => {
    expect(criticalPoints(0, 10, [7, 3, 3, 12, 0])).toEqual([0, 1.5, 3, 5, 7, 8.5, 10]);
    expect(criticalPoints(0, 10, [])).toEqual([0, 5, 10]);
    expect(criticalPoints(0, 10, undefined)).toEqual([0, 10]);
    expect(criticalPoints(2, 2, [2])).toEqual([2]);
  });
});
