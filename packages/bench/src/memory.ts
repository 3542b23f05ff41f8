/**
 * W3's memory measure: heap bytes per suspended task, after a full GC (`--expose-gc`), for simloop,
 * the bare generator scheduler and fake-timers with async functions; and whether a million sleeping
 * simloop tasks fit in 1 GiB.
 *
 * @module
 */
import { bareSleeperBytes, fakeTimersBytes, simloopSleeperBytes, userGeneratorBytes } from "./coroutines.ts";

/** Bytes per suspended task. */
export interface MemoryResult {
  /** How many tasks were suspended for the measure. */
  readonly k: number;
  readonly simloop: number;
  readonly bare: number;
  readonly fakeTimers: number;
  /** The user's suspended generator alone (the same code in every system). */
  readonly userGenerator?: number;
  /** simloop measured directly with a million tasks, when that was run. */
  readonly simloopMillion: number | null;
  /** Whether GC was exposed (without it the numbers include garbage). */
  readonly exactGc: boolean;
}

/** 1 GiB. */
export const GIB: number = 2 ** 30;

/** Measures the bytes per suspended task with `k` tasks (the median of three), and a million if `million`. */
export function measureMemory(k: number, million: boolean): MemoryResult {
  const median3 = (f: () => number): number => {
    const xs = [f(), f(), f()].sort((a, b) => a - b);
    return xs[1] as number;
  };
  return {
    k,
    simloop: median3(() => simloopSleeperBytes(k)),
    bare: median3(() => bareSleeperBytes(k)),
    fakeTimers: median3(() => fakeTimersBytes(k)),
    userGenerator: median3(() => userGeneratorBytes(k)),
    simloopMillion: million ? simloopSleeperBytes(1_000_000) : null,
    exactGc: typeof (globalThis as { gc?: unknown }).gc === "function",
  };
}
