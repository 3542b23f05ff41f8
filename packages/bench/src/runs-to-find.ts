/**
 * W4f, runs to find: how many runs, and how much wall time, simloop's `explore` (policies random, pct
 * and exhaustive) and fast-check's `fc.scheduler()` (on the bug's Promise twin) take to find the
 * corpus's lost-update bug, over seeds 1…20 (1…3 with `--quick`) with a budget of 1000 runs each.
 *
 * - simloop: `explore(bug.buggy, huntOptions(bug, policy, seed, runs))` (the corpus's options: the bug's depth
 *   and levels, no shrinking);
 *   runs-to-find is `result.runs` when `!result.ok`.
 * - fast-check: `fc.check(fc.asyncProperty(fc.scheduler(), twin.buggy), { seed, numRuns, endOnFailure })`;
 *   runs-to-find is `result.numRuns` (which includes the failing run) when `result.failed`.
 *
 * Both count like `packages/check/examples/runs-to-find.ts` (the docs' table), whose helpers keep only
 * medians and no time: this module measures per seed, timing each whole call, so it has its own loop.
 *
 * The bug and its twin are loaded at run time from `packages/check/examples/`, like `explore` (see
 * {@link loadExplore}), so the core's bench and typecheck do not depend on `@simloop/check`.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import type { Coroutine, EventLoop } from "@simloop/core";
import { loadExplore, type ExploreFn } from "./exploration.ts";
import { collectGarbage } from "./harness.ts";
import { summarize, type Summary } from "./stats.ts";

/** The id `--only` selects this section by. */
export const W4F_ID = "W4f";

/** The corpus bug measured. */
export const W4F_BUG = "lost-update";

/** The message W4f prints while `explore`, the corpus bug or its Promise twin is missing. */
export const W4F_PENDING: string = `pending: @simloop/check's explore, the ${W4F_BUG} corpus bug or its Promise twin is not there yet`;

/** The run budget of every campaign. */
export const W4F_BUDGET = 1000;

/** The subset of a corpus entry (`packages/check/examples/bugs/bug-case.ts`) used here. */
export interface CorpusBug {
  readonly id: string;
  readonly buggy: (loop: EventLoop) => Coroutine<unknown>;
  /** The deviations of a minimal failing schedule. */
  readonly depth: number;
  /** The levels needed to find it (explore's default when absent). */
  readonly levels?: Readonly<Record<string, unknown>>;
}

/** The subset of a Promise twin (`packages/check/examples/promise-twins.ts`) used here. */
export interface PromiseTwinLike {
  readonly id: string;
  readonly buggy: (s: fc.Scheduler) => Promise<void>;
}

/** What W4f measures: `explore`, the corpus bug, and its Promise twin. */
export interface RunsToFindSubject {
  readonly explore: ExploreFn;
  readonly bug: CorpusBug;
  readonly twin: PromiseTwinLike;
  /** The corpus's `huntOptions`: the options of a campaign hunting `bug` (its depth and levels, no shrinking). */
  readonly huntOptions: (bug: CorpusBug, policy: string, seed: number, runs: number) => Record<string, unknown>;
}

const BUGS_URL = new URL("../../check/examples/bugs/index.ts", import.meta.url);
const TWINS_URL = new URL("../../check/examples/promise-twins.ts", import.meta.url);

function findById<T>(list: unknown, id: string): T | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.find((entry: unknown) => (entry as { id?: unknown } | null)?.id === id) as T | undefined;
}

/**
 * Loads `explore`, the lost-update corpus bug (`bugs` of `packages/check/examples/bugs/index.ts`) and
 * its Promise twin (`promiseTwins` of `packages/check/examples/promise-twins.ts`); `null` if one of them
 * is not there (yet). A module that exists but fails to load throws: that is a bug, not "pending".
 */
export async function loadRunsToFindSubject(): Promise<RunsToFindSubject | null> {
  const explore = await loadExplore();
  if (explore === null || !existsSync(fileURLToPath(BUGS_URL)) || !existsSync(fileURLToPath(TWINS_URL))) return null;
  const bugsModule = (await import(BUGS_URL.href)) as Record<string, unknown>;
  const twinsModule = (await import(TWINS_URL.href)) as Record<string, unknown>;
  const bug = findById<CorpusBug>(bugsModule["bugs"], W4F_BUG);
  const twin = findById<PromiseTwinLike>(twinsModule["promiseTwins"], W4F_BUG);
  const huntOptions = bugsModule["huntOptions"];
  if (bug === undefined || twin === undefined || typeof huntOptions !== "function") return null;
  return { explore, bug, twin, huntOptions: huntOptions as RunsToFindSubject["huntOptions"] };
}

/** The simloop policies measured. */
export const W4F_POLICIES: readonly string[] = ["random", "pct", "exhaustive"];

/** The seeds of a run: 20, or 3 with `--quick`. */
export function runsToFindSeeds(quick: boolean): number {
  return quick ? 3 : 20;
}

/** One campaign: its seed, the runs it took to find the bug (`null`: not found within the budget), its wall time. */
export interface SeedOutcome {
  readonly seed: number;
  readonly runs: number | null;
  /** Milliseconds of the whole call (`performance.now()` around it). */
  readonly ms: number;
}

