import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CheckArgumentError,
  compareSimplicity,
  Schedule,
  SCHEDULE_FORMAT,
  ScheduleParseError,
  type Decision,
} from "../src/index.ts";

const decisionArb: fc.Arbitrary<Decision> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("tie" as const, "interleave" as const, "fault" as const, "delivery" as const),
      fc.integer({ min: 2, max: 9 }),
    )
    .chain(([kind, options]) =>
      fc.record({ kind: fc.constant(kind), options: fc.constant(options), pick: fc.nat(options - 1) }),
    ),
  fc
    .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([a, b, f]) => {
      const min = Math.min(a, b);
      const max = Math.max(a, b);
      return { kind: "jitter" as const, options: 0, min, max, pick: min + f * (max - min) };
    }),
);

describe("Schedule", () => {
  it("reads back what it writes, for any decisions", () => {
    fc.assert(
      fc.property(fc.array(decisionArb, { maxLength: 30 }), (decisions) => {
        const schedule = new Schedule(decisions);
        const parsed = Schedule.parse(schedule.toString());
        expect(parsed.decisions).toEqual(decisions.map((d) => ({ ...d })));
        expect(parsed.toString()).toBe(schedule.toString());
      }),
    );
  });

  it("writes a short form with repeats", () => {
    const schedule = Schedule.parse("t2=0,t2=0,t2=0,t3=2,i2=1,f2=0,j1~3=2.5");
    expect(schedule.toString()).toBe("v2:t2=0*3,t3=2,i2=1,f2=0,j1~3=2.5");
    expect(schedule.length).toBe(7);
    expect(schedule.deviations).toBe(3);
    expect(schedule.deviationIndices()).toEqual([3, 4, 6]);
  });

  it("trims trailing FIFO decisions, which a replay answers anyway", () => {
    expect(Schedule.parse("t2=1,t2=0*4").trimmed().toString()).toBe("v2:t2=1");
    expect(Schedule.parse("t2=0*4").trimmed().length).toBe(0);
    expect(Schedule.parse("").length).toBe(0);
  });

  it("refuses malformed text with a message that shows the format", () => {
    expect(() => Schedule.parse("t2=5")).toThrow(ScheduleParseError);
    expect(() => Schedule.parse("x2=1")).toThrow(/is not a decision/);
    expect(() => Schedule.parse("t1=0")).toThrow(/option count >= 2/);
    expect(() => Schedule.parse("j1~2=3")).toThrow(/outside its bounds/);
    expect(() => Schedule.parse("t2=1*0")).toThrow(/bad repeat/);
    expect(() => Schedule.parse("nonsense")).toThrow(/copy it from a failure report/);
  });

  it("writes its format version, and reads lines written before versions existed (format v1)", () => {
    expect(Schedule.parse("v2:d3=2,t2=1").toString()).toBe("v2:d3=2,t2=1");
    expect(SCHEDULE_FORMAT).toBe(2);
    // A v1 line (no prefix) reads as it always did, and a v1 prefix is accepted too.
    expect(Schedule.parse("t2=0*3,i2=1,f2=1,j0~1=0.5").decisions).toEqual(
      Schedule.parse("v2:t2=0*3,i2=1,f2=1,j0~1=0.5").decisions,
    );
    expect(Schedule.parse("v1:t2=1").toString()).toBe("v2:t2=1");
    expect(Schedule.parse("v2:").length).toBe(0);
    expect(Schedule.fifo.toString()).toBe("");
  });

  it("says exactly why it cannot read a line: a newer format, or a letter the line's format lacks", () => {
    expect(() => Schedule.parse("v3:t2=1")).toThrow(
      /written in schedule format v3, newer than this version of @simloop\/check reads \(v1 to v2\); upgrade/,
    );
    expect(() => Schedule.parse("d2=1")).toThrow(
      /"d2=1" uses the letter "d" \(delivery\), which exists from format v2 on, but the line is format v1 \(it has no version prefix\)/,
    );
    expect(() => Schedule.parse("v1:t2=0,d2=1")).toThrow(/exists from format v2 on, but the line is format v1;/);
    expect(() => Schedule.parse("vx:t2=1")).toThrow(/"vx:" is not a format version/);
    expect(() => Schedule.parse("v0:t2=1")).toThrow(ScheduleParseError);
  });

  it("orders by simplicity: deviations, then length, then picks", () => {
    const sorted = ["t3=2,t2=1", "t2=0,t2=1", "t3=1", "t3=2", "t2=1,t2=0*5", ""]
      .map((s) => Schedule.parse(s))
      .sort(compareSimplicity)
      .map((s) => s.toString());
    expect(sorted).toEqual(["", "v2:t3=1", "v2:t2=1,t2=0*5", "v2:t3=2", "v2:t2=0,t2=1", "v2:t3=2,t2=1"]);
  });

  it("resets and changes single decisions", () => {
    const schedule = Schedule.parse("t2=1,i3=2");
    expect(schedule.withFifoAt(1).toString()).toBe("v2:t2=1,i3=0");
    expect(schedule.withPick(1, 1).toString()).toBe("v2:t2=1,i3=1");
    expect(Schedule.parse("j0~4=3").withFifoAt(0).deviations).toBe(0);
    expect(Schedule.from(schedule)).toBe(schedule);
    expect(JSON.stringify({ schedule })).toBe('{"schedule":"v2:t2=1,i3=2"}');
  });
});

describe("Schedule.parse keeps repeats compact and validates (issue 11 item 12)", () => {
  it("reads a huge repeat without expanding it: length, deviations, at(), text and trimming stay cheap", () => {
    const schedule = Schedule.parse("t2=1*999999999");
    expect(schedule.length).toBe(999_999_999);
    expect(schedule.deviations).toBe(999_999_999);
    expect(schedule.at(0)).toEqual({ kind: "tie", options: 2, pick: 1 });
    expect(schedule.at(999_999_998)).toEqual({ kind: "tie", options: 2, pick: 1 });
    expect(schedule.at(999_999_999)).toBeUndefined();
    expect(schedule.toString()).toBe("v2:t2=1*999999999");
    const mixed = Schedule.parse("t2=0*5,i3=2*1000000000000,t2=0*7");
    expect(mixed.at(4)).toEqual({ kind: "tie", options: 2, pick: 0 });
    expect(mixed.at(5)).toEqual({ kind: "interleave", options: 3, pick: 2 });
    expect(mixed.at(1_000_000_000_004)).toEqual({ kind: "interleave", options: 3, pick: 2 });
    expect(mixed.at(1_000_000_000_005)).toEqual({ kind: "tie", options: 2, pick: 0 });
    expect(mixed.trimmed().toString()).toBe("v2:t2=0*5,i3=2*1000000000000");
    expect(mixed.trimmed().length).toBe(1_000_000_000_005);
  });

  it("refuses numbers that are not plain decimal integers where integers belong", () => {
    for (const text of ["t0x2=1", "t2=0x1", "t2= 1", "t2=1e0", "t2=1*1e3", "t2=1*0x10", "t2=1*99999999999999999999"]) {
      expect(() => Schedule.parse(text), text).toThrow(ScheduleParseError);
    }
    expect(() => Schedule.parse("t99999999999999999999=1")).toThrow(ScheduleParseError);
  });

  it("refuses what is not text, and Schedule.from names what it got", () => {
    expect(() => Schedule.parse(undefined as never)).toThrow(CheckArgumentError);
    expect(() => Schedule.from(undefined as never)).toThrow(
      /Schedule, its text form or a list of decisions, got undefined/,
    );
    expect(() => Schedule.from(42 as never)).toThrow(CheckArgumentError);
  });
});
