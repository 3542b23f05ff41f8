import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DistinctSchedules } from "../src/internal/distinct-schedules.ts";
import { Schedule, type Decision } from "../src/index.ts";

const decisionArb: fc.Arbitrary<Decision> = fc.oneof(
  fc
    .record({
      kind: fc.constantFrom("tie", "interleave", "fault") as fc.Arbitrary<Decision["kind"]>,
      options: fc.integer({ min: 2, max: 4 }),
      pick: fc.nat({ max: 3 }),
    })
    .map((d) => ({ ...d, pick: d.pick % d.options })),
  fc
    .record({ min: fc.constantFrom(0, 0.5, 1), span: fc.constantFrom(0, 0.25, 1), at: fc.constantFrom(0, 0.5, 1) })
    .map(({ min, span, at }) => ({ kind: "jitter" as const, options: 0, min, max: min + span, pick: min + at * span })),
);

describe("DistinctSchedules", () => {
  it("counts exactly the distinct trimmed schedule texts", () => {
    fc.assert(
      fc.property(fc.array(fc.array(decisionArb, { maxLength: 6 }), { maxLength: 60 }), (runs) => {
        const distinct = new DistinctSchedules();
        const texts = new Set<string>();
        for (const decisions of runs) {
          distinct.addDecisions(decisions);
          texts.add(new Schedule(decisions).trimmed().toString());
        }
        expect(distinct.size).toBe(texts.size);
      }),
    );
  });

  it("tells apart schedules whose hashes collide", () => {
    const distinct = new DistinctSchedules();
    // Many short schedules over few values: collisions in a 32-bit hash are checked, not trusted.
    for (let a = 0; a < 40; a++) {
      for (let b = 0; b < 40; b++) {
        distinct.addDecisions([
          { kind: "tie", options: 41, pick: a },
          { kind: "interleave", options: 41, pick: b },
        ]);
      }
    }
    expect(distinct.size).toBe(40 * 40);
  });
});
