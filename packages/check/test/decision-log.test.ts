import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecisionLog } from "../src/internal/decision-log.ts";
import { DistinctSchedules } from "../src/internal/distinct-schedules.ts";
import { isDeviation, type Decision } from "../src/index.ts";

const decisionArb: fc.Arbitrary<Decision> = fc.oneof(
  fc
    .record({
      kind: fc.constantFrom("tie", "interleave", "fault", "delivery") as fc.Arbitrary<Decision["kind"]>,
      options: fc.integer({ min: 2, max: 300 }),
      pick: fc.nat({ max: 299 }),
      time: fc.double({ min: 0, max: 1e6, noNaN: true }),
      iteration: fc.nat(),
    })
    .map((d) => ({ ...d, pick: d.pick % d.options })),
  fc
    .record({ min: fc.constantFrom(0, 0.5, 1), span: fc.constantFrom(0, 0.25, 1), at: fc.constantFrom(0, 0.5, 1) })
    .map(({ min, span, at }) => ({
      kind: "jitter" as const,
      options: 0,
      min,
      max: min + span,
      pick: min + at * span,
      time: 3,
      iteration: 7,
    })),
);

/** Records `decisions` as RecordingPolicy does: a jitter draw whole, a choice point as numbers. */
function logOf(decisions: readonly Decision[]): DecisionLog {
  const log = new DecisionLog();
  for (const d of decisions) {
    if (d.kind === "jitter") log.pushWhole(d);
    else log.push(d.kind, d.options, d.pick, d.time ?? 0, d.iteration ?? 0);
  }
  return log;
}

describe("DecisionLog", () => {
  it("gives back the decisions recorded (and the same key to DistinctSchedules), however many", () => {
    fc.assert(
      fc.property(fc.array(decisionArb, { maxLength: 700 }), (decisions) => {
        const log = logOf(decisions);
        expect(log.length).toBe(decisions.length);
        expect(log.decisions()).toEqual(decisions);
        decisions.forEach((d, i) => expect(log.deviatesAt(i)).toBe(isDeviation(d)));
        const fromLog = new DistinctSchedules();
        const fromObjects = new DistinctSchedules();
        fromLog.addLog(log);
        fromObjects.addDecisions(decisions);
        fromLog.addDecisions(decisions);
        expect(fromLog.size).toBe(1);
        expect(fromObjects.size).toBe(1);
      }),
    );
  });

  it("builds each object once per run; a cleared log leaves the array handed out before as it was", () => {
    const log = new DecisionLog();
    log.push("tie", 3, 1, 1, 1);
    const first = log.decisions();
    log.push("tie", 2, 0, 1, 2);
    expect(log.decisions()).toBe(first);
    expect(first).toHaveLength(2);
    log.clear();
    log.push("fault", 2, 1, 5, 9);
    expect(log.decisions()).toEqual([{ kind: "fault", options: 2, pick: 1, time: 5, iteration: 9 }]);
    expect(first.map((d) => d.kind)).toEqual(["tie", "tie"]);
  });

  it("a released log is empty and its buffer serves the next log, whose decisions are its own", () => {
    const first = new DecisionLog();
    for (let i = 0; i < 1000; i++) first.push("tie", 3, i % 3, i, i);
    first.release();
    expect(first.length).toBe(0);
    expect(first.decisions()).toEqual([]);
    const next = new DecisionLog();
    next.push("interleave", 2, 1, 7, 8);
    next.pushWhole({ kind: "jitter", options: 0, pick: 1.5, min: 1, max: 2, time: 7, iteration: 8 });
    expect(next.decisions()).toEqual([
      { kind: "interleave", options: 2, pick: 1, time: 7, iteration: 8 },
      { kind: "jitter", options: 0, pick: 1.5, min: 1, max: 2, time: 7, iteration: 8 },
    ]);
    expect(next.kinds).toBe(2 | 16);
    // The released log records again from scratch.
    first.push("fault", 2, 1, 1, 1);
    expect(first.decisions()).toEqual([{ kind: "fault", options: 2, pick: 1, time: 1, iteration: 1 }]);
    expect(first.kinds).toBe(4);
  });
});
