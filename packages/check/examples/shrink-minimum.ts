/**
 * Measures how often shrinking reaches a bug's known minimum: for every bug of both corpora (and of the
 * original corpus with three background tickers, `noisy`, and of the races seeded around five real
 * libraries, run in async mode), 20 seeded campaigns per policy, each shrunk,
 * counting those whose shrunk schedule has exactly the bug's depth in deviations (the known minimum), the
 * runs shrinking spent, and the failures whose replay line (the report's `replay(…)` call, taken as
 * printed) fails again with the same error.
 *
 * Run: `node --conditions=@simloop/source --import tsx packages/check/examples/shrink-minimum.ts`
 * (the table in docs/check.md comes from it).
 *
 * @module
 */
import type { AsyncProgram } from "@simloop/async";
import {
  explore,
  exploreAsync,
  replay,
  replayAsync,
  type ExploreFailure,
  type PolicyName,
  type Program,
} from "../src/index.ts";
import { typeTwoTitles } from "../test/async-libraries/autosave.ts";
import { ProfileClient, renameTwice } from "../test/async-libraries/profile-save.ts";
import { TicketShop, sellLastSeat } from "../test/async-libraries/ticket-shop.ts";
import { TokenClient, refreshTwice } from "../test/async-libraries/token-refresh.ts";
import { UserCache, renameDuringRefresh } from "../test/async-libraries/user-cache.ts";
import { bugs, type BugCase } from "./bugs/index.ts";
import { nodeBugs } from "./bugs/node/index.ts";
import { noisy } from "./runs-to-find.ts";

/** What the campaigns of one policy on one bug gave. */
export interface ShrinkCount {
  /** Campaigns whose shrunk schedule has the bug's depth in deviations. */
  readonly minimal: number;
  /** Campaigns that found the bug. */
  readonly found: number;
  /** The largest deviation count left. */
  readonly worst: number;
  /** Shrinking runs spent, summed over the campaigns, and the most one campaign spent. */
  readonly shrinkRuns: number;
  readonly mostShrinkRuns: number;
  /** Campaigns whose replay line, run as printed, failed again with the same kind and message. */
  readonly replayed: number;
}

/** One row: a bug, and per policy what its campaigns gave. */
export interface ShrinkRow {
  readonly bug: string;
  readonly depth: number;
  readonly counts: Readonly<Record<string, ShrinkCount>>;
}

/** `replay(name, "schedule", { seed: N })`, optionally with `, levels: { ties: true, faults: true }`. */
const REPLAY_LINE = /^replay\(\w+, ("(?:[^"\\]|\\.)*"), \{ seed: (\d+)(?:, levels: \{ ([^}]*) \})? \}\);$/;

/**
 * Whether `failure`'s replay line, run as the report prints it (the schedule, the seed and the levels it
 * names, nothing else), fails again with the same kind and message. A line this script cannot read counts
 * as not replaying.
 *
 * @example
 * ```ts
 * replaysAsPrinted(lostUpdateBug.buggy, explore(lostUpdateBug.buggy, { runs: 100 }).failure!); // true
 * ```
 */
export function replaysAsPrinted(program: Program, failure: ExploreFailure): boolean {
  const match = REPLAY_LINE.exec(failure.replay);
  if (match === null) return false;
  const levels = Object.fromEntries(
    (match[3] ?? "")
      .split(",")
      .filter((part) => part.trim() !== "")
      .map((part) => {
        const [name, value] = part.split(":").map((word) => word.trim());
        return [name, value === "true"];
      }),
  );
  try {
    const again = replay(program, JSON.parse(match[1]!) as string, {
      seed: Number(match[2]),
      ...(match[3] === undefined ? {} : { levels }),
    });
    return again.failure?.kind === failure.kind && String(again.failure.error) === String(failure.error);
  } catch {
    return false; // it left its recording
  }
}

/** The policies whose failures are shrunk. */
export const SHRUNK_BY: readonly PolicyName[] = ["mixed", "random", "pct"];

