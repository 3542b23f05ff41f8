/**
 * Counting distinct schedules in bounded memory. A run's trimmed decisions are hashed in place (no
 * `Schedule`, no text) into a 53-bit key: two independent 32-bit hashes of an injective encoding of
 * the fields the text form shows (kind, option count, pick, jitter bounds). Two schedules have the same
 * text exactly when their encodings are equal, so the count is that of the text set except when two
 * distinct schedules share a key: for n distinct schedules that happens with probability about
 * n²/2^54 (2.4 × 10⁻⁷ at the exact limit of 65 536), and it can only lower the count by one.
 *
 * The keys are kept in a set up to {@link EXACT_LIMIT} distinct schedules (about 1–2 MB); past it they are
 * folded into a HyperLogLog sketch of 4 096 one-byte registers (standard error about 1.6 %) and the set
 * is dropped, so the memory of a campaign stops growing with its runs; the count is then an estimate,
 * and {@link DistinctSchedules.estimated} says so.
 *
 * @module
 */
import { isDeviation, type Decision, type Schedule } from "../schedule.ts";
import type { DecisionLog } from "./decision-log.ts";

/** @internal Distinct schedules counted exactly (up to key collisions) before the count becomes an estimate. */
export const EXACT_LIMIT = 65_536;

/** log2 of the sketch's register count. */
const INDEX_BITS = 12;
const REGISTERS = 1 << INDEX_BITS;
const TWO_21 = 2 ** 21;

/** The kind's residue in the key (tie 1, interleave 2, fault 3, delivery 0), by the log's kind code. */
const RESIDUES: readonly number[] = [1, 2, 3, 0];

const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);

function mixA(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x85ebca6b);
  return (h ^ (h >>> 15)) | 0;
}

