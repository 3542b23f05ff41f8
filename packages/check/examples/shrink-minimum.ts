/**
 * Measures how often shrinking reaches a bug's known minimum: for every bug of both corpora (and of the
 * original corpus with three background tickers, `noisy`), 20 seeded campaigns per policy, each shrunk,
 * counting those whose shrunk schedule has exactly the bug's depth in deviations (the known minimum).
 *
 * Run: `node --conditions=@simloop/source --import tsx packages/check/examples/shrink-minimum.ts`
 * (the table in docs/check.md comes from it).
 *
 * @module
 */
import { explore, type PolicyName, type Program } from "../src/index.ts";
import { bugs, type BugCase } from "./bugs/index.ts";
import { nodeBugs } from "./bugs/node/index.ts";
import { noisy } from "./runs-to-find.ts";

/** One row: a bug, and per policy how many of the campaigns that found it shrank to its depth. */
export interface ShrinkRow {
  readonly bug: string;
  readonly depth: number;
  /** Per policy: `[at the minimum, found]`, and the largest deviation count left. */
  readonly counts: Readonly<
    Record<string, { readonly minimal: number; readonly found: number; readonly worst: number }>
  >;
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
  const counts: Record<string, { minimal: number; found: number; worst: number }> = {};
  for (const policy of SHRUNK_BY) {
    const count = { minimal: 0, found: 0, worst: 0 };
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
      const deviations = result.failure!.schedule.deviations;
      if (deviations === bug.depth) count.minimal++;
      count.worst = Math.max(count.worst, deviations);
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
 * bug, and the most deviations left.
 *
 * @example
 * ```ts
 * formatShrinkTable(measureAll());
 * ```
 */
export function formatShrinkTable(rows: readonly ShrinkRow[]): string {
  const lines = [
    `| bug | minimum | ${SHRUNK_BY.map((p) => `${p}: at minimum / found (most left)`).join(" | ")} |`,
    `|---|---:|${SHRUNK_BY.map(() => "---:").join("|")}|`,
  ];
  for (const row of rows) {
    const cells = SHRUNK_BY.map((p) => {
      const c = row.counts[p]!;
      return `${c.minimal}/${c.found} (${c.worst})`;
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
}
