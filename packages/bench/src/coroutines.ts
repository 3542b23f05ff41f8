/**
 * W3, coroutines: (a) two tasks alternating through `yield* sleep(0)`, N wake-ups in all; (b) many
 * tasks each sleeping 100 random small durations; and the heap held per suspended task.
 *
 * @module
 */
import { EventLoop, type Coroutine } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import { BareScheduler, bareSleep, runBarePingPong, runBareSleepers, runRawNext } from "./baselines.ts";
import { collectGarbage, type Workload } from "./harness.ts";
import {
  fakeTimersSleeperBytes,
  runEffectionPingPong,
  runFakeTimersPingPong,
  runFakeTimersSleepers,
  runFastCheckPingPong,
} from "./peers.ts";
import { randomIntegers } from "./prng.ts";

/** Sleeps per task in W3b. */
export const SLEEPS_PER_TASK = 100;
/** W3b's durations are integers in [1, MAX_SLEEP]. */
const MAX_SLEEP = 16;

let durationsCache: Float64Array | null = null;

/** The sleep durations of W3b: task i's j-th sleep is `durations[i * SLEEPS_PER_TASK + j]`. */
export function sleepDurations(total: number): Float64Array {
  if (durationsCache === null || durationsCache.length < total) {
    durationsCache = randomIntegers(Math.max(total, 1_000_000), 1, MAX_SLEEP, 0xc0de);
  }
  return durationsCache;
}

/** W3a on simloop: two tasks alternate through `yield* sleep(0)`, `n` wake-ups in all. */
export function runSimloopPingPong(n: number): number {
  const loop = new EventLoop();
  let last = -1;
  let turns = 0;
  function* player(id: number, count: number): Coroutine<void> {
    for (let i = 0; i < count; i++) {
      if (last === id) throw new Error("ping-pong lost its alternation");
      last = id;
      turns++;
      yield* sleep(0);
    }
  }
  loop.createTask(player(0, n >> 1));
  loop.createTask(player(1, n >> 1));
  loop.runUntilIdle();
  return turns;
}

/** W3b on simloop: `n / SLEEPS_PER_TASK` tasks each sleep `SLEEPS_PER_TASK` durations. Returns the sleeps completed. */
export function runSimloopSleepers(n: number): number {
  const durations = sleepDurations(n);
  const tasks = Math.floor(n / SLEEPS_PER_TASK);
  const loop = new EventLoop();
  let woken = 0;
  function* sleeper(base: number): Coroutine<void> {
    for (let j = 0; j < SLEEPS_PER_TASK; j++) {
      yield* sleep(durations[base + j] as number);
      woken++;
    }
  }
  for (let i = 0; i < tasks; i++) loop.createTask(sleeper(i * SLEEPS_PER_TASK));
  loop.runUntilIdle();
  return woken;
}

/** Builds W3a. */
export function pingPongWorkload(quick: boolean): Workload {
  const peerSize = (n: number): number => Math.max(2, Math.floor(n / 10));
  return {
    id: "W3a",
    title: "coroutines: two tasks alternate through sleep(0), N wake-ups",
    unit: "wake-ups",
    sizes: quick ? [10_000] : [1_000_000],
    reps: () => (quick ? 3 : 5),
    expected: (n) => 2 * (n >> 1),
    systems: [
      { id: "raw-next", name: "raw generator next()", role: "baseline", run: runRawNext },
      {
        id: "bare-scheduler",
        name: "bare generator scheduler",
        role: "baseline",
        run: runBarePingPong,
      },
      { id: "simloop", name: "simloop sleep(0)", role: "simloop", run: runSimloopPingPong },
      {
        id: "effection",
        name: "Effection channel hand-off",
        role: "peer",
        run: runEffectionPingPong,
        sizeFor: peerSize,
      },
      {
        id: "fast-check",
        name: "fast-check scheduler (Promises)",
        role: "peer",
        run: runFastCheckPingPong,
        sizeFor: peerSize,
      },
      {
        id: "fake-timers",
        name: "fake-timers async (runAllAsync)",
        role: "peer",
        run: runFakeTimersPingPong,
        sizeFor: peerSize,
      },
    ],
  };
}

