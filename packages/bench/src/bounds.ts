/**
 * What bounds the targets, measured in the same run as the targets themselves: each line compares a
 * bare baseline that does only what asyncio's API obliges (a handle object per timer or callback, the
 * user's own generator, the program run without exploring) with the baseline the target is set
 * against, and simloop with that obliged floor. A target that is not met is explained by these lines,
 * not by prose that can go stale.
 *
 * @module
 */
import { findRow, pairedRatio, type WorkloadResult } from "./harness.ts";
import type { MemoryResult } from "./memory.ts";

/** One measured bound. */
export interface BoundLine {
  readonly workload: string;
  readonly description: string;
  /** The measured value, such as `1.32× (1.20–1.41)` or `182 B`. */
  readonly measured: string;
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** The paired ratio of `slow`'s time over `fast`'s time (`fast`'s rate ÷ `slow`'s), or null if either is missing. */
function timeRatio(result: WorkloadResult, slow: string, fast: string, n: number): string | null {
  const a = findRow(result, fast, n);
  const b = findRow(result, slow, n);
  if (a === undefined || b === undefined) return null;
  const r = pairedRatio(a, b);
  return `${fmt(r.median)}× (${fmt(r.min)}–${fmt(r.max)})`;
}

/** The paired ratio of `a`'s rate over `b`'s. */
function rateRatio(result: WorkloadResult, a: string, b: string, n: number): string | null {
  return timeRatio(result, b, a, n);
}

function push(out: BoundLine[], workload: string, description: string, measured: string | null): void {
  if (measured !== null) out.push({ workload, description, measured });
}

/**
 * The bound lines for the workloads measured in this run.
 *
 * @example
 * ```ts
 * for (const line of evaluateBounds(results, memory)) console.log(line.description, line.measured);
 * ```
 */
export function evaluateBounds(results: ReadonlyMap<string, WorkloadResult>, memory: MemoryResult | null): BoundLine[] {
  const out: BoundLine[] = [];
  const w1 = results.get("W1");
  if (w1 !== undefined) {
    for (const n of w1.workload.sizes) {
      push(
        out,
        "W1",
        `N=${n}: time of the packed heap with a handle object per timer ÷ the bare packed heap (what returning a handle costs)`,
        timeRatio(w1, "packed-heap-handles", "packed-heap", n),
      );
      push(
        out,
        "W1",
        `N=${n}: simloop's time ÷ the packed heap with a handle per timer (the loop's own overhead)`,
        timeRatio(w1, "simloop", "packed-heap-handles", n),
      );
    }
  }
  const w2 = results.get("W2");
  if (w2 !== undefined) {
    const n = w2.workload.sizes[0] as number;
    push(
      out,
      "W2",
      "time of the ring with a handle object per callback ÷ the bare ring (what returning a handle costs)",
      timeRatio(w2, "ring-handles", "ring", n),
    );
    push(
      out,
      "W2",
      "RxJS this.schedule's time ÷ the bare ring (it reuses one action: no allocation per callback)",
      timeRatio(w2, "rxjs", "ring", n),
    );
    push(
      out,
      "W2",
      "simloop's time ÷ the ring with a handle per callback (the loop's own overhead)",
      timeRatio(w2, "simloop", "ring-handles", n),
    );
  }
  if (memory !== null && memory.userGenerator !== undefined) {
    const user = memory.userGenerator;
    push(
      out,
      "W3b",
      "bytes of the user's own suspended generator (`yield* sleep(d)`), the same in every system",
      `${user.toFixed(0)} B`,
    );
    push(
      out,
      "W3b",
      "simloop's own bytes per sleeping task (task, sleep timer, heap slot)",
      `${(memory.simloop - user).toFixed(0)} B`,
    );
    push(
      out,
      "W3b",
      "the bare scheduler's own bytes per sleeping task (its helper generator, heap slot)",
      `${(memory.bare - user).toFixed(0)} B`,
    );
  }
  const w4 = results.get("W4");
  if (w4 !== undefined) {
    const n = w4.workload.sizes[0] as number;
    push(
      out,
      "W4",
      "the program alone (a fresh loop, no policy, no explore) ÷ fast-check's runs/s: the most any exploration of it could reach",
      rateRatio(w4, "simloop-program", "fast-check", n),
    );
    push(
      out,
      "W4",
      "explore's runs/s ÷ the program alone (what a random schedule, its recording and the run checks cost)",
      rateRatio(w4, "simloop", "simloop-program", n),
    );
  }
  return out;
}