function mixB(h: number, x: number): number {
  h = Math.imul(h ^ x, 0xcc9e2d51);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** @internal The distinct trimmed schedules of a campaign (see the module doc). */
export class DistinctSchedules {
  private keys: Set<number> | null = new Set();
  private registers: Uint8Array | null = null;
  private readonly limit: number;
  /** The last estimate, or -1 once a register changed since. */
  private cached = -1;
  private a = 0;
  private b = 0;

  /** `limit`: the distinct schedules counted exactly before the estimate takes over. */
  constructor(limit: number = EXACT_LIMIT) {
    this.limit = limit;
  }

  /** The number of distinct schedules added: exact up to key collisions, or an estimate past the limit. */
  get size(): number {
    return this.keys !== null ? this.keys.size : this.estimate();
  }

  /** Whether {@link DistinctSchedules.size} is a HyperLogLog estimate. */
  get estimated(): boolean {
    return this.keys === null;
  }

  /** The entries held (keys plus registers): bounded by the limit plus 4 096, whatever the runs. */
  get footprint(): number {
    return this.keys !== null ? this.keys.size : REGISTERS;
  }

  private add(x: number): void {
    this.a = mixA(this.a, x);
    this.b = mixB(this.b, x);
  }

  /** A number, exactly: small integers as themselves, any other value by its IEEE-754 bits. */
  private addNumber(x: number): void {
    if (x === (x | 0)) {
      this.add(x);
    } else {
      float[0] = x;
      this.add(words[0] as number);
      this.add(words[1] as number);
    }
  }

  /** Adds a run's decisions (trailing FIFO decisions are ignored, as `Schedule.trimmed` does). */
  addDecisions(decisions: readonly Decision[]): void {
    let end = decisions.length;
    while (end > 0 && !isDeviation(decisions[end - 1] as Decision)) end--;
    this.a = 0x3c6ef372;
    this.b = 0x1b873593;
    this.add(end);
    for (let i = 0; i < end; i++) {
      const d = decisions[i] as Decision;
      if (d.kind === "jitter") {
        this.add(-1);
        this.addNumber(d.min ?? 0);
        this.addNumber(d.max ?? 0);
      } else {
        // The option count (>= 2) and the kind in one injective number (>= 8; the kind is its residue mod 4).
        this.addNumber(
          d.options * 4 + (d.kind === "tie" ? 1 : d.kind === "interleave" ? 2 : d.kind === "fault" ? 3 : 0),
        );
      }
      this.addNumber(d.pick);
    }
    this.keep();
  }

  /**
   * Adds a run's decisions as a policy's log holds them ({@link DecisionLog}): the same key as
   * {@link DistinctSchedules.addDecisions} gives them, read without building an object per decision.
   */
  addLog(log: DecisionLog): void {
    if (!log.hasWhole) {
      this.addNumbers(log.numbers(), log.length);
      return;
    }
    let end = log.length;
    while (end > 0 && !log.deviatesAt(end - 1)) end--;
    this.a = 0x3c6ef372;
    this.b = 0x1b873593;
    this.add(end);
    for (let i = 0; i < end; i++) {
      const kind = log.kindAt(i);
      if (kind === "jitter") {
        const d = log.at(i);
        this.add(-1);
        this.addNumber(d.min ?? 0);
        this.addNumber(d.max ?? 0);
      } else {
        this.addNumber(
          log.optionsAt(i) * 4 + (kind === "tie" ? 1 : kind === "interleave" ? 2 : kind === "fault" ? 3 : 0),
        );
      }
      this.addNumber(log.pickAt(i));
    }
    this.keep();
  }

  /**
   * {@link DistinctSchedules.addLog} for a log of choice points only (no decision kept whole): the same
   * key, read straight from its numbers (five per decision: kind code, options, pick, time, iteration).
   */
  private addNumbers(data: Float64Array, count: number): void {
    let end = count;
    while (end > 0 && data[(end - 1) * 5 + 2] === 0) end--;
    this.a = 0x3c6ef372;
    this.b = 0x1b873593;
    this.add(end);
    for (let i = 0; i < end; i++) {
      const at = i * 5;
      // The log's kind codes (tie 0, interleave 1, fault 2, delivery 3) as addDecisions encodes them.
      this.addNumber((data[at + 1] as number) * 4 + (RESIDUES[data[at] as number] as number));
      this.addNumber(data[at + 2] as number);
    }
    this.keep();
  }

  /** Keeps the key of the schedule just hashed. */
  private keep(): void {
    const key = finish(this.a) * TWO_21 + (finish(this.b) >>> 11);
    const keys = this.keys;
    if (keys === null) {
      this.sketch(key);
      return;
    }
    keys.add(key);
    if (keys.size > this.limit) {
      this.registers = new Uint8Array(REGISTERS);
      for (const k of keys) this.sketch(k);
      this.keys = null;
    }
  }

  /** Adds a schedule (for policies that only expose `schedule()`). */
  addSchedule(schedule: Schedule): void {
    this.addDecisions(schedule.decisions);
  }

  /** HyperLogLog: the register is picked by 12 low bits of the key, the rank read from its high 32 bits. */
  private sketch(key: number): void {
    const registers = this.registers as Uint8Array;
    const high = Math.floor(key / TWO_21);
    const index = (key % TWO_21) >>> (21 - INDEX_BITS);
    const rank = Math.clz32(high) + 1;
    if (rank > (registers[index] as number)) {
      registers[index] = rank;
      this.cached = -1;
    }
  }

  private estimate(): number {
    if (this.cached >= 0) return this.cached;
    const registers = this.registers as Uint8Array;
    let sum = 0;
    let zeros = 0;
    for (const r of registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / REGISTERS);
    const raw = (alpha * REGISTERS * REGISTERS) / sum;
    const count = raw <= 2.5 * REGISTERS && zeros > 0 ? REGISTERS * Math.log(REGISTERS / zeros) : raw;
    this.cached = Math.round(count);
    return this.cached;
  }
}
