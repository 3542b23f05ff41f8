/**
 * W4, exploration: runs per second of `explore` from `@simloop/check` on a 3-task lost-update program,
 * against fast-check's `fc.scheduler()` on a Promise twin of the same program.
 *
 * `@simloop/check` is loaded at run time, so this suite (and the core's typecheck) does not depend on
 * it: while it does not export `explore`, W4 prints "pending: @simloop/check not built yet".
 *
 * @module
 */
import { EventLoop, type Coroutine } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import type { Workload } from "./harness.ts";
import { runFastCheckLostUpdate } from "./peers.ts";

/** The subset of `@simloop/check`'s `explore` used here. */
export type ExploreFn = (
  program: (loop: EventLoop) => Coroutine<unknown>,
  options: Record<string, unknown>,
) => { readonly runs: number; readonly ok: boolean };

/** The message W4 prints while `explore` is missing. */
export const W4_PENDING = "pending: @simloop/check not built yet";

/**
 * The check package, imported by name so that it resolves like the rest of the bench: its built
 * package under `pnpm bench`, its sources under the `@simloop/source` condition (the smoke test). A
 * variable, so that the core's typecheck does not follow it.
 */
const CHECK_PACKAGE: string = "@simloop/check";

/** Loads `explore` from `@simloop/check`, or returns `null` if it is not there (yet). */
export async function loadExplore(): Promise<ExploreFn | null> {
  try {
    const mod = (await import(CHECK_PACKAGE)) as Record<string, unknown>;
    return typeof mod["explore"] === "function" ? (mod["explore"] as ExploreFn) : null;
  } catch {
    return null;
  }
}

/** The last balance each exploration run saw, for the smoke test. */
export const lostUpdateBalances: number[] = [];

/**
 * Three tasks each read a shared balance, sleep to the same instant (a tie the policy may reorder),
 * and write the balance back plus one. The program records the final balance instead of throwing, so
 * that every run of the budget is executed (a failing run would stop the campaign and start shrinking).
 */
function* lostUpdate(): Coroutine<void> {
  const account = { balance: 0 };
  function* deposit(): Coroutine<void> {
    const balance = account.balance;
    yield* sleep(1);
    account.balance = balance + 1;
  }
  yield* gather(deposit(), deposit(), deposit());
  if (lostUpdateBalances.length < 1000) lostUpdateBalances.push(account.balance);
}

/**
 * W4 on simloop: `explore(lostUpdate, { policy: "random", runs })` at ties only (the orders fast-check's
 * scheduler also explores for three scheduled promises: every other level pinned off, whatever
 * explore's defaults turn on), or with the interleave level as well. Returns the runs executed.
 */
export function runSimloopExplore(explore: ExploreFn, runs: number, interleave = false): number {
  const result = explore(lostUpdate, {
    policy: "random",
    runs,
    seed: 1,
    levels: { ties: true, interleave, jitter: false, faults: false, io: false },
    shrink: false,
  });
  return result.runs;
}

/** W4 at explore's defaults: `explore(lostUpdate, { runs })`, no policy and no levels given. Returns the runs executed. */
export function runSimloopExploreDefaults(explore: ExploreFn, runs: number): number {
  return explore(lostUpdate, { runs, seed: 1, shrink: false }).runs;
}

/**
 * The floor of W4: the same program run `runs` times on a fresh loop with no policy and no `explore`
 * around it (asyncio's own order, nothing recorded or checked). No exploration of the program can run
 * faster. Returns the runs executed.
 */
export function runLostUpdateAlone(runs: number): number {
  for (let i = 0; i < runs; i++) new EventLoop().runUntilComplete(lostUpdate());
  return runs;
}

/** Builds W4 around a loaded `explore`. */
export function explorationWorkload(explore: ExploreFn, quick: boolean): Workload {
  return {
    id: "W4",
    title: "exploration: runs of a 3-task lost-update program under a random schedule",
    unit: "runs",
    sizes: quick ? [200] : [20_000],
    reps: () => (quick ? 3 : 5),
    expected: (n) => n,
    systems: [
      {
        id: "simloop",
        name: "simloop explore (random, ties only)",
        role: "simloop",
        run: (n) => runSimloopExplore(explore, n),
      },
      {
        id: "simloop-defaults",
        name: "simloop explore (its defaults: no policy, no levels given)",
        role: "peer",
        run: (n) => runSimloopExploreDefaults(explore, n),
      },
      {
        id: "simloop-interleave",
        name: "simloop explore (random, ties+interleave)",
        role: "peer",
        run: (n) => runSimloopExplore(explore, n, true),
      },
      {
        id: "simloop-program",
        name: "the program alone: a fresh loop per run, no policy, no explore [floor]",
        role: "baseline",
        run: runLostUpdateAlone,
      },
      {
        id: "fast-check",
        name: "fast-check fc.scheduler (Promises)",
        role: "peer",
        run: runFastCheckLostUpdate,
        sizeFor: (n) => Math.max(10, Math.floor(n / 4)),
      },
    ],
  };
}