/**
 * Runs `seeds` campaigns per policy on `program` (a bug of depth `bug.depth`, with its levels) and counts
 * the shrunk schedules at the minimum.
 *
 * @example
 * ```ts
 * measureShrink(lostUpdateBug, lostUpdateBug.buggy, "lost-update").counts["pct"]; // { minimal: 20, found: 20, worst: 1 }
 * ```
 */
export function measureShrink(bug: BugCase, program: Program, id: string, seeds = 20, budget = 2000): ShrinkRow {
  const counts: Record<string, ShrinkCount> = {};
  for (const policy of SHRUNK_BY) {
    const count = emptyCount();
    for (let seed = 1; seed <= seeds; seed++) {
      const result = explore(program, {
        policy,
        runs: budget,
        seed,
        depth: bug.depth,
        ...(bug.levels === undefined ? {} : { levels: bug.levels }),
      });
      if (!result.ok) tally(count, result.failure!, bug.depth, replaysAsPrinted(program, result.failure!));
    }
    counts[policy] = count;
  }
  return { bug: id, depth: bug.depth, counts };
}

type MutableCount = { -readonly [K in keyof ShrinkCount]: ShrinkCount[K] };

function emptyCount(): MutableCount {
  return { minimal: 0, found: 0, worst: 0, shrinkRuns: 0, mostShrinkRuns: 0, replayed: 0 };
}

function tally(count: MutableCount, failure: ExploreFailure, depth: number, replayed: boolean): void {
  count.found++;
  const deviations = failure.schedule.deviations;
  if (deviations === depth) count.minimal++;
  count.worst = Math.max(count.worst, deviations);
  count.shrinkRuns += failure.shrinkRuns;
  count.mostShrinkRuns = Math.max(count.mostShrinkRuns, failure.shrinkRuns);
  if (replayed) count.replayed++;
}

/** The timer jitter the async races are explored under: every timer up to 25 ms late. */
const ASYNC_JITTER = { absolute: 25 };

/**
 * The races seeded in user code around five real libraries (`test/async-libraries`), each with its known
 * minimum: the fewest timers that must fire late for it to fail.
 */
export const ASYNC_RACES: readonly { readonly id: string; readonly program: AsyncProgram; readonly depth: number }[] = [
  { id: "p-limit: the last seat sold twice (async)", program: () => sellLastSeat(TicketShop), depth: 1 },
  { id: "p-queue: autosaves out of order (async)", program: () => typeTwoTitles(2), depth: 1 },
  { id: "p-retry: a retry after a newer save (async)", program: () => renameTwice(ProfileClient), depth: 2 },
  { id: "async-mutex: a timed-out refresh keeps the lock (async)", program: () => refreshTwice(TokenClient), depth: 1 },
  { id: "lru-cache: a refresh stores a stale name (async)", program: () => renameDuringRefresh(UserCache), depth: 2 },
];

/** `await replayAsync(name, "schedule", { seed: N, jitter: {…} })`. */
const ASYNC_REPLAY_LINE = /^await replayAsync\(\w+, ("(?:[^"\\]|\\.)*"), \{ seed: (\d+), jitter: (\{[^}]*\}) \}\);$/;

/**
 * {@link replaysAsPrinted} for an async failure: its `await replayAsync(…)` line, run as printed (the
 * schedule, the seed and the timer jitter it names), fails again with the same kind and message.
 *
 * @example
 * ```ts
 * await replaysAsPrintedAsync(program, (await exploreAsync(program, { jitter: { absolute: 25 } })).failure!);
 * ```
 */
export async function replaysAsPrintedAsync(program: AsyncProgram, failure: ExploreFailure): Promise<boolean> {
  const match = ASYNC_REPLAY_LINE.exec(failure.replay);
  if (match === null) return false;
  try {
    const again = await replayAsync(program, JSON.parse(match[1]!) as string, {
      seed: Number(match[2]),
      jitter: JSON.parse(match[3]!) as typeof ASYNC_JITTER,
    });
    return again.failure?.kind === failure.kind && String(again.failure.error) === String(failure.error);
  } catch {
    return false; // it left its recording
  }
}

