/**
 * Measures the runs `exhaustive` needs to cover each correct twin's space, without and with its
 * partial-order reduction (`reduce`), and with the reduction told that the program's shared state is
 * tracked (`sharedState: "tracked"`) for the programs that keep that promise: the corpus twins share
 * plain objects, so for them the promise would be false and the column says so; the `tracked`
 * programs below keep their shared state in stores and primitives.
 *
 * Run: `node --conditions=@simloop/source --import tsx packages/check/examples/reduction-table.ts`
 * (the table in docs/check.md comes from it).
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { gather, Lock, Queue, sleep } from "@simloop/coroutines";
import { createStore, exhaustive, explore, type ExhaustiveOptions, type Program } from "../src/index.ts";
import { bugs } from "./bugs/index.ts";
import { nodeBugs } from "./bugs/node/index.ts";

/** One row: a program and the runs each configuration needed (`null`: not applicable). */
export interface ReductionRow {
  readonly program: string;
  /** Without reduction. */
  readonly full: Coverage;
  /** With `reduce` (shared state untracked: the default, sound for any program). */
  readonly reduced: Coverage;
  /** With `reduce` and `sharedState: "tracked"`, for the programs that keep that promise. */
  readonly tracked: Coverage | null;
}

/** The runs a campaign took, and whether it covered its space. */
export interface Coverage {
  readonly runs: number;
  readonly complete: boolean;
  /** Whether the run budget ran out before the space was covered. */
  readonly outOfBudget: boolean;
}

const BUDGET = 200_000;

function measure(program: Program, options: ExhaustiveOptions): Coverage {
  const result = explore(program, { policy: exhaustive({ runs: BUDGET, ...options }), runs: BUDGET, shrink: false });
  if (!result.ok) throw new Error(`${program.name}: a correct twin failed under exhaustive`);
  return {
    runs: result.runs,
    complete: result.coverage.complete === true,
    outOfBudget: result.coverage.summary.includes("NOT covered (run budget"),
  };
}

function* ticker(ticks: number) {
  for (let i = 0; i < ticks; i++) yield* sleep(1);
}

/** The lost-update twin with its balance in a store, and two heartbeat tasks ticking beside it. */
const storeDepositsLocked: Program = function* storeDepositsLocked(loop: EventLoop) {
  const account = createStore(loop, { balance: 100 });
  const lock = new Lock();
  function* deposit(amount: number, arrival: number) {
    if (arrival > 0) yield* sleep(arrival);
    yield* lock.with(function* () {
      const read = account.get().balance;
      yield* sleep(1);
      account.update((s) => {
        s.balance = read + amount;
      });
    });
  }
  yield* gather(deposit(10, 0), deposit(20, 1), ticker(3), ticker(3));
  if (account.get().balance !== 130) throw new Error(`lost update: ${account.get().balance}`);
};

/** Two producers and two consumers on a queue, each pair at its own pace, with a heartbeat. */
const queuePipeline: Program = function* queuePipeline() {
  const queue = new Queue<number>();
  function* producer(base: number) {
    for (let i = 0; i < 2; i++) {
      yield* sleep(1);
      queue.putNowait(base + i);
    }
  }
  function* consumer() {
    let sum = 0;
    for (let i = 0; i < 2; i++) sum += yield* queue.get();
    return sum;
  }
  const sums = yield* gather(producer(0), producer(10), consumer(), consumer(), ticker(3));
  if ((sums[2] as number) + (sums[3] as number) !== 22) throw new Error("an item was lost");
};

/** Three tasks that only tick (a crowd of heartbeats). */
const threeTickers: Program = function* threeTickers() {
  yield* gather(ticker(3), ticker(3), ticker(3));
};

/**
 * Per-user counters, each in its own store, updated by that user's two sessions: the two sessions of a
 * user touch the same store, so every tie mixes dependent and independent steps.
 */
const perUserCounters: Program = function* perUserCounters(loop: EventLoop) {
  const users = ["ana", "bo"].map((name) => createStore(loop, { visits: 0 }, { name }));
  function* session(user: (typeof users)[number]) {
    yield* sleep(1);
    user.update((s) => {
      s.visits += 1;
    });
    yield* sleep(1);
  }
  yield* gather(...users.flatMap((user) => [session(user), session(user)]));
  for (const user of users) if (user.get().visits !== 2) throw new Error(`${user.name} lost a visit`);
};

/** The programs whose shared state lives in stores and primitives: they may declare it tracked. */
export const trackedPrograms: readonly Program[] = [threeTickers, storeDepositsLocked, queuePipeline, perUserCounters];

/**
 * The table's rows: every correct twin of the corpus (`./bugs`, `./bugs/node`), then the tracked programs.
 *
 * @example
 * ```ts
 * measureReduction().map((row) => [row.program, row.full.runs, row.reduced.runs]);
 * ```
 */
export function measureReduction(): ReductionRow[] {
  const rows: ReductionRow[] = [];
  for (const bug of [...bugs, ...nodeBugs]) {
    const levels = bug.levels === undefined ? {} : { levels: bug.levels };
    rows.push({
      program: `${bug.id} (fixed)`,
      full: measure(bug.fixed, levels),
      reduced: measure(bug.fixed, { ...levels, reduce: true }),
      tracked: null,
    });
  }
  for (const program of trackedPrograms) {
    rows.push({
      program: program.name,
      full: measure(program, {}),
      reduced: measure(program, { reduce: true }),
      tracked: measure(program, { reduce: true, sharedState: "tracked" }),
    });
  }
  return rows;
}

function cell(coverage: Coverage | null): string {
  if (coverage === null) return "n/a (shares plain objects)";
  if (coverage.complete) return String(coverage.runs);
  return coverage.outOfBudget ? `> ${coverage.runs} (budget spent)` : `${coverage.runs} (jitter at its bounds only)`;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  process.stdout.write(
    '| correct program | exhaustive | `reduce` | `reduce`, `sharedState: "tracked"` |\n|---|---:|---:|---:|\n',
  );
  for (const row of measureReduction()) {
    process.stdout.write(`| ${row.program} | ${cell(row.full)} | ${cell(row.reduced)} | ${cell(row.tracked)} |\n`);
  }
}
