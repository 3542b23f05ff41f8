/**
 * W5, async timers: N `setTimeout` callbacks at pseudo-random virtual times (the same times for every
 * system), each an async function awaiting a 3-step promise chain, run to completion.
 *
 * - simloop: `runAsync` from `@simloop/async`, whose driver dispatches every virtual callback from a
 *   real macrotask of its own (a `MessageChannel` message), so that every continuation it caused has
 *   run before the next one (exact quiescence);
 * - fake-timers: `clock.runAllAsync()` on a clock made with `createClock` (no globals touched), which
 *   lets the promise jobs run between timers by yielding to the real loop once per timer;
 * - the floor: the same callbacks dispatched in `(time, index)` order from a plain sorted index array,
 *   each from its own real `MessageChannel` macrotask, and nothing else: what exact quiescence costs.
 *
 * `@simloop/async` is loaded at run time, by a variable name (as W4 loads `@simloop/check`), so that
 * the suite still runs while it is not built; W5 then prints its pending line.
 *
 * @module
 */
import { MessageChannel } from "node:worker_threads";
import FakeTimers from "@sinonjs/fake-timers";
import type { Workload } from "./harness.ts";
import { randomIntegers } from "./prng.ts";

/** The subset of `@simloop/async`'s `runAsync` used here. */
export type RunAsyncFn = (main: () => Promise<number>, options?: Record<string, unknown>) => Promise<number>;

/** The message W5 prints while `runAsync` is missing. */
export const W5_PENDING = "pending: @simloop/async not built yet";

/** A variable, so that the typecheck does not follow it (see the module's note). */
const ASYNC_PACKAGE: string = "@simloop/async";

/** Loads `runAsync` from `@simloop/async`, or returns `null` if it is not there (yet). */
export async function loadRunAsync(): Promise<RunAsyncFn | null> {
  try {
    const mod = (await import(ASYNC_PACKAGE)) as Record<string, unknown>;
    return typeof mod["runAsync"] === "function" ? (mod["runAsync"] as RunAsyncFn) : null;
  } catch {
    return null;
  }
}

/** Delays are whole milliseconds (fake-timers truncates them) below 10^6. */
const MAX_DELAY = 1_000_000;
const SEED = 0xa5f1;

const cache = new Map<number, Float64Array>();

/** The delays of W5 at size `n` (cached; the same for every system). */
export function asyncTimerDelays(n: number): Float64Array {
  let delays = cache.get(n);
  if (delays === undefined) {
    delays = randomIntegers(n, 0, MAX_DELAY, SEED + n);
    cache.set(n, delays);
  }
  return delays;
}

/** One step of the chain: a promise of `x + 1`. */
function step(x: number): Promise<number> {
  return Promise.resolve(x + 1);
}

/**
 * The timer callback of every system: an async function awaiting three chained steps, then counting
 * itself (and calling `done` when it is the last one).
 */
function makeCallback(n: number, done: (count: number) => void): () => Promise<void> {
  let completed = 0;
  return async (): Promise<void> => {
    let x = await step(0);
    x = await step(x);
    x = await step(x);
    if (x === 3 && ++completed === n) done(completed);
  };
}

/**
 * W5 on simloop: `runAsync` of a main that calls the (virtual) global `setTimeout` for every delay and
 * awaits the last chain's end. Returns the number of chains completed.
 */
export function runSimloopAsyncTimers(runAsync: RunAsyncFn, delays: Float64Array): Promise<number> {
  const n = delays.length;
  return runAsync(
    () =>
      new Promise<number>((resolve) => {
        const callback = makeCallback(n, resolve);
        for (let i = 0; i < n; i++) setTimeout(callback, delays[i] as number);
      }),
  );
}

/** W5 on fake-timers: `clock.setTimeout` for every delay, then `await clock.runAllAsync()`. */
export async function runFakeTimersAsyncTimers(delays: Float64Array): Promise<number> {
  const n = delays.length;
  const clock = FakeTimers.createClock(0, n + 10);
  let count = 0;
  const callback = makeCallback(n, (c) => {
    count = c;
  });
  for (let i = 0; i < n; i++) clock.setTimeout(callback, delays[i] as number);
  await clock.runAllAsync();
  return count;
}

/**
 * The floor: the callbacks in `(delay, index)` order from a sorted index array, each called at the
 * start of a real `MessageChannel` macrotask of its own, which posts the next one when it returns; the
 * chain of promise jobs a callback started runs before that next macrotask, as under simloop's driver.
 */
export function runBareMacrotaskAsyncTimers(delays: Float64Array): Promise<number> {
  const n = delays.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (delays[a] as number) - (delays[b] as number) || a - b);
  return new Promise<number>((resolve) => {
    let count = 0;
    const callback = makeCallback(n, (c) => {
      count = c;
    });
    const { port1, port2 } = new MessageChannel();
    let next = 0;
    port1.on("message", () => {
      if (next < n) {
        // The delay is read (as a scheduler reads a deadline) but no clock is kept: only the dispatch.
        if ((delays[order[next++] as number] as number) >= 0) void callback();
        port2.postMessage(null);
      } else {
        port1.close();
        resolve(count);
      }
    });
    port2.postMessage(null);
  });
}

/** Builds W5 around a loaded `runAsync`. */
export function asyncTimersWorkload(runAsync: RunAsyncFn, quick: boolean): Workload {
  const sizes = quick ? [1_000, 4_000] : [10_000, 100_000];
  return {
    id: "W5",
    title: "async timers: N setTimeout callbacks, each awaiting a 3-step promise chain, run to completion",
    unit: "callbacks",
    sizes,
    reps: (n) => (quick ? 3 : n <= 10_000 ? 11 : 5),
    expected: (n) => n,
    prepare: (n) => void asyncTimerDelays(n),
    systems: [
      {
        id: "bare-macrotask",
        name: "bare sorted array + a MessageChannel macrotask per callback",
        role: "baseline",
        run: (n) => runBareMacrotaskAsyncTimers(asyncTimerDelays(n)),
      },
      {
        id: "simloop",
        name: "simloop runAsync",
        role: "simloop",
        run: (n) => runSimloopAsyncTimers(runAsync, asyncTimerDelays(n)),
      },
      {
        id: "fake-timers",
        name: "fake-timers runAllAsync",
        role: "peer",
        run: (n) => runFakeTimersAsyncTimers(asyncTimerDelays(n)),
      },
    ],
  };
}