/** Builds W3b (N is the total number of sleeps: N/100 tasks × 100 sleeps). */
export function sleepersWorkload(quick: boolean): Workload {
  return {
    id: "W3b",
    title: `coroutines: N/${SLEEPS_PER_TASK} tasks each sleep ${SLEEPS_PER_TASK} random durations in [1, ${MAX_SLEEP}]`,
    unit: "wake-ups",
    sizes: quick ? [10_000] : [1_000_000],
    reps: () => (quick ? 3 : 5),
    expected: (n) => Math.floor(n / SLEEPS_PER_TASK) * SLEEPS_PER_TASK,
    prepare: (n) => void sleepDurations(n),
    systems: [
      {
        id: "bare-scheduler",
        name: "bare generator scheduler",
        role: "baseline",
        run: (n) => runBareSleepers(sleepDurations(n), Math.floor(n / SLEEPS_PER_TASK), SLEEPS_PER_TASK),
      },
      { id: "simloop", name: "simloop sleep(d)", role: "simloop", run: runSimloopSleepers },
      {
        id: "fake-timers",
        name: "fake-timers async (runAllAsync)",
        role: "peer",
        run: (n) => runFakeTimersSleepers(sleepDurations(n), Math.floor(n / SLEEPS_PER_TASK), SLEEPS_PER_TASK),
        sizeFor: (n) => Math.max(SLEEPS_PER_TASK, Math.floor(n / 10)),
      },
      {
        id: "effection",
        name: "Effection",
        role: "peer",
        run: () => 0,
        unsupported: "Effection's sleep() is a real setTimeout: it has no virtual clock to sleep on",
      },
      {
        id: "fast-check",
        name: "fast-check scheduler",
        role: "peer",
        run: () => 0,
        unsupported: "fc.scheduler() has no notion of time: a sleep of d cannot be expressed",
      },
    ],
  };
}

// ---------------------------------------------------------------- memory per suspended task

function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

/**
 * Heap bytes per simloop task suspended in `yield* sleep(d)`: `k` tasks are created and run to their
 * first sleep (one loop iteration), then the heap is compared with the heap before, after a full GC.
 */
export function simloopSleeperBytes(k: number): number {
  const durations = sleepDurations(k);
  collectGarbage();
  const before = heapUsed();
  const loop = new EventLoop();
  function* sleeper(d: number): Coroutine<void> {
    yield* sleep(d);
  }
  for (let i = 0; i < k; i++) loop.createTask(sleeper(durations[i] as number));
  loop.step();
  collectGarbage();
  const after = heapUsed();
  if (loop.allTasks().size !== k || loop.peek() <= 0) throw new Error("simloop sleepers were not all suspended");
  loop.close();
  return (after - before) / k;
}

/** What {@link userGeneratorBytes}'s generators are parked on: one shared iterator that never finishes. */
const PARKED: Iterator<undefined> & Iterable<undefined> = {
  next: () => ({ value: undefined, done: false }),
  [Symbol.iterator]() {
    return this;
  },
};

function park(_d: number): Iterable<undefined> {
  return PARKED;
}

/**
 * Heap bytes of the user's generator alone: `k` generators of the same shape as the sleepers above
 * (`yield* f(d)`, so the same register file), suspended in their `yield*` on one shared iterator, held
 * in an array allocated before the measure. What every system pays for the user's code.
 */
export function userGeneratorBytes(k: number): number {
  const durations = sleepDurations(k);
  const held: unknown[] = new Array<unknown>(k).fill(null);
  collectGarbage();
  const before = heapUsed();
  function* sleeper(d: number): Generator<undefined, void, unknown> {
    yield* park(d);
  }
  for (let i = 0; i < k; i++) {
    const gen = sleeper(durations[i] as number);
    gen.next();
    held[i] = gen;
  }
  collectGarbage();
  const after = heapUsed();
  if (held.length !== k) throw new Error("unreachable");
  return (after - before) / k;
}

/** The same for the bare generator scheduler (a generator in a ring, then in a heap). */
export function bareSleeperBytes(k: number): number {
  const durations = sleepDurations(k);
  collectGarbage();
  const before = heapUsed();
  const scheduler = new BareScheduler();
  function* sleeper(d: number): Generator<number, void, unknown> {
    yield* bareSleep(d);
  }
  for (let i = 0; i < k; i++) scheduler.spawn(sleeper(durations[i] as number));
  scheduler.runReady();
  collectGarbage();
  const after = heapUsed();
  if (scheduler.resumes !== k) throw new Error("bare sleepers were not all suspended");
  return (after - before) / k;
}

/** The same for fake-timers with async functions. */
export function fakeTimersBytes(k: number): number {
  return fakeTimersSleeperBytes(k, sleepDurations(k), collectGarbage);
}
