/**
 * W2, the ready queue: a chain of N callbacks, each scheduling the next with `callSoon` (one loop
 * iteration per callback, as in asyncio).
 *
 * @module
 */
import { EventLoop } from "@simloop/core";
import { runRingChain, runRingHandleChain } from "./baselines.ts";
import type { Workload } from "./harness.ts";
import { runFakeTimersChain, runRxjsQueueChain, runRxjsQueueChainFresh } from "./peers.ts";

/** W2 on simloop: each callback `callSoon`s the next; `runUntilIdle()`. Returns the count run. */
export function runSimloopChain(n: number): number {
  const loop = new EventLoop();
  let ran = 0;
  const next = (): void => {
    if (++ran < n) loop.callSoon(next);
  };
  loop.callSoon(next);
  loop.runUntilIdle();
  return ran;
}

/** Builds W2. */
export function readyChainWorkload(quick: boolean): Workload {
  return {
    id: "W2",
    title: "ready queue: a chain of N callSoon callbacks, each scheduling the next",
    unit: "callbacks",
    sizes: quick ? [10_000] : [1_000_000],
    reps: () => (quick ? 3 : 7),
    expected: (n) => n,
    systems: [
      { id: "ring", name: "bare ring buffer", role: "baseline", run: runRingChain },
      { id: "ring-handles", name: "bare ring + a handle per callback", role: "baseline", run: runRingHandleChain },
      { id: "simloop", name: "simloop callSoon", role: "simloop", run: runSimloopChain },
      { id: "rxjs", name: "RxJS queueScheduler (this.schedule)", role: "peer", run: runRxjsQueueChain },
      { id: "rxjs-fresh", name: "RxJS queueScheduler (new action)", role: "peer", run: runRxjsQueueChainFresh },
      { id: "fake-timers", name: "fake-timers setTimeout(0)", role: "peer", run: runFakeTimersChain },
    ],
  };
}
