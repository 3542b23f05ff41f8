/**
 * W6, exploring async code: runs per second of fast-check exploring the lost-update Promise twin of the
 * corpus (`packages/check/examples/promise-twins.ts`, copied here so the benchmark needs no examples)
 * through simloop's drop-in scheduler (`simloopScheduler()`), against `fc.scheduler()` on the same code:
 * `fc.check(fc.asyncProperty(scheduler, twin), { numRuns, seed })`, only the scheduler differs.
 *
 * What bounds the drop-in: each run drives a fresh loop in async mode, so every virtual callback (each
 * release of a scheduled promise, the twin's `setImmediate`, the idle check) costs a real macrotask (a
 * `MessageChannel` round trip), where `fc.scheduler()` releases from microtasks; and each run records its
 * decisions (the schedule fast-check would shrink). `fc.scheduler()` pays instead 50 microtask ticks per
 * release and a real `setImmediate` per settle round of the twin.
 *
 * `@simloop/check` is loaded at run time (as W4 does), so the suite still runs while it is not built.
 *
 * @module
 */
import fc from "fast-check";
import { MessageChannel as RealMessageChannel } from "node:worker_threads";
import type { Workload } from "./harness.ts";

/** The real clock, captured before any virtual global is installed: the harness times with it. */
const realPerformanceNow = globalThis.performance.now;

/** One real macrotask (a `MessageChannel` round trip; `setImmediate` may be the virtual one). */
function realMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new RealMessageChannel();
    port1.once("message", () => {
      port1.close();
      resolve();
    });
    port2.postMessage(null);
  });
}

/** The id `--only` selects W6 with. */
export const W6_ID = "W6";

/** The message W6 prints while `simloopScheduler` is missing. */
export const W6_PENDING = "pending: @simloop/check has no simloopScheduler yet (or is not built)";

/** `simloopScheduler` as the benchmark uses it. */
export type SimloopSchedulerFn = () => fc.Arbitrary<fc.Scheduler>;

const CHECK_PACKAGE: string = "@simloop/check";

/** Loads `simloopScheduler` from `@simloop/check`, or returns `null` if it is not there. */
export async function loadSimloopScheduler(): Promise<SimloopSchedulerFn | null> {
  try {
    const mod = (await import(CHECK_PACKAGE)) as Record<string, unknown>;
    return typeof mod["simloopScheduler"] === "function" ? (mod["simloopScheduler"] as SimloopSchedulerFn) : null;
  } catch {
    return null;
  }
}

/** The final balances the runs saw, for the smoke test (130 when no update was lost). */
export const dropInBalances: number[] = [];

/** The twin's `settle`: lets the scheduler release everything, then a macrotask turn, while tasks remain. */
async function settle<T>(s: fc.Scheduler, program: Promise<T>): Promise<T> {
  do {
    await s.waitIdle();
    await new Promise<void>((resolve) => setImmediate(resolve));
  } while (s.count() > 0);
  return program;
}

/**
 * The lost-update Promise twin (two deposits, the second arriving later, each reading the balance and
 * writing it back after a scheduled confirmation), recording the balance instead of throwing so that
 * every run of the budget executes.
 */
async function lostUpdate(s: fc.Scheduler): Promise<void> {
  const account = { balance: 100 };
  const deposit = async (amount: number, arrival: boolean): Promise<void> => {
    if (arrival) await s.schedule(Promise.resolve(), "deposit arrives (1 s)");
    const read = account.balance;
    await s.schedule(Promise.resolve(), `ledger confirms ${amount} (1 s)`);
    account.balance = read + amount;
  };
  await settle(s, Promise.all([deposit(10, false), deposit(20, true)]));
  if (dropInBalances.length < 1000) dropInBalances.push(account.balance);
}

/** Runs the twin `runs` times under fast-check with the given scheduler arbitrary; returns the runs executed. */
export async function runTwin(scheduler: fc.Arbitrary<fc.Scheduler>, runs: number): Promise<number> {
  let executed = 0;
  await fc.assert(
    fc.asyncProperty(scheduler, async (s) => {
      executed++;
      await lostUpdate(s);
    }),
    { numRuns: runs, seed: 1 },
  );
  // The drop-in restores the globals a real macrotask after its loop ran out of work: the harness's
  // clock must be the real one again before it reads it.
  for (let i = 0; i < 10 && globalThis.performance.now !== realPerformanceNow; i++) await realMacrotask();
  return executed;
}

/** Builds W6 around a loaded `simloopScheduler`. */
export function dropInWorkload(simloopScheduler: SimloopSchedulerFn, quick: boolean): Workload {
  return {
    id: W6_ID,
    title: "exploring async code: runs of the lost-update Promise twin under fast-check, by scheduler",
    unit: "runs",
    sizes: quick ? [200] : [5_000],
    reps: () => (quick ? 3 : 5),
    expected: (n) => n,
    systems: [
      {
        id: "simloop",
        name: "simloopScheduler() (simloop's loop, virtual time, recorded schedule)",
        role: "simloop",
        run: (n) => runTwin(simloopScheduler(), n),
      },
      {
        id: "fast-check",
        name: "fc.scheduler()",
        role: "peer",
        run: (n) => runTwin(fc.scheduler(), n),
      },
    ],
  };
}
