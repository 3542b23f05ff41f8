/**
 * The measuring harness: every system of a workload is measured in the same process, in alternation
 * (the order rotates on each repetition, so drift and GC debt spread over all of them), several times;
 * each timing is trusted only if the system ran the expected number of events.
 *
 * Ratios are computed per repetition between systems measured in that same repetition (a paired
 * ratio), then summarised, so a slow moment of the machine moves both sides of a ratio together.
 *
 * @module
 */
import { summarize, type Summary } from "./stats.ts";

/** What a system is in a comparison. */
export type Role = "baseline" | "simloop" | "peer";

/** One system of a workload. */
export interface System {
  /** Stable identifier, used in tables and targets (`simloop`, `packed-heap`, …). */
  readonly id: string;
  /** A readable name for tables. */
  readonly name: string;
  readonly role: Role;
  /** Runs the workload at size `n` and returns the number of events it ran. */
  readonly run: (n: number) => number | Promise<number>;
  /**
   * The size this system is actually measured at, for a nominal `n` (for peers too slow for the full
   * size: their rate per event is what is compared). Default: `n`.
   */
  readonly sizeFor?: (n: number) => number;
  /** Sizes above this are not measured; `capReason` says why. */
  readonly maxN?: number;
  readonly capReason?: string;
  /** Set when the system cannot express the workload at all: the reason, printed instead of a row. */
  readonly unsupported?: string;
}

/** A workload: a family of systems measured at each of its sizes. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  /** What one event is: "events", "callbacks", "wake-ups", "runs". */
  readonly unit: string;
  readonly sizes: readonly number[];
  /** Repetitions at size `n`. */
  readonly reps: (n: number) => number;
  /** The number of events a correct run at size `n` performs. */
  readonly expected: (n: number) => number;
  /** Builds (and caches) the inputs of size `n`, outside the timed region. */
  readonly prepare?: (n: number) => void;
  readonly systems: readonly System[];
}

/** The measurements of one system at one nominal size. */
export interface Row {
  readonly workload: string;
  readonly system: System;
  /** The nominal size of the comparison. */
  readonly n: number;
  /** The size actually run. */
  readonly size: number;
  /** Runs timed back to back in each sample (short runs are repeated to last a measurable time). */
  readonly inner: number;
  /** Seconds per run, one value per repetition, in repetition order. */
  readonly seconds: readonly number[];
  readonly time: Summary;
  /** Events per second, per repetition. */
  readonly rates: readonly number[];
  readonly rate: Summary;
}

/** A system that was not measured at a size, with the reason. */
export interface Skip {
  readonly workload: string;
  readonly system: System;
  readonly n: number;
  readonly reason: string;
}

/** Everything measured for one workload. */
export interface WorkloadResult {
  readonly workload: Workload;
  readonly rows: readonly Row[];
  readonly skips: readonly Skip[];
}

/** Forces a full GC when node runs with `--expose-gc`; otherwise does nothing. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

/**
 * Seconds per run of `system` at `size`, timing `inner` back-to-back runs after a forced GC. With
 * `settle`, that many untimed runs follow the GC: right after a full GC V8 has shrunk the heap, and the
 * next two or three runs pay for growing it again (measured ×5–10 on a 4 ms run here), which would
 * swamp a short run; a long run absorbs it.
 */
async function timeRuns(system: System, size: number, expected: number, inner: number, settle = 0): Promise<number> {
  collectGarbage();
  for (let k = 0; k < settle; k++) await system.run(size);
  const start = process.hrtime.bigint();
  for (let k = 0; k < inner; k++) {
    const count = await system.run(size);
    if (count !== expected) {
      throw new Error(`${system.name} ran ${String(count)} events at size ${size}, expected ${expected}.`);
    }
  }
  const end = process.hrtime.bigint();
  return Number(end - start) / 1e9 / inner;
}

/** A timed sample should last at least this long: shorter runs are repeated back to back within it. */
const MIN_SAMPLE_SECONDS = 0.04;
/** Warm-up: at least this many runs of each system, and until this much time was spent (at most 12 runs). */
const WARMUP_RUNS = 3;
const WARMUP_SECONDS = 0.2;

