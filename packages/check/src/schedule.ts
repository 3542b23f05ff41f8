/**
 * Schedules: the recorded answers of one run, one per decision point, which is all it takes to replay it.
 *
 * A decision point is a choice point with two or more options (the loop asks about no others). Pick 0
 * is asyncio's own choice; a *deviation* is any other pick (for a jitter draw: any value but the
 * minimum). Simplicity orders schedules for shrinking: fewer deviations first, then fewer decision
 * points, then smaller picks, lexicographically.
 *
 * The text form is short enough for a replay line: a format version (`v2:`), then decisions separated by
 * commas, each a kind letter (`t` tie, `i` interleave, `f` fault, `j` jitter, `d` I/O delivery), the
 * option count, `=`, the pick, and `*n` for n equal decisions in a row: `"v2:t2=0*3,t3=2,i2=1"`. A jitter
 * draw reads `j<min>~<max>=<value>`. Trailing FIFO picks can be left out: a replay answers 0 past the end
 * of its schedule, and the empty text is the FIFO schedule in every format version.
 *
 * Why a version: a replay line is pasted into tests and kept for years, while new choice kinds come with
 * new letters. A line without a prefix is format v1 (letters `t i f j`, everything written before the
 * version existed) and reads as it always did; a line of a newer format than this version reads, or a
 * letter its format does not have, is refused with a message that says which.
 *
 * @module
 */
import { CheckArgumentError, ScheduleParseError } from "./errors.ts";

/** The kind of a decision point. */
export type DecisionKind = "tie" | "interleave" | "fault" | "jitter" | "delivery";

/** One decision: what was asked and what was picked. */
export interface Decision {
  readonly kind: DecisionKind;
  /** The number of options (jitter: 0, the value is continuous). */
  readonly options: number;
  /** The index picked (jitter: the value drawn). */
  readonly pick: number;
  /** Jitter bounds. */
  readonly min?: number;
  readonly max?: number;
  /** Where it was asked (not serialised). */
  readonly time?: number;
  readonly iteration?: number;
  /** The candidates, for reports (not serialised): timer or callback labels with their tasks, or the task. */
  readonly labels?: readonly string[];
  /**
   * Jitter drawn for a timer the loop follows (`uncertain(min, max)`; not serialised): the durations
   * inside the range at which other timers were due, as the loop reported them (core's
   * `JitterPoint.deadlines`). Absent for a bare `loop.jitter` number and in a parsed schedule.
   */
  readonly deadlines?: readonly number[];
}

const LETTER: Record<DecisionKind, string> = { tie: "t", interleave: "i", fault: "f", jitter: "j", delivery: "d" };
const KIND_OF: Record<string, DecisionKind> = { t: "tie", i: "interleave", f: "fault", j: "jitter", d: "delivery" };

/**
 * The schedule text format this version writes (the `v2:` prefix) and the newest it reads. History:
 * v1 (no prefix): `t` tie, `i` interleave, `f` fault, `j` jitter; v2: adds `d`, an I/O delivery.
 *
 * @example
 * ```ts
 * Schedule.parse("t2=1").toString(); // "v2:t2=1": a v1 line reads as it always did
 * SCHEDULE_FORMAT; // 2
 * ```
 */
export const SCHEDULE_FORMAT = 2;

/** The format version each letter first appeared in. */
const SINCE: Record<string, number> = { t: 1, i: 1, f: 1, j: 1, d: 2 };

/**
 * True when `decision` deviates from asyncio's choice.
 *
 * @example
 * ```ts
 * isDeviation({ kind: "tie", options: 2, pick: 1 }); // true
 * ```
 */
export function isDeviation(decision: Decision): boolean {
  return decision.kind === "jitter" ? decision.pick !== decision.min : decision.pick !== 0;
}

/**
 * The FIFO version of a decision (pick 0, or the minimum of a jitter range).
 *
 * @example
 * ```ts
 * fifoDecision({ kind: "jitter", options: 0, min: 1, max: 3, pick: 2 }).pick; // 1
 * ```
 */
