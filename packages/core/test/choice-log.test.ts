import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChoiceLog } from "../src/choice-log.ts";
import type { ChoiceRecord } from "../src/policy.ts";

type Step = { read: true } | { read: false; jitter: boolean; options: number; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Step>({ read: true }) },
  {
    weight: 30,
    arbitrary: fc.record({
      read: fc.constant(false as const),
      jitter: fc.boolean(),
      options: fc.integer({ min: 2, max: 9 }),
      pick: fc.integer({ min: 0, max: 1 }),
    }),
  },
);

describe("ChoiceLog", () => {
  it("gives back every answer in order, with a jitter draw's bounds, across its chunks", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 100, maxLength: 1500, size: "max" }), (steps) => {
        const log = new ChoiceLog();
        const model: ChoiceRecord[] = [];
        let first: readonly ChoiceRecord[] | null = null;
        for (const s of steps) {
          if (s.read) {
            const records = log.records();
            first ??= records;
            // The same array each call, completed with the answers since.
            expect(records).toBe(first);
            expect(records).toEqual(model);
            continue;
          }
          const i = model.length;
          if (s.jitter) {
            log.pushJitter(i / 4, i, 0.5 + i, i, i + 1);
            model.push({ kind: "jitter", time: i / 4, iteration: i, options: 0, pick: 0.5 + i, min: i, max: i + 1 });
          } else {
            log.push("tie", i / 4, i, s.options, s.pick);
            model.push({ kind: "tie", time: i / 4, iteration: i, options: s.options, pick: s.pick });
          }
          expect(log.length).toBe(model.length);
        }
        expect(log.records()).toEqual(model);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps 100,000 answers (many chunks) and records nothing once off", () => {
    const log = new ChoiceLog();
    for (let i = 0; i < 100_000; i++) log.push(i % 2 === 0 ? "tie" : "interleave", i, i, 3, i % 3);
    const records = log.records();
    expect(records).toHaveLength(100_000);
    expect(records[99_999]).toEqual({ kind: "interleave", time: 99_999, iteration: 99_999, options: 3, pick: 0 });
    expect(records[64]).toEqual({ kind: "tie", time: 64, iteration: 64, options: 3, pick: 1 });
    const off = new ChoiceLog();
    off.off();
    off.push("tie", 0, 0, 2, 1);
    off.pushJitter(0, 0, 1, 0, 2);
    expect(off.length).toBe(0);
    expect(off.records()).toEqual([]);
  });
});
