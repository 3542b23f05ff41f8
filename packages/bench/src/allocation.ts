/**
 * Allocation per event: the heap bytes one event of W1, W2, W3a and W3b allocates, against the sizes of
 * the objects asyncio's own design allocates for it (a handle per callback or timer; for a sleep, its
 * coroutine object, a future and the wake-up handle), measured the same way in the same process. This
 * checks the "no per-event allocation beyond asyncio's own objects".
 *
 * How: a workload of `n` events is prepared, the heap is collected, and `heapUsed` is read before and
 * after the run. A measure counts only if no garbage collection ran in between (a `gc` performance
 * observer says so), so the difference is exactly what was allocated; the minimum over several attempts
 * is kept (what V8 allocates besides, such as feedback for newly seen shapes, only ever adds).
 * Typed-array backing stores live outside the JS heap and are not counted: the timer heap's keys (16
 * bytes per slot, part of the heap's structure rather than of an event).
 *
 * @module
 */
import { PerformanceObserver } from "node:perf_hooks";
import { EventLoop, Handle, TimerHandle } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import { collectGarbage } from "./harness.ts";

/** One workload's measure. */
export interface AllocationRow {
  readonly workload: string;
  /** What one event is. */
  readonly event: string;
  /** Bytes allocated per event (minimum over the exact attempts), or null if no attempt was exact. */
  readonly bytes: number | null;
  /** The objects one event is allowed, with their measured sizes. */
  readonly allowed: readonly { readonly what: string; readonly bytes: number }[];
}

/** The whole measure. */
export interface AllocationResult {
  readonly rows: readonly AllocationRow[];
  /** Events per measured run. */
  readonly n: number;
}

let collections = 0;
let observer: PerformanceObserver | null = null;

function watchCollections(): void {
  if (observer !== null) return;
  observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ["gc"] });
}

/** Lets the observer deliver the entries of collections that already ran. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2));
}

/**
 * Bytes allocated per event by `make(n)()` (the minimum over the attempts that ran without a garbage
 * collection), or null if none did. `make` prepares a run outside the measure; the run is measured.
 */
export async function bytesPerEvent(n: number, make: (n: number) => () => void, attempts = 8): Promise<number | null> {
  watchCollections();
  for (let i = 0; i < 40; i++) make(n)(); // warm up: compiled code and feedback are not the workload's
  let best: number | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const run = make(n);
    collectGarbage();
    await settle();
    const seen = collections;
    const before = process.memoryUsage().heapUsed;
    run();
    const after = process.memoryUsage().heapUsed;
    await settle();
    if (collections !== seen) continue;
    const bytes = (after - before) / n;
    if (best === null || bytes < best) best = bytes;
  }
  return best;
}

/** Bytes of one object made by `make` (kept alive in a preallocated array during the measure). */
function sizeOf(make: () => unknown): Promise<number | null> {
  return bytesPerEvent(1000, (n) => {
    const keep: unknown[] = new Array<unknown>(n).fill(null);
    return () => {
      for (let i = 0; i < n; i++) keep[i] = make();
    };
  });
}

function chain(n: number): () => void {
  const loop = new EventLoop();
  let ran = 0;
  const next = (): void => {
    if (++ran < n) loop.callSoon(next);
  };
  return () => {
    loop.callSoon(next);
    loop.runUntilIdle();
  };
}

function timers(n: number): () => void {
  const times = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  const callback = (): void => {};
  return () => {
    const loop = new EventLoop();
    for (let i = 0; i < n; i++) loop.callAt(times[i] as number, callback);
    loop.runUntilIdle();
  };
}

function sleepers(delay: (i: number) => number): (n: number) => () => void {
  return (n) => {
    const loop = new EventLoop();
    function* player(): Generator<unknown, void, unknown> {
      for (let i = 0; i < n / 2; i++) yield* sleep(delay(i));
    }
    loop.createTask(player() as never);
    loop.createTask(player() as never);
    loop.step(); // both tasks started: the measure is their switches alone
    return () => loop.runUntilIdle();
  };
}

/** Measures W1, W2, W3a and W3b's allocation per event (`quick`: fewer events and attempts). */
export async function measureAllocation(quick: boolean): Promise<AllocationResult> {
  const n = 2000;
  const loop = new EventLoop();
  const handle = (await sizeOf(() => new Handle(0, null, undefined, undefined, null))) ?? NaN;
  const noop = (): void => {};
  const timer = (await sizeOf(() => new TimerHandle(loop, 0, 1, noop, undefined, undefined, null))) ?? NaN;
  const future = (await sizeOf(() => loop.createFuture())) ?? NaN;
  const yieldSleep = (await sizeOf(() => sleep(0))) ?? NaN;
  const timerSleep = (await sizeOf(() => sleep(1))) ?? NaN;
  const result = (await sizeOf(() => ({ value: loop, done: false }))) ?? NaN;
  const attempts = quick ? 8 : 12;
  const measure = (make: (n: number) => () => void): Promise<number | null> => bytesPerEvent(n, make, attempts);
  return {
    n,
    rows: [
      {
        workload: "W1",
        event: "timer (callAt, then its dispatch)",
        bytes: await measure(timers),
        // The heap's payload array doubles: at most one 8-byte slot more per timer, amortized.
        allowed: [
          { what: "TimerHandle", bytes: timer },
          { what: "the timer heap's slot (amortized doubling)", bytes: 16 },
        ],
      },
      {
        workload: "W2",
        event: "callSoon link",
        bytes: await measure(chain),
        allowed: [{ what: "Handle", bytes: handle }],
      },
      {
        workload: "W3a",
        event: "sleep(0) switch",
        bytes: await measure(sleepers(() => 0)),
        allowed: [
          { what: "sleep coroutine object", bytes: yieldSleep },
          { what: "Handle (the task's step)", bytes: handle },
        ],
      },
      {
        workload: "W3b",
        event: "sleep(d) wake-up",
        bytes: await measure(sleepers((i) => 1 + (i % 3))),
        // asyncio's sleep allocates a future too; simloop's task waits on the sleep itself (decision 0006).
        allowed: [
          { what: "sleep coroutine object, which is its TimerHandle", bytes: timerSleep },
          { what: "Future (asyncio's; simloop's sleep has none)", bytes: future },
          { what: "Handle (the task's wake-up)", bytes: handle },
          { what: "the generator protocol's { value, done } yielding the sleep", bytes: result },
        ],
      },
    ],
  };
}

/**
 * Measuring noise a row allows on top of asyncio's objects. The same build measures 64 or 80 bytes per
 * callSoon link depending on when V8's optimizing compiler finishes with the loop's functions (seen with
 * `--no-concurrent-recompilation` and inside the full test suite, where other workers load the CPU);
 * 24 bytes covers that, and one extra array or object per event (at least 32 bytes with its header and
 * one field) still goes over.
 */
export const ALLOCATION_NOISE_BYTES = 24;

/** The bytes a row allows: asyncio's objects plus {@link ALLOCATION_NOISE_BYTES}. */
export function allowedBytes(row: AllocationRow): number {
  return row.allowed.reduce((sum, a) => sum + a.bytes, 0) + ALLOCATION_NOISE_BYTES;
}