export function fifoDecision(decision: Decision): Decision {
  return { ...decision, pick: decision.kind === "jitter" ? (decision.min ?? 0) : 0 };
}

function encode(decision: Decision): string {
  if (decision.kind === "jitter") return `j${decision.min ?? 0}~${decision.max ?? 0}=${decision.pick}`;
  return `${LETTER[decision.kind]}${decision.options}=${decision.pick}`;
}

/** A decision and how many times in a row it was taken: the text form's `*n`. */
export interface Repeat {
  readonly decision: Decision;
  readonly count: number;
}

/** The decisions as repeats of equal ones (equal as the text form writes them). */
function toRepeats(decisions: readonly Decision[]): Repeat[] {
  const out: Repeat[] = [];
  let i = 0;
  while (i < decisions.length) {
    const text = encode(decisions[i] as Decision);
    let j = i + 1;
    while (j < decisions.length && encode(decisions[j] as Decision) === text) j++;
    out.push({ decision: decisions[i] as Decision, count: j - i });
    i = j;
  }
  return out;
}

/**
 * The recorded decisions of a run. Immutable; {@link Schedule.deviations} is its simplicity measure.
 * A parsed schedule keeps its repeats compact (`"t2=1*999999999"` holds one decision): `length`,
 * `deviations`, `at`, `trimmed` and `toString` work on the repeats; `decisions` expands them.
 *
 * @example
 * ```ts
 * const schedule = Schedule.parse("t2=0,t3=2");
 * schedule.deviations;     // 1
 * schedule.toString();     // "t2=0,t3=2"
 * replay(program, schedule);
 * ```
 */
export class Schedule {
  private expanded: readonly Decision[] | null;
  private compact: readonly Repeat[] | null = null;
  private count: number;

  constructor(decisions: readonly Decision[]) {
    this.expanded = Object.freeze(decisions.slice());
    this.count = decisions.length;
  }

  /** The empty schedule: asyncio's FIFO order everywhere. */
  static readonly fifo: Schedule = new Schedule([]);

  /** A schedule made of repeats, kept compact. */
  private static ofRepeats(repeats: readonly Repeat[]): Schedule {
    const schedule = new Schedule([]);
    schedule.expanded = null;
    schedule.compact = Object.freeze(repeats.slice());
    schedule.count = repeats.reduce((sum, r) => sum + r.count, 0);
    return schedule;
  }

  /** The decisions, in the order the run asked them (a parsed schedule's repeats are expanded on first use). */
  get decisions(): readonly Decision[] {
    if (this.expanded === null) {
      const out: Decision[] = [];
      for (const { decision, count } of this.repeats()) for (let r = 0; r < count; r++) out.push(decision);
      this.expanded = Object.freeze(out);
    }
    return this.expanded;
  }

  /** The decisions as repeats of equal ones, as the text form writes them (nothing is expanded). */
  repeats(): readonly Repeat[] {
    if (this.compact === null) this.compact = Object.freeze(toRepeats(this.expanded ?? []));
    return this.compact;
  }

  /** Decision `index` (0-based), or `undefined` past the end. */
  at(index: number): Decision | undefined {
    if (this.expanded !== null) return this.expanded[index];
    if (!(index >= 0 && index < this.count)) return undefined;
    let start = 0;
    for (const { decision, count } of this.repeats()) {
      if (index < start + count) return decision;
      start += count;
    }
    return undefined;
  }

  /** The number of decisions. */
  get length(): number {
    return this.count;
  }

  /** The number of decisions that deviate from asyncio's FIFO choice. */
  get deviations(): number {
    let count = 0;
    for (const repeat of this.repeats()) if (isDeviation(repeat.decision)) count += repeat.count;
    return count;
  }

  /** The positions of the deviating decisions. */
  deviationIndices(): number[] {
    const out: number[] = [];
    this.decisions.forEach((decision, i) => {
      if (isDeviation(decision)) out.push(i);
    });
    return out;
  }

