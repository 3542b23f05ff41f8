/**
 * Checks what `explore` does with no option but the run budget, on both corpora (the project's bugs and
 * the corpus modelled on Node.js issues):
 *
 * - every bug is found: `explore(bug.buggy, { runs: 2000, seed })` fails for seeds 1…20;
 * - no false alarm: `explore(bug.fixed, { runs: 1000 })` passes every twin;
 * - the median runs-to-find over those 20 seeds is no worse than fast-check's `fc.scheduler` on the
 *   Promise version of the same bug (`fc.check` with seeds 1…20, `numRuns: 2000`, `endOnFailure`).
 *
 * It prints one row per bug and a verdict, and exits with code 1 when a check fails, so anyone can
 * re-run it after changing a default:
 *
 * `node --conditions=@simloop/source --import tsx packages/check/examples/defaults-check.ts`
 *
 * (`--seeds n` and `--budget n` change the 20 seeds and the 2000-run budget; a few minutes.)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { explore } from "../src/index.ts";
import { bugs, type BugCase } from "./bugs/index.ts";
import { nodeBugs } from "./bugs/node/index.ts";
import { nodePromiseTwins } from "./node-promise-twins.ts";
import { promiseTwins, type PromiseTwin } from "./promise-twins.ts";
import { measureSchedulerRunsToFind, median } from "./runs-to-find.ts";

/** One bug's figures: the defaults' runs-to-find per seed, fc.scheduler's median, the twin's campaign. */
export interface DefaultsRow {
  readonly bug: string;
  /** Runs to find per seed (Infinity: not found within the budget). */
  readonly runs: readonly number[];
  readonly median: number;
  /** fc.scheduler's median on the Promise version (Infinity: not found). */
  readonly scheduler: number;
  /** Whether `explore(bug.fixed, { runs: twinRuns })` passed, and the runs it made. */
  readonly twinPassed: boolean;
  readonly twinRuns: number;
}

/**
 * Measures {@link DefaultsRow} for every bug of `corpus`, against the Promise versions `twins`.
 *
 * @example
 * ```ts
 * const rows = await measureDefaults(bugs, promiseTwins, 20, 2000, 1000);
 * rows.every((row) => row.twinPassed);
 * ```
 */
export async function measureDefaults(
  corpus: readonly BugCase[],
  twins: readonly PromiseTwin[],
  seeds = 20,
  budget = 2000,
  twinRuns = 1000,
): Promise<DefaultsRow[]> {
  const scheduler = await measureSchedulerRunsToFind(seeds, budget, 0, twins);
  return corpus.map((bug) => {
    const runs: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const result = explore(bug.buggy, { runs: budget, seed, shrink: false });
      runs.push(result.ok ? Infinity : result.runs);
    }
    const twin = explore(bug.fixed, { runs: twinRuns, shrink: false });
    return {
      bug: bug.id,
      runs,
      median: median(runs),
      scheduler: scheduler[bug.id] ?? Infinity,
      twinPassed: twin.ok,
      twinRuns: twin.runs,
    };
  });
}

/** The failed checks of `rows` (empty when every bug is found, every twin passes and no median is worse). */
export function failedChecks(rows: readonly DefaultsRow[]): string[] {
  const failed: string[] = [];
  for (const row of rows) {
    const missed = row.runs.filter((n) => n === Infinity).length;
    if (missed > 0) failed.push(`${row.bug}: not found on ${missed} of ${row.runs.length} seeds`);
    if (!row.twinPassed) failed.push(`${row.bug}: the fixed twin failed (run ${row.twinRuns})`);
    if (row.median > row.scheduler) failed.push(`${row.bug}: median ${row.median} > fc.scheduler's ${row.scheduler}`);
  }
  return failed;
}

/** The rows as a Markdown table. */
function formatRows(rows: readonly DefaultsRow[]): string {
  const show = (n: number): string => (n === Infinity ? "not found" : String(n));
  const lines = [
    "| bug | defaults: median | worst seed | fc.scheduler: median | fixed twin |",
    "|---|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const twin = row.twinPassed ? `passes ${row.twinRuns} runs` : `FAILS at run ${row.twinRuns}`;
    lines.push(
      `| ${row.bug} | ${show(row.median)} | ${show(Math.max(...row.runs))} | ${show(row.scheduler)} | ${twin} |`,
    );
  }
  return lines.join("\n");
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  const { values } = parseArgs({ options: { seeds: { type: "string" }, budget: { type: "string" } } });
  const seeds = Number(values.seeds ?? 20);
  const budget = Number(values.budget ?? 2000);
  const project = await measureDefaults(bugs, promiseTwins, seeds, budget);
  const node = await measureDefaults(nodeBugs, nodePromiseTwins, seeds, budget);
  process.stdout.write(
    `explore(program, { runs: ${budget}, seed }) with no other option, seeds 1-${seeds}; twins: explore(fixed, { runs: 1000 }).\n\n` +
      `The project's corpus:\n\n${formatRows(project)}\n\nModelled on Node.js issues:\n\n${formatRows(node)}\n\n`,
  );
  const failed = failedChecks([...project, ...node]);
  process.stdout.write(
    failed.length === 0 ? "All checks pass.\n" : `FAILED:\n${failed.map((f) => `- ${f}`).join("\n")}\n`,
  );
  process.exitCode = failed.length === 0 ? 0 : 1;
}