/** Everything measured for one system. */
export interface FinderResult {
  /** `random`, `pct`, `exhaustive` or `fc.scheduler`. */
  readonly id: string;
  /** A readable name for tables. */
  readonly name: string;
  readonly role: "simloop" | "peer";
  /** One outcome per seed, in seed order. */
  readonly outcomes: readonly SeedOutcome[];
  /** The seeds on which it found the bug. */
  readonly found: number;
  /** Runs-to-find over the seeds it found the bug on; `null` if it never did. */
  readonly runs: Summary | null;
  /** Wall ms of the calls that found the bug; `null` if none did. */
  readonly ms: Summary | null;
  /**
   * For a simloop system: fc.scheduler's runs-to-find ÷ this system's, per seed on which both found the
   * bug, summarised (`null` for fc.scheduler itself, or when no seed qualifies).
   */
  readonly runsRatio: Summary | null;
  /** The same for wall time: fc.scheduler's ms ÷ this system's, per seed. */
  readonly msRatio: Summary | null;
}

/** W4f's measurements. */
export interface RunsToFindResult {
  readonly id: string;
  readonly bug: string;
  readonly depth: number;
  /** The bug's own levels, passed to `explore` (`null`: explore's default, ties). */
  readonly levels: Readonly<Record<string, unknown>> | null;
  readonly budget: number;
  readonly seeds: number;
  /** Untimed calls per system before the timed ones. */
  readonly warmup: number;
  readonly finders: readonly FinderResult[];
}

/** Options of {@link measureRunsToFind}. */
export interface RunsToFindOptions {
  /** Seeds 1…`seeds`. */
  readonly seeds: number;
  /** Runs per campaign. Default {@link W4F_BUDGET}. */
  readonly budget?: number;
  /** Untimed calls of each system (on seeds 1001, 1002, …) before the timed ones. Default 30. */
  readonly warmup?: number;
  /** Called with a line of progress (to stderr, say). */
  readonly progress?: (line: string) => void;
}

interface Finder {
  readonly id: string;
  readonly name: string;
  readonly role: "simloop" | "peer";
  /** Runs one campaign; returns its runs-to-find, or `null` when it did not find the bug. */
  readonly find: (seed: number) => number | null | Promise<number | null>;
}

function finders(subject: RunsToFindSubject, budget: number): Finder[] {
  const { explore, bug, twin } = subject;
  const out: Finder[] = W4F_POLICIES.map((policy) => ({
    id: policy,
    name: `simloop explore (${policy})`,
    role: "simloop",
    find: (seed: number): number | null => {
      const result = explore(bug.buggy, subject.huntOptions(bug, policy, seed, budget));
      return result.ok ? null : result.runs;
    },
  }));
  const property = fc.asyncProperty(fc.scheduler(), twin.buggy);
  out.push({
    id: "fc.scheduler",
    name: "fast-check fc.scheduler (Promise twin)",
    role: "peer",
    find: async (seed: number): Promise<number | null> => {
      const result = await fc.check(property, { seed, numRuns: budget, endOnFailure: true });
      return result.failed ? result.numRuns : null;
    },
  });
  return out;
}

async function timedFind(finder: Finder, seed: number): Promise<SeedOutcome> {
  const start = performance.now();
  let runs = finder.find(seed);
  if (runs instanceof Promise) runs = await runs;
  return { seed, runs, ms: performance.now() - start };
}

function summaryOf(values: readonly number[]): Summary | null {
  return values.length === 0 ? null : summarize(values);
}

function ratios(peer: readonly SeedOutcome[], own: readonly SeedOutcome[], key: "runs" | "ms"): Summary | null {
  const out: number[] = [];
  for (let i = 0; i < Math.min(peer.length, own.length); i++) {
    const a = peer[i] as SeedOutcome;
    const b = own[i] as SeedOutcome;
    if (a.runs !== null && b.runs !== null) out.push((a[key] as number) / (b[key] as number));
  }
  return summaryOf(out);
}

/**
 * Measures W4f: for each seed, every system runs one campaign (the order rotates with the seed, as the
 * harness rotates systems per repetition), after `warmup` untimed campaigns each and one forced GC. No
 * GC is forced between timed calls: a call takes well under a millisecond to a few, and right after a
 * full GC the next calls pay for growing the heap again (see the harness).
 */
export async function measureRunsToFind(
  subject: RunsToFindSubject,
  options: RunsToFindOptions,
): Promise<RunsToFindResult> {
  const budget = options.budget ?? W4F_BUDGET;
  const warmup = options.warmup ?? 30;
  const list = finders(subject, budget);
  collectGarbage();
  for (const finder of list) for (let k = 0; k < warmup; k++) await finder.find(1001 + k);
  const outcomes: SeedOutcome[][] = list.map(() => []);
  for (let seed = 1; seed <= options.seeds; seed++) {
    for (let k = 0; k < list.length; k++) {
      const i = (k + seed) % list.length;
      (outcomes[i] as SeedOutcome[]).push(await timedFind(list[i] as Finder, seed));
    }
    options.progress?.(`${W4F_ID} seed ${seed}/${options.seeds}`);
  }
  const peer = outcomes[list.findIndex((f) => f.role === "peer")] as SeedOutcome[];
  const results = list.map((finder, i): FinderResult => {
    const own = outcomes[i] as SeedOutcome[];
    const hits = own.filter((o) => o.runs !== null);
    return {
      id: finder.id,
      name: finder.name,
      role: finder.role,
      outcomes: own,
      found: hits.length,
      runs: summaryOf(hits.map((o) => o.runs as number)),
      ms: summaryOf(hits.map((o) => o.ms)),
      runsRatio: finder.role === "peer" ? null : ratios(peer, own, "runs"),
      msRatio: finder.role === "peer" ? null : ratios(peer, own, "ms"),
    };
  });
  return {
    id: W4F_ID,
    bug: subject.bug.id,
    depth: subject.bug.depth,
    levels: subject.bug.levels ?? null,
    budget,
    seeds: options.seeds,
    warmup,
    finders: results,
  };
}