  /** The same schedule without its trailing FIFO decisions (a replay answers FIFO past the end). */
  trimmed(): Schedule {
    if (this.expanded !== null) {
      let end = this.expanded.length;
      while (end > 0 && !isDeviation(this.expanded[end - 1] as Decision)) end--;
      return end === this.expanded.length ? this : new Schedule(this.expanded.slice(0, end));
    }
    const repeats = this.repeats();
    let end = repeats.length;
    while (end > 0 && !isDeviation((repeats[end - 1] as Repeat).decision)) end--;
    return end === repeats.length ? this : Schedule.ofRepeats(repeats.slice(0, end));
  }

  /** A copy with decision `index` replaced by its FIFO choice. */
  withFifoAt(index: number): Schedule {
    const copy = this.decisions.slice();
    const decision = copy[index];
    if (decision !== undefined) copy[index] = fifoDecision(decision);
    return new Schedule(copy);
  }

  /** A copy with decision `index` picking `pick`. */
  withPick(index: number, pick: number): Schedule {
    const copy = this.decisions.slice();
    const decision = copy[index];
    if (decision !== undefined) copy[index] = { ...decision, pick };
    return new Schedule(copy);
  }

  /**
   * The short text form with its format version (see the module doc), e.g. `"v2:t2=0,t3=1"`;
   * `Schedule.parse` reads it back. Empty for the FIFO schedule.
   */
  toString(): string {
    const body = this.body();
    return body === "" ? "" : `v${SCHEDULE_FORMAT}:${body}`;
  }

  /** The decisions in text form without the format prefix (for display next to a versioned line). */
  body(): string {
    return this.repeats()
      .map(({ decision, count }) => (count > 1 ? `${encode(decision)}*${count}` : encode(decision)))
      .join(",");
  }

  /** The schedule as JSON (its text form). */
  toJSON(): string {
    return this.toString();
  }

  /**
   * Reads the text form back, keeping repeats compact (see {@link Schedule}): a versioned line
   * (`"v2:t2=1"`) or a line of format v1 (no prefix, as written before versions existed).
   * @throws {@link ScheduleParseError} on malformed text, on a format newer than {@link SCHEDULE_FORMAT}
   * (upgrade `@simloop/check` to replay it), and on a letter the line's format does not have;
   * {@link CheckArgumentError} when `text` is not a string.
   */
  static parse(text: string): Schedule {
    if (typeof text !== "string") {
      throw new CheckArgumentError(
        `Schedule.parse() reads a schedule's text form, such as "v2:t2=1,i3=0*4"; got ${describeArgument(text)}.`,
      );
    }
    let trimmed = text.trim();
    let format = 1;
    const prefix = /^v([^:]*):/.exec(trimmed);
    if (prefix !== null) {
      format = integer(prefix[1] as string) ?? 0;
      if (format < 1) {
        throw new ScheduleParseError(text, `"v${prefix[1]}:" is not a format version (v1 to v${SCHEDULE_FORMAT})`);
      }
      if (format > SCHEDULE_FORMAT) {
        throw new ScheduleParseError(
          text,
          `it is written in schedule format v${format}, newer than this version of @simloop/check reads ` +
            `(v1 to v${SCHEDULE_FORMAT}); upgrade @simloop/check to the version that wrote it`,
        );
      }
      trimmed = trimmed.slice(prefix[0].length).trim();
    }
    if (trimmed === "") return Schedule.fifo;
    const repeats: Repeat[] = [];
    for (const raw of trimmed.split(",")) {
      const part = raw.trim();
      const match = /^([a-z])([^=]*)=([^*]+)(?:\*(.*))?$/.exec(part);
      if (match === null || SINCE[match[1] as string] === undefined) {
        throw new ScheduleParseError(text, `"${part}" is not a decision`);
      }
      const since = SINCE[match[1] as string] as number;
      if (since > format) {
        throw new ScheduleParseError(
          text,
          `"${part}" uses the letter "${match[1]}" (${KIND_OF[match[1] as string]}), which exists from format v${since} on, ` +
            `but the line is format v${format}${prefix === null ? " (it has no version prefix)" : ""}; ` +
            `write it as "v${since}:${trimmed}" if it came from a newer version`,
        );
      }
      const [, letter, optionsText, pickText, repeatText] = match as unknown as [
        string,
        string,
        string,
        string,
        string?,
      ];
      const kind = KIND_OF[letter] as DecisionKind;
      const decision =
        kind === "jitter"
          ? parseJitter(text, part, optionsText, pickText)
          : parseChoice(text, kind, part, optionsText, pickText);
      const count = repeatText === undefined ? 1 : integer(repeatText);
      if (count === null || count < 1)
        throw new ScheduleParseError(text, `bad repeat in "${part}" (a whole number >= 1 after "*")`);
      const last = repeats[repeats.length - 1];
      if (last !== undefined && encode(last.decision) === encode(decision)) {
        repeats[repeats.length - 1] = { decision: last.decision, count: last.count + count };
      } else {
        repeats.push({ decision, count });
      }
    }
    const schedule = Schedule.ofRepeats(repeats);
    if (!Number.isSafeInteger(schedule.length))
      throw new ScheduleParseError(text, "it has more decisions than a run can ask");
    return schedule;
  }

