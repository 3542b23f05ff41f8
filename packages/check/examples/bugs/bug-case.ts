/**
 * The shape of a corpus entry: a small realistic program with a concurrency bug, its correct twin, and
 * what it takes to find the bug.
 *
 * @module
 */
import type { ExploreOptions, LevelOptions, PolicyName, Program } from "../../src/index.ts";

/** A bug of the corpus. */
export interface BugCase {
  /** A short identifier, such as `lost-update`. */
  readonly id: string;
  /** One sentence: what goes wrong, under which ordering. */
  readonly summary: string;
  /** The program with the bug (passes under asyncio's FIFO order). */
  readonly buggy: Program;
  /** The fixed twin (passes under every schedule). */
  readonly fixed: Program;
  /** The failure kind the buggy program ends with. */
  readonly kind: "error" | "deadlock" | "invariant";
  /** The deviations of a minimal failing schedule (the bug's depth). */
  readonly depth: number;
  /** The levels needed to find it. Default ties only. */
  readonly levels?: LevelOptions;
  /**
   * Where the bug comes from, for the corpus modelled on real issues: `owner/repo#number` of the issue or
   * pull request it is modelled on, then of the fix its twin follows when that is another thread.
   */
  readonly source?: string;
  /** The policies meant to find it, with the run budget each gets in the tests. */
  readonly budgets: Readonly<Partial<Record<PolicyName, number>>>;
}

/**
 * The options of an `explore` campaign hunting `bug` with `policy`: the bug's depth and levels, `runs`
 * runs from `seed`, no shrinking (what runs-to-find measures: the docs' table and the benchmark).
 *
 * @example
 * ```ts
 * explore(bug.buggy, huntOptions(bug, "pct", 1, 1000)).runs;
 * ```
 */
export function huntOptions(bug: BugCase, policy: PolicyName, seed: number, runs: number): ExploreOptions {
  return {
    policy,
    runs,
    seed,
    depth: bug.depth,
    shrink: false,
    ...(bug.levels === undefined ? {} : { levels: bug.levels }),
  };
}
