/**
 * The determinism self-check on passing runs: `explore` re-runs a sample of its passing runs (runs
 * 0, 1, 3, 7, 15, … of the campaign: about log2 of the runs, so the cost stays a rounding error)
 * with the same loop seed and the same answers, the usual sources of nondeterminism watched. A run
 * that called one of them, or that took another course when re-run (state kept between runs), is
 * not a pure function of (program, seed, schedule): its failures would not replay.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import type { TraceDifference } from "../determinism.ts";
import type { RecordingPolicy } from "../exploration-policy.ts";
import type { ExploreWarning } from "../explore-options.ts";
import type { RunOptions } from "../run-program.ts";
import type { Decision } from "../schedule.ts";
import { run as runRequest, type Runs } from "./runs.ts";
import { verbatim } from "./verbatim.ts";

/** What to use instead of the culprits, for a generator program and for an async one. */
const ADVICE = {
  generator: "use loop.random, loop.time() and the loop's timers and futures instead",
  async:
    "real timers and I/O run outside virtual time and randomness is unseeded: call the timers through the globals (not a reference taken before install), fake the I/O (loop.deliver), and install with random: true",
} as const;

/** @internal Whether the campaign's `index`-th run (0-based) is sampled: 0, 1, 3, 7, 15, … */
export function sampled(index: number): boolean {
  return (index & (index + 1)) === 0;
}

function text(d: Decision | undefined): string {
  if (d === undefined) return "<no decision>";
  const where = `t=${d.time ?? "?"} #${d.iteration ?? "?"}`;
  return d.kind === "jitter"
    ? `${where} jitter [${d.min}, ${d.max}] = ${d.pick}`
    : `${where} ${d.kind} of ${d.options}: ${d.pick}`;
}

/** Whether two decisions read the same in {@link text} (without building the texts). */
function same(a: Decision | undefined, b: Decision | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.kind === b.kind &&
    a.pick === b.pick &&
    a.options === b.options &&
    a.time === b.time &&
    a.iteration === b.iteration &&
    a.min === b.min &&
    a.max === b.max
  );
}

/** Where two runs with the same seed and answers part: a decision, the outcome, or the end time. */
function difference(
  first: readonly Decision[],
  again: readonly Decision[],
  firstEnd: number,
  rerun: { loop: EventLoop; failure: unknown },
): TraceDifference | null {
  for (let i = 0; i < Math.max(first.length, again.length); i++) {
    // Compared field by field: the texts are built only for the decision that differs.
    if (same(first[i], again[i])) continue;
    return { index: i, first: `decision #${i} ${text(first[i])}`, second: `decision #${i} ${text(again[i])}` };
  }
  if (rerun.failure !== undefined) return { index: first.length, first: "the run passed", second: "it failed" };
  const end = rerun.loop.time();
  if (end !== firstEnd) return { index: first.length, first: `ended at t=${firstEnd}`, second: `ended at t=${end}` };
  return null;
}

/**
 * @internal Re-runs passing run `run` (its loop seed, its policy's `answers`, the loop it ended with)
 * and returns a warning when it is not deterministic (see the module doc).
 */
export function* passingRunCheck(
  mode: "generator" | "async",
  name: string,
  policy: RecordingPolicy,
  run: number,
  loopSeed: number,
  base: RunOptions,
  answers: readonly Decision[],
  loop: EventLoop,
): Runs<ExploreWarning | undefined> {
  const copy = answers.slice();
  const firstEnd = loop.time();
  const again = verbatim(policy.name, policy.levels, copy, null);
  again._labelling(false);
  again.beginRun(0);
  const watched = yield* runRequest(again, loopSeed, base, false, true);
  const differs = difference(copy, again._recorded(), firstEnd, watched);
  const culprits = watched.culprits;
  if (differs === null && culprits.length === 0) return undefined;
  const called = culprits.length > 0 ? `it called ${culprits.join(", ")}: ${ADVICE[mode]}` : "";
  const shared =
    differs === null
      ? ""
      : `re-run with the same seed and answers it took another course (${differs.first}, then ${differs.second})${culprits.length > 0 ? "" : ": state kept between runs (a module-level variable or an object the program function closes over, changed by earlier runs), or a source of nondeterminism not watched; create the state inside the program function"}`;
  return {
    kind: "nondeterminism",
    run,
    runSeed: loopSeed,
    culprits,
    difference: differs,
    message: `run ${run + 1} (loop seed ${loopSeed}) of ${name} is not a pure function of (program, seed, schedule), so its failures would not replay: ${[called, shared].filter((s) => s !== "").join("; and ")}.`,
  };
}