  /**
   * Accepts a schedule, its text form or a list of decisions.
   * @throws {@link CheckArgumentError} for anything else; {@link ScheduleParseError} for malformed text.
   */
  static from(value: Schedule | string | readonly Decision[]): Schedule {
    if (value instanceof Schedule) return value;
    if (typeof value === "string") return Schedule.parse(value);
    if (Array.isArray(value)) return new Schedule(value);
    throw new CheckArgumentError(
      `Expected a Schedule, its text form or a list of decisions, got ${describeArgument(value)}. Copy the schedule from a failure report (failure.schedule).`,
    );
  }
}

/** @internal A short description of an argument of the wrong type, for error messages. */
export function describeArgument(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return `the ${typeof value} ${String(value)}`;
  }
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A plain decimal whole number that is safe to count with, or `null`. */
function integer(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

function parseChoice(text: string, kind: DecisionKind, part: string, optionsText: string, pickText: string): Decision {
  const options = integer(optionsText);
  if (options === null || options < 2) {
    throw new ScheduleParseError(text, `"${part}" needs an option count >= 2`);
  }
  const pick = integer(pickText);
  if (pick === null || pick >= options) {
    throw new ScheduleParseError(text, `pick ${pickText} is not below the option count ${options}`);
  }
  return { kind, options, pick };
}

function parseJitter(text: string, part: string, boundsText: string, pickText: string): Decision {
  const bounds = /^(-?[\d.e+-]+)~(-?[\d.e+-]+)$/.exec(boundsText);
  if (bounds === null) throw new ScheduleParseError(text, `"${part}" needs bounds as j<min>~<max>=<value>`);
  const min = Number(bounds[1]);
  const max = Number(bounds[2]);
  const pick = Number(pickText);
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(pick >= min && pick <= max)) {
    throw new ScheduleParseError(text, `"${part}" draws a value outside its bounds`);
  }
  return { kind: "jitter", options: 0, pick, min, max };
}

/**
 * Orders schedules by simplicity: fewer deviations, then fewer decisions (after trimming trailing FIFO
 * picks), then smaller picks at the first difference. Negative when `a` is simpler.
 *
 * @example
 * ```ts
 * compareSimplicity(Schedule.parse("t2=1"), Schedule.parse("t2=1,t2=1")) < 0; // true
 * ```
 */
export function compareSimplicity(a: Schedule, b: Schedule): number {
  const da = a.deviations;
  const db = b.deviations;
  if (da !== db) return da - db;
  const ta = a.trimmed();
  const tb = b.trimmed();
  if (ta.length !== tb.length) return ta.length - tb.length;
  for (let i = 0; i < ta.length; i++) {
    const pa = (ta.decisions[i] as Decision).pick;
    const pb = (tb.decisions[i] as Decision).pick;
    if (pa !== pb) return pa - pb;
  }
  return 0;
}
