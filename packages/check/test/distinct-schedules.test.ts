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

  it("tells apart many schedules over few values (a 53-bit key, no confirmation needed)", () => {
    const distinct = new DistinctSchedules();
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

describe("DistinctSchedules memory (issue 11 item 7)", () => {
  /** Run r's schedule: distinct for every r (its picks spell r in base 3 over options 4). */
  const scheduleOf = (r: number): Decision[] => {
    const decisions: Decision[] = [];
    for (let x = r + 1; x > 0; x = Math.floor(x / 3)) decisions.push({ kind: "tie", options: 4, pick: (x % 3) + 1 });
    return decisions;
  };

  it("holds no more entries than its limit plus the sketch's registers, however many runs", () => {
    const distinct = new DistinctSchedules(1000);
    const footprints: number[] = [];
    for (let r = 0; r < 60_000; r++) {
      distinct.addDecisions(scheduleOf(r));
      if (r % 10_000 === 9_999) footprints.push(distinct.footprint);
    }
    expect(Math.max(...footprints)).toBeLessThanOrEqual(1000 + 4096);
    expect(footprints.at(-1)).toBe(footprints[0]);
    // Past the limit the count is an estimate, and says so: HyperLogLog with 4096 registers, ~1.6 % error.
    expect(distinct.estimated).toBe(true);
    expect(Math.abs(distinct.size - 60_000) / 60_000).toBeLessThan(0.05);
  });

  it("stays exact (and says so) below its limit, and a repeated schedule adds nothing", () => {
    const distinct = new DistinctSchedules();
    for (let r = 0; r < 30_000; r++) distinct.addDecisions(scheduleOf(r % 5000));
    expect(distinct.estimated).toBe(false);
    expect(distinct.size).toBe(5000);
    expect(distinct.footprint).toBe(5000);
  });
});
