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

/** One ratio line of a workload: `slow`'s time ÷ `fast`'s time, which is also `fast`'s rate ÷ `slow`'s. */
interface Ratio {
  readonly slow: string;
  readonly fast: string;
  readonly description: string;
}

/**
 * The ratio lines, by workload; W1's are given for every size, the others' for the first. W4 compares
 * rates (runs/s): its `fast` is the system whose rate is the numerator.
 */
const ratios: ReadonlyArray<readonly [workload: string, everySize: boolean, lines: readonly Ratio[]]> = [
  [
    "W1",
    true,
    [
      {
        slow: "packed-heap-handles",
        fast: "packed-heap",
        description:
          "time of the packed heap with a handle object per timer ÷ the bare packed heap (what returning a handle costs)",
      },
      {
        slow: "simloop",
        fast: "packed-heap-handles",
        description: "simloop's time ÷ the packed heap with a handle per timer (the loop's own overhead)",
      },
    ],
  ],
  [
    "W2",
    false,
    [
      {
        slow: "ring-handles",
        fast: "ring",
        description:
          "time of the ring with a handle object per callback ÷ the bare ring (what returning a handle costs)",
      },
      {
        slow: "rxjs",
        fast: "ring",
        description: "RxJS this.schedule's time ÷ the bare ring (it reuses one action: no allocation per callback)",
      },
      {
        slow: "simloop",
        fast: "ring-handles",
        description: "simloop's time ÷ the ring with a handle per callback (the loop's own overhead)",
      },
    ],
  ],
  [
    "W4c",
    true,
    [
      {
        slow: "asked",
        fast: "simloop",
        description:
          "the loop asking every tie question, answered at once ÷ the program alone (what being asked costs the loop: the floor of fifo, random and exhaustive runs)",
      },
      {
        slow: "one-per-iteration",
        fast: "simloop",
        description:
          "the loop firing one timer per iteration, deferring the rest, answered at once ÷ the program alone (the floor of a PCT run: its iterations and questions)",
      },
      {
        slow: "pct",
        fast: "one-per-iteration",
        description:
          "explore under pct ÷ that floor (PCT's own work per question: priorities, change points, recording)",
      },
    ],
  ],
  [
    "W4",
    false,
    [
      {
        slow: "fast-check",
        fast: "simloop-program",
        description:
          "the program alone (a fresh loop, no policy, no explore) ÷ fast-check's runs/s: the most any exploration of it could reach",
      },
      {
        slow: "simloop-program",
        fast: "simloop",
        description:
          "explore's runs/s ÷ the program alone (what a random schedule, its recording and the run checks cost)",
      },
    ],
  ],
];

/** W3b's lines: bytes per sleeping task, split into the user's generator and each system's own part. */
function memoryLines(memory: MemoryResult, user: number): BoundLine[] {
  const lines: ReadonlyArray<readonly [string, number]> = [
    ["bytes of the user's own suspended generator (`yield* sleep(d)`), the same in every system", user],
    ["simloop's own bytes per sleeping task (task, sleep timer, heap slot)", memory.simloop - user],
    ["the bare scheduler's own bytes per sleeping task (its helper generator, heap slot)", memory.bare - user],
  ];
  return lines.map(([description, bytes]) => ({ workload: "W3b", description, measured: `${bytes.toFixed(0)} B` }));
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
  for (const [workload, everySize, lines] of ratios) {
    const result = results.get(workload);
    if (result === undefined) continue;
    const sizes = everySize ? result.workload.sizes : result.workload.sizes.slice(0, 1);
    for (const n of sizes) {
      for (const line of lines) {
        const measured = timeRatio(result, line.slow, line.fast, n);
        if (measured !== null)
          out.push({ workload, description: everySize ? `N=${n}: ${line.description}` : line.description, measured });
      }
    }
  }
  if (memory !== null && memory.userGenerator !== undefined) out.push(...memoryLines(memory, memory.userGenerator));
  // By workload, W3b between W2 and W4 (the sort is stable: each workload's lines keep their order).
  return out.sort((a, b) => a.workload.localeCompare(b.workload));
}
