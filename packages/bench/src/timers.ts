/**
 * W1, timers: N callbacks at pseudo-random virtual times (the same times for every system), scheduled
 * and then run to completion. The per-event cost from 10^4 to 10^6 should grow by the heap's log
 * factor (plus what the memory hierarchy adds, which the packed-heap baseline shows), nothing worse.
 *
 * @module
 */
import { EventLoop } from "@simloop/core";
import { runObjectHeapTimers, runPackedHeapHandleTimers, runPackedHeapTimers } from "./baselines.ts";
import type { Workload } from "./harness.ts";
import { runFakeTimersTimers, runRxjsVirtualTimers } from "./peers.ts";
import { randomIntegers } from "./prng.ts";

/** Deadlines are integers (fake-timers truncates delays to whole milliseconds) below 2^30 (Smi range). */
const MAX_TIME = 2 ** 30;
const SEED = 0x5eed;

const cache = new Map<number, Float64Array>();

/** The virtual times of W1 at size `n` (cached; the same for every system). */
export function timerTimes(n: number): Float64Array {
  let times = cache.get(n);
  if (times === undefined) {
    times = randomIntegers(n, 0, MAX_TIME, SEED + n);
    cache.set(n, times);
  }
  return times;
}

/** W1 on simloop: `loop.callAt(time, callback)` for every time, then `runUntilIdle()`. Returns the count fired. */
export function runSimloopTimers(times: Float64Array): number {
  const loop = new EventLoop();
  let fired = 0;
  const callback = (): void => {
    fired++;
  };
  for (let i = 0; i < times.length; i++) loop.callAt(times[i] as number, callback);
  loop.runUntilIdle();
  return fired;
}

/** RxJS's `VirtualTimeScheduler` sorts its action array on every `schedule` and `shift`s it on every run. */
export const RXJS_TIMERS_MAX = 10_000;

/** Builds W1. */
export function timersWorkload(quick: boolean): Workload {
  const sizes = quick ? [1_000, 4_000] : [10_000, 100_000, 1_000_000];
  return {
    id: "W1",
    title: "timers: N callbacks at random virtual times, run to completion",
    unit: "events",
    sizes,
    // Short runs are the noisiest: more repetitions where they are cheap.
    reps: (n) => (quick ? 3 : n <= 10_000 ? 21 : n <= 100_000 ? 7 : 3),
    expected: (n) => n,
    prepare: (n) => void timerTimes(n),
    systems: [
      {
        id: "object-heap",
        name: "bare object heap",
        role: "baseline",
        run: (n) => runObjectHeapTimers(timerTimes(n)),
      },
      {
        id: "packed-heap",
        name: "bare packed heap",
        role: "baseline",
        run: (n) => runPackedHeapTimers(timerTimes(n)),
      },
      {
        id: "packed-heap-handles",
        name: "bare packed heap + a handle per timer",
        role: "baseline",
        run: (n) => runPackedHeapHandleTimers(timerTimes(n)),
      },
      { id: "simloop", name: "simloop", role: "simloop", run: (n) => runSimloopTimers(timerTimes(n)) },
      {
        id: "fake-timers",
        name: "fake-timers runAll",
        role: "peer",
        run: (n) => runFakeTimersTimers(timerTimes(n)),
      },
      {
        id: "rxjs",
        name: "RxJS VirtualTimeScheduler",
        role: "peer",
        run: (n) => runRxjsVirtualTimers(timerTimes(n)),
        maxN: quick ? 1_000 : RXJS_TIMERS_MAX,
        capReason:
          "quadratic: every schedule() re-sorts the action array and every flush step shift()s it " +
          "(measured ×4–5 time per doubling of N); 10^5 would take minutes, 10^6 hours",
      },
      {
        id: "fast-check",
        name: "fast-check scheduler",
        role: "peer",
        run: () => 0,
        unsupported:
          "fc.scheduler() has no clock: it releases scheduled promises in an order it draws itself, " +
          "so N timers at given virtual times cannot be run in (when, seq) order",
      },
    ],
  };
}
