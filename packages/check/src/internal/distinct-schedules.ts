/**
 * Counting distinct schedules without building them: `explore` used to put each run's trimmed schedule
 * text in a set, which costs a `Schedule`, its decisions' encodings and a string per run. Here a run's
 * trimmed decisions are hashed in place, and a hash seen before is confirmed by comparing the decisions
 * themselves, so the count is exactly that of the text set (two schedules have the same text exactly
 * when their kinds, option counts, picks and jitter bounds are equal).
 *
 * @module
 */
import { isDeviation, type Decision, type Schedule } from "../schedule.ts";

function code(kind: Decision["kind"]): number {
  return kind === "tie" ? 1 : kind === "interleave" ? 2 : kind === "fault" ? 3 : 4;
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x85ebca6b);
  return (h ^ (h >>> 15)) | 0;
}

function bits(x: number): number {
  return x === (x | 0) ? x : (x * 4096) | 0;
}

/** Equal as the text form sees numbers: `-0` is `0`, and `NaN` is `NaN`. */
function same(a: number | undefined, b: number | undefined): boolean {
  return a === b || (a !== a && b !== b);
}

/** @internal The distinct trimmed schedules of a campaign, counted exactly (see the module doc). */
export class DistinctSchedules {
  /** Per hash: the offset in `arena` of the first schedule stored with it. */
  private readonly heads = new Map<number, number>();
  /**
   * Every stored schedule, flat, so that a campaign keeps no object per schedule: the offset of the next
   * schedule with the same hash (or -1), the field count, then per decision the fields the text form
   * shows (kind code, pick, then options, or the bounds of a jitter draw).
   */
  private readonly arena: number[] = [];
  private readonly texts = new Set<string>();
  private count = 0;

  /** The number of distinct schedules added. */
  get size(): number {
    return this.count;
  }

  /** Adds a run's decisions (trailing FIFO decisions are ignored, as `Schedule.trimmed` does). */
  addDecisions(decisions: readonly Decision[]): void {
    let end = decisions.length;
    while (end > 0 && !isDeviation(decisions[end - 1] as Decision)) end--;
    let h = end;
    for (let i = 0; i < end; i++) {
      const d = decisions[i] as Decision;
      if (d.kind === "jitter") h = mix(mix(mix(h, bits(d.pick)), bits(d.min ?? 0)), bits(d.max ?? 0));
      else h = mix(h, (code(d.kind) << 24) ^ (d.options << 12) ^ bits(d.pick));
    }
    const head = this.heads.get(h);
    let last = -1;
    for (let at = head ?? -1; at >= 0; at = this.arena[at] as number) {
      if (this.matches(at, decisions, end)) return;
      last = at;
    }
    const at = this.store(decisions, end);
    if (last < 0) this.heads.set(h, at);
    else this.arena[last] = at;
    this.count++;
  }

  private store(decisions: readonly Decision[], end: number): number {
    const arena = this.arena;
    const at = arena.length;
    arena.push(-1, 0);
    for (let i = 0; i < end; i++) {
      const d = decisions[i] as Decision;
      if (d.kind === "jitter") arena.push(4, d.pick, d.min ?? 0, d.max ?? 0);
      else arena.push(code(d.kind), d.pick, d.options);
    }
    arena[at + 1] = arena.length - at - 2;
    return at;
  }

  private matches(at: number, decisions: readonly Decision[], end: number): boolean {
    const arena = this.arena;
    const stop = at + 2 + (arena[at + 1] as number);
    let j = at + 2;
    for (let i = 0; i < end; i++) {
      const d = decisions[i] as Decision;
      if (j >= stop || arena[j++] !== code(d.kind) || !same(arena[j++], d.pick)) return false;
      if (d.kind === "jitter") {
        if (!same(arena[j++], d.min ?? 0) || !same(arena[j++], d.max ?? 0)) return false;
      } else if (arena[j++] !== d.options) return false;
    }
    return j === stop;
  }

  /** Adds a schedule by its trimmed text (for policies that only expose `schedule()`). */
  addSchedule(schedule: Schedule): void {
    const text = schedule.trimmed().toString();
    if (this.texts.has(text)) return;
    this.texts.add(text);
    this.count++;
  }
}
