/**
 * Schedules: the recorded answers of one run, one per decision point, which is all it takes to replay it.
 *
 * A decision point is a choice point with two or more options (the loop asks about no others). Pick 0
 * is asyncio's own choice; a *deviation* is any other pick (for a jitter draw: any value but the
 * minimum). Simplicity orders schedules for shrinking: fewer deviations first, then fewer decision
 * points, then smaller picks, lexicographically.
 *
 * The text form is short enough for a replay line: decisions separated by commas, each a kind letter
 * (`t` tie, `i` interleave, `f` fault, `j` jitter), the option count, `=`, the pick, and `*n` for n
 * equal decisions in a row: `"t2=0*3,t3=2,i2=1"`. A jitter draw reads `j<min>~<max>=<value>`.
 * Trailing FIFO picks can be left out: a replay answers 0 past the end of its schedule.
 *
 * @module
 */
import { ScheduleParseError } from "./errors.ts";

/** The kind of a decision point. */
export type DecisionKind = "tie" | "interleave" | "fault" | "jitter";

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
}

const LETTER: Record<DecisionKind, string> = { tie: "t", interleave: "i", fault: "f", jitter: "j" };
const KIND_OF: Record<string, DecisionKind> = { t: "tie", i: "interleave", f: "fault", j: "jitter" };

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

/**
 * The recorded decisions of a run. Immutable; {@link Schedule.deviations} is its simplicity measure.
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
  /** The decisions, in the order the run asked them. */
  readonly decisions: readonly Decision[];

  constructor(decisions: readonly Decision[]) {
    this.decisions = Object.freeze(decisions.slice());
  }

  /** The empty schedule: asyncio's FIFO order everywhere. */
  static readonly fifo: Schedule = new Schedule([]);

  /** The number of decisions. */
  get length(): number {
    return this.decisions.length;
  }

  /** The number of decisions that deviate from asyncio's FIFO choice. */
  get deviations(): number {
    let count = 0;
    for (const decision of this.decisions) if (isDeviation(decision)) count++;
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
    let end = this.decisions.length;
    while (end > 0 && !isDeviation(this.decisions[end - 1] as Decision)) end--;
    return end === this.decisions.length ? this : new Schedule(this.decisions.slice(0, end));
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

  /** The short text form (see the module doc); `Schedule.parse` reads it back. Empty for FIFO. */
  toString(): string {
    const parts: string[] = [];
    let i = 0;
    const ds = this.decisions;
    while (i < ds.length) {
      const text = encode(ds[i] as Decision);
      let j = i + 1;
      while (j < ds.length && encode(ds[j] as Decision) === text) j++;
      parts.push(j - i > 1 ? `${text}*${j - i}` : text);
      i = j;
    }
    return parts.join(",");
  }

  /** The schedule as JSON (its text form). */
  toJSON(): string {
    return this.toString();
  }

  /**
   * Reads the text form back.
   * @throws {@link ScheduleParseError} on malformed text.
   */
  static parse(text: string): Schedule {
    const trimmed = text.trim();
    if (trimmed === "") return Schedule.fifo;
    const decisions: Decision[] = [];
    for (const raw of trimmed.split(",")) {
      const part = raw.trim();
      const match = /^([tifj])([^=]*)=([^*]+)(?:\*(\d+))?$/.exec(part);
      if (match === null) throw new ScheduleParseError(text, `"${part}" is not a decision`);
      const [, letter, optionsText, pickText, repeatText] = match as unknown as [
        string,
        string,
        string,
        string,
        string?,
      ];
      const kind = KIND_OF[letter] as DecisionKind;
      const pick = Number(pickText);
      const repeat = repeatText === undefined ? 1 : Number(repeatText);
      let decision: Decision;
      if (kind === "jitter") {
        const bounds = /^(-?[\d.e+-]+)~(-?[\d.e+-]+)$/.exec(optionsText);
        if (bounds === null) throw new ScheduleParseError(text, `"${part}" needs bounds as j<min>~<max>=<value>`);
        const min = Number(bounds[1]);
        const max = Number(bounds[2]);
        if (!Number.isFinite(min) || !Number.isFinite(max) || !(pick >= min && pick <= max)) {
          throw new ScheduleParseError(text, `"${part}" draws a value outside its bounds`);
        }
        decision = { kind, options: 0, pick, min, max };
      } else {
        const options = Number(optionsText);
        if (!Number.isInteger(options) || options < 2) {
          throw new ScheduleParseError(text, `"${part}" needs an option count >= 2`);
        }
        if (!Number.isInteger(pick) || pick < 0 || pick >= options) {
          throw new ScheduleParseError(text, `pick ${pickText} is not below the option count ${options}`);
        }
        decision = { kind, options, pick };
      }
      if (!Number.isInteger(repeat) || repeat < 1) throw new ScheduleParseError(text, `bad repeat in "${part}"`);
      for (let r = 0; r < repeat; r++) decisions.push(decision);
    }
    return new Schedule(decisions);
  }

  /** Accepts a schedule or its text form. */
  static from(value: Schedule | string | readonly Decision[]): Schedule {
    if (value instanceof Schedule) return value;
    if (typeof value === "string") return Schedule.parse(value);
    return new Schedule(value);
  }
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