/** Options of {@link measureWorkload}. */
export interface MeasureOptions {
  /** Called with a line of progress (to stderr, say). */
  readonly progress?: (line: string) => void;
  /** Size used to warm every system up before the first measurement. */
  readonly warmupSize?: number;
}

/** Measures every system of `workload` at each size, alternating systems within each repetition. */
export async function measureWorkload(workload: Workload, options: MeasureOptions = {}): Promise<WorkloadResult> {
  const rows: Row[] = [];
  const skips: Skip[] = [];
  const progress = options.progress ?? ((): void => {});
  const live = workload.systems.filter((system) => system.unsupported === undefined);
  for (const system of workload.systems) {
    if (system.unsupported !== undefined) {
      skips.push({ workload: workload.id, system, n: NaN, reason: system.unsupported });
    }
  }
  const warmupSize = options.warmupSize ?? Math.min(...workload.sizes);
  /** Seconds per event of each system after warm-up, to decide how many runs a sample holds. */
  const perEvent = new Map<System, number>();
  for (const system of live) {
    const size = system.sizeFor?.(warmupSize) ?? warmupSize;
    if (system.maxN !== undefined && size > system.maxN) continue;
    workload.prepare?.(size);
    let spent = 0;
    let best = Infinity;
    for (let k = 0; k < 12 && (k < WARMUP_RUNS || spent < WARMUP_SECONDS); k++) {
      const seconds = await timeRuns(system, size, workload.expected(size), 1);
      spent += seconds;
      best = Math.min(best, seconds);
    }
    perEvent.set(system, best / Math.max(1, size));
  }
  for (const n of workload.sizes) {
    const entries: { system: System; size: number; inner: number; settle: number; seconds: number[] }[] = [];
    for (const system of live) {
      const size = system.sizeFor?.(n) ?? n;
      if (system.maxN !== undefined && size > system.maxN) {
        skips.push({ workload: workload.id, system, n, reason: system.capReason ?? `capped at N=${system.maxN}` });
        continue;
      }
      workload.prepare?.(size);
      const estimate = (perEvent.get(system) ?? 0) * size;
      const inner = estimate > 0 ? Math.max(1, Math.min(50, Math.floor(MIN_SAMPLE_SECONDS / estimate))) : 1;
      entries.push({ system, size, inner, settle: estimate < 0.2 ? 3 : estimate < 0.5 ? 1 : 0, seconds: [] });
    }
    const reps = workload.reps(n);
    for (let rep = 0; rep < reps; rep++) {
      for (let k = 0; k < entries.length; k++) {
        const entry = entries[(k + rep) % entries.length] as (typeof entries)[number];
        entry.seconds.push(
          await timeRuns(entry.system, entry.size, workload.expected(entry.size), entry.inner, entry.settle),
        );
      }
      progress(`${workload.id} N=${n} repetition ${rep + 1}/${reps}`);
    }
    for (const { system, size, inner, seconds } of entries) {
      const expected = workload.expected(size);
      const rates = seconds.map((s) => expected / s);
      rows.push({
        workload: workload.id,
        system,
        n,
        size,
        inner,
        seconds,
        time: summarize(seconds),
        rates,
        rate: summarize(rates),
      });
    }
  }
  return { workload, rows, skips };
}

/**
 * The paired ratio `rate(a) / rate(b)` per repetition (how many times faster `a` is than `b`),
 * summarised. Both rows must come from the same workload and nominal size.
 */
export function pairedRatio(a: Row, b: Row): Summary {
  const count = Math.min(a.rates.length, b.rates.length);
  const ratios: number[] = [];
  for (let i = 0; i < count; i++) ratios.push((a.rates[i] as number) / (b.rates[i] as number));
  return summarize(ratios);
}

/** The row of system `id` at nominal size `n`, if it was measured. */
export function findRow(result: WorkloadResult, id: string, n: number): Row | undefined {
  return result.rows.find((row) => row.system.id === id && row.n === n);
}