/**
 * Runs `seeds` async campaigns (`exploreAsync`, `budget` runs, every timer up to 25 ms late) per policy on
 * each of {@link ASYNC_RACES} and counts the shrunk schedules at its minimum.
 *
 * @example
 * ```ts
 * (await measureAsyncShrink(20)).filter((row) => row.counts["random"]!.minimal < 19);
 * ```
 */
export async function measureAsyncShrink(seeds = 20, budget = 500): Promise<ShrinkRow[]> {
  const rows: ShrinkRow[] = [];
  for (const race of ASYNC_RACES) {
    const counts: Record<string, ShrinkCount> = {};
    for (const policy of SHRUNK_BY) {
      const count = emptyCount();
      for (let seed = 1; seed <= seeds; seed++) {
        const result = await exploreAsync(race.program, {
          policy,
          runs: budget,
          seed,
          depth: race.depth,
          jitter: ASYNC_JITTER,
        });
        if (result.ok) continue;
        tally(count, result.failure!, race.depth, await replaysAsPrintedAsync(race.program, result.failure!));
      }
      counts[policy] = count;
    }
    rows.push({ bug: race.id, depth: race.depth, counts });
  }
  return rows;
}

/**
 * Every synchronous row: the original corpus, the same with three tickers, and the corpus modelled on
 * Node.js issues ({@link measureAsyncShrink} adds the async races).
 *
 * @example
 * ```ts
 * measureAll(20).filter((row) => row.counts["pct"]!.minimal < 19);
 * ```
 */
export function measureAll(seeds = 20): ShrinkRow[] {
  return [
    ...bugs.map((bug) => measureShrink(bug, bug.buggy, bug.id, seeds)),
    ...bugs.map((bug) => measureShrink(bug, noisy(bug.buggy, 3), `${bug.id} + 3 tickers`, seeds)),
    ...nodeBugs.map((bug) => measureShrink(bug, bug.buggy, bug.id, seeds)),
  ];
}

/**
 * The rows as a Markdown table: per policy, campaigns shrunk to the minimum / campaigns that found the
 * bug (the most deviations left), and the shrinking runs per campaign (mean, and the most).
 *
 * @example
 * ```ts
 * formatShrinkTable(measureAll());
 * ```
 */
export function formatShrinkTable(rows: readonly ShrinkRow[]): string {
  const lines = [
    `| bug | minimum | ${SHRUNK_BY.map((p) => `${p}: at minimum / found (most left) | ${p}: shrink runs, mean (most)`).join(" | ")} |`,
    `|---|---:|${SHRUNK_BY.map(() => "---:|---:").join("|")}|`,
  ];
  for (const row of rows) {
    const cells = SHRUNK_BY.map((p) => {
      const c = row.counts[p]!;
      const mean = c.found === 0 ? "-" : (c.shrinkRuns / c.found).toFixed(1);
      return `${c.minimal}/${c.found} (${c.worst}) | ${mean} (${c.mostShrinkRuns})`;
    });
    lines.push(`| ${row.bug} | ${row.depth} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  const rows = [...measureAll(), ...(await measureAsyncShrink())];
  process.stdout.write(`${formatShrinkTable(rows)}\n`);
  const short = rows.filter((row) => SHRUNK_BY.some((p) => row.counts[p]!.minimal < 19));
  process.stdout.write(
    short.length === 0 ? "every bug: >= 19 of 20\n" : `below 19 of 20: ${short.map((r) => r.bug).join(", ")}\n`,
  );
  const counts = rows.flatMap((row) => SHRUNK_BY.map((p) => row.counts[p]!));
  const sum = (key: "found" | "shrinkRuns" | "replayed") => counts.reduce((total, c) => total + c[key], 0);
  process.stdout.write(
    `shrink runs: ${sum("shrinkRuns")} over ${sum("found")} campaigns; replay lines failing again the same way: ${sum("replayed")} of ${sum("found")}\n`,
  );
}
