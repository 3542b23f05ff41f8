/**
 * The peers, each driven the way its own documentation shows, on the same inputs as simloop:
 * `@sinonjs/fake-timers` (a clock made with `createClock`, no globals touched), RxJS schedulers
 * (`VirtualTimeScheduler`, `queueScheduler`), Effection 4 operations and fast-check's `fc.scheduler()`.
 *
 * Each function returns the number of events it ran (timers fired, callbacks run, wake-ups), which the
 * harness checks against the workload's expectation before it trusts a timing.
 *
 * @module
 */
import FakeTimers from "@sinonjs/fake-timers";
import { createChannel, run, spawn, type Operation, type Subscription } from "effection";
import fc from "fast-check";
import { VirtualAction, VirtualTimeScheduler, queueScheduler, type SchedulerAction } from "rxjs";

// ---------------------------------------------------------------- W1: timers

/** W1 on fake-timers: `clock.setTimeout` at each time, then the synchronous `clock.runAll()`. */
export function runFakeTimersTimers(times: Float64Array): number {
  const clock = FakeTimers.createClock(0, times.length + 10);
  let fired = 0;
  const callback = (): void => {
    fired++;
  };
  for (let i = 0; i < times.length; i++) clock.setTimeout(callback, times[i] as number);
  clock.runAll();
  return fired;
}

/** W1 on RxJS's `VirtualTimeScheduler` (sorts its whole action array on every `schedule`). */
export function runRxjsVirtualTimers(times: Float64Array): number {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  let fired = 0;
  const work = (): void => {
    fired++;
  };
  for (let i = 0; i < times.length; i++) scheduler.schedule(work, times[i] as number);
  scheduler.flush();
  return fired;
}

// ---------------------------------------------------------------- W2: ready chain

/** W2 on RxJS's `queueScheduler`: each action reschedules itself (`this.schedule()`), RxJS's idiom. */
export function runRxjsQueueChain(n: number): number {
  let ran = 0;
  queueScheduler.schedule(function (this: SchedulerAction<undefined>): void {
    if (++ran < n) this.schedule();
  });
  return ran;
}

/** W2 on RxJS's `queueScheduler` with a fresh action per callback (as `callSoon` makes a handle per call). */
export function runRxjsQueueChainFresh(n: number): number {
  let ran = 0;
  const next = (): void => {
    if (++ran < n) queueScheduler.schedule(next);
  };
  queueScheduler.schedule(next);
  return ran;
}

/** W2 on fake-timers: a chain of `setTimeout(next, 0)`, run with `clock.runAll()`. */
export function runFakeTimersChain(n: number): number {
  const clock = FakeTimers.createClock(0, n + 10);
  let ran = 0;
  const next = (): void => {
    if (++ran < n) clock.setTimeout(next, 0);
  };
  clock.setTimeout(next, 0);
  clock.runAll();
  return ran;
}

// ---------------------------------------------------------------- W3a: ping-pong

/**
 * W3a on Effection 4: two operations hand a counter back and forth through two channels (a send on
 * one, a `next()` on the other's subscription), `n` hand-offs in all.
 */
export async function runEffectionPingPong(n: number): Promise<number> {
  let turns = 0;
  await run(function* (): Operation<void> {
    const ping = createChannel<number, never>();
    const pong = createChannel<number, never>();
    const pings = yield* ping;
    const pongs = yield* pong;
    function* player(inbox: Subscription<number, never>, send: (value: number) => Operation<void>): Operation<void> {
      for (;;) {
        const { value } = (yield* inbox.next()) as IteratorYieldResult<number>;
        if (value > n) {
          yield* send(value);
          return;
        }
        turns++;
        yield* send(value + 1);
      }
    }
    const other = yield* spawn(() => player(pings, (v) => pong.send(v)));
    yield* ping.send(1);
    yield* player(pongs, (v) => ping.send(v));
    yield* other;
  });
  return turns;
}

/**
 * W3a on fast-check's scheduler: two async functions each `await s.schedule(Promise.resolve())` in a
 * loop, released by `s.waitAll()` (real Promises; the scheduler picks which one goes next).
 */
export async function runFastCheckPingPong(n: number): Promise<number> {
  const [s] = fc.sample(fc.scheduler(), { numRuns: 1, seed: 42 });
  if (s === undefined) throw new Error("fc.sample returned no scheduler");
  let turns = 0;
  async function player(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await s!.schedule(Promise.resolve());
      turns++;
    }
  }
  const both = Promise.all([player(n >> 1), player(n >> 1)]);
  await s.waitAll();
  await both;
  return turns;
}

/** W3a on fake-timers: two async functions alternate through `await` of a `setTimeout(0)` promise, run by `runAllAsync()`. */
export async function runFakeTimersPingPong(n: number): Promise<number> {
  const clock = FakeTimers.createClock(0, n + 10);
  let turns = 0;
  const sleep0 = (): Promise<void> => new Promise((resolve) => clock.setTimeout(() => resolve(), 0));
  async function player(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await sleep0();
      turns++;
    }
  }
  const both = Promise.all([player(n >> 1), player(n >> 1)]);
  await clock.runAllAsync();
  await both;
  return turns;
}

// ---------------------------------------------------------------- W3b: many sleepers

/** W3b on fake-timers: async functions each awaiting `perTask` `setTimeout` promises, run by `runAllAsync()`. */
export async function runFakeTimersSleepers(durations: Float64Array, tasks: number, perTask: number): Promise<number> {
  const clock = FakeTimers.createClock(0, tasks * perTask + 10);
  let woken = 0;
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => clock.setTimeout(() => resolve(), ms));
  async function sleeper(base: number): Promise<void> {
    for (let j = 0; j < perTask; j++) {
      await sleep(durations[base + j] as number);
      woken++;
    }
  }
  const all: Promise<void>[] = [];
  for (let i = 0; i < tasks; i++) all.push(sleeper(i * perTask));
  await clock.runAllAsync();
  await Promise.all(all);
  return woken;
}

/**
 * Bytes of heap per suspended async function waiting on a fake-timers `setTimeout` promise: `k` of them
 * are started (each runs to its first `await`), then the heap is compared after a full GC.
 */
export function fakeTimersSleeperBytes(k: number, durations: Float64Array, gc: () => void): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const clock = FakeTimers.createClock(0, k + 10);
  const all: Promise<void>[] = [];
  async function sleeper(d: number): Promise<void> {
    await new Promise<void>((resolve) => clock.setTimeout(() => resolve(), d));
  }
  for (let i = 0; i < k; i++) all.push(sleeper(durations[i % durations.length] as number));
  gc();
  const after = process.memoryUsage().heapUsed;
  if (all.length !== k || clock.countTimers() !== k) throw new Error("fake-timers sleepers were not all suspended");
  return (after - before) / k;
}

// ---------------------------------------------------------------- W4: exploration twin

/**
 * W4's fast-check twin: the 3-task lost-update program on real Promises, one `fc.scheduler()` run per
 * property run (`await s.schedule(...)` between each task's read and write). Returns the runs executed.
 */
export async function runFastCheckLostUpdate(runs: number): Promise<number> {
  let executed = 0;
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      executed++;
      const account = { balance: 0 };
      async function deposit(): Promise<void> {
        const balance = account.balance;
        await s.schedule(Promise.resolve());
        account.balance = balance + 1;
      }
      const all = Promise.all([deposit(), deposit(), deposit()]);
      await s.waitAll();
      await all;
    }),
    { numRuns: runs, seed: 1 },
  );
  return executed;
}
