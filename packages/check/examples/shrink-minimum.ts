/**
 * Measures how often shrinking reaches a bug's known minimum: for every bug of both corpora (and of the
 * original corpus with three background tickers, `noisy`), 20 seeded campaigns per policy, each shrunk,
 * counting those whose shrunk schedule has exactly the bug's depth in deviations (the known minimum), the
 * runs shrinking spent, and the failures whose replay line (the report's `replay(…)` call, taken as
 * printed) fails again with the same error.
 *
 * Run: `node --conditions=@simloop/source --import tsx packages/check/examples/shrink-minimum.ts`
 * (the table in docs/check.md comes from it).
 *
 * @module
 */
import { explore, replay, type ExploreFailure, type PolicyName, type Program } from "../src/index.ts";
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
export const SHRUNK_BY: readonly PolicyName[] = ["random", "pct"];

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
    const count = { minimal: 0, found: 0, worst: 0, shrinkRuns: 0, mostShrinkRuns: 0, replayed: 0 };
    for (let seed = 1; seed <= seeds; seed++) {
      const result = explore(program, {
        policy,
        runs: budget,
        seed,
        depth: bug.depth,
        ...(bug.levels === undefined ? {} : { levels: bug.levels }),
      });
      if (result.ok) continue;
      count.found++;
      const failure = result.failure!;
      const deviations = failure.schedule.deviations;
      if (deviations === bug.depth) count.minimal++;
      count.worst = Math.max(count.worst, deviations);
      count.shrinkRuns += failure.shrinkRuns;
      count.mostShrinkRuns = Math.max(count.mostShrinkRuns, failure.shrinkRuns);
      if (replaysAsPrinted(program, failure)) count.replayed++;
    }
    counts[policy] = count;
  }
  return { bug: id, depth: bug.depth, counts };
}

/**
 * Every row: the original corpus, the same with three tickers, and the corpus modelled on Node.js issues.
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
  const rows = measureAll();
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
