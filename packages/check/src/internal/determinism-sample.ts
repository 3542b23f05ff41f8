/**
 * The determinism self-check on passing runs: `explore` re-runs a sample of its passing runs (runs
 * 0, 1, 3, 7, 15, … of the campaign: about log2 of the runs, so the cost stays a rounding error)
 * with the same loop seed and the same answers, the usual sources of nondeterminism watched. A run
 * that called one of them, or that took another course when re-run (state kept between runs), is
 * not a pure function of (program, seed, schedule): its failures would not replay.
 *
 * @module
 */
import type { ChoicePoint, EventLoop, JitterPoint, PolicyLevels, SchedulingPolicy } from "@simloop/core";
import type { TraceDifference } from "../determinism.ts";
import type { RecordingPolicy } from "../exploration-policy.ts";
import type { ExploreWarning } from "../explore-options.ts";
import type { RunOptions } from "../run-program.ts";
import type { Decision } from "../schedule.ts";
import { run as runRequest, type Runs } from "./runs.ts";
import { codeOf, jitterDecision, type DecisionLog } from "./decision-log.ts";

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

/**
 * The re-run's policy: answers each question as the explored run's log recorded it (as the verbatim
 * policy would, reading the log in place: no object per decision, no log of its own) and notes the first
 * question that differs from the one recorded there, field by field.
 */
class Rerun implements SchedulingPolicy {
  readonly name: string;
  readonly levels: PolicyLevels;
  /** Read by the run that executes this policy: the loop need not record its answers (see `execute`). */
  readonly _recordsItself = true;
  private readonly log: DecisionLog;
  /**
   * The log's numbers when it holds only choice points (none kept whole), read in place per question;
   * else null. The log is not written during the re-run, so they stay valid.
   */
  private readonly numbers: Float64Array | null;
  /** The questions asked so far. */
  asked = 0;
  /** The first question that differs from the explored run's: its index and what was asked there. */
  differs: { readonly index: number; readonly again: Decision } | null = null;

  constructor(name: string, levels: PolicyLevels, log: DecisionLog) {
    this.name = name;
    this.levels = levels;
    this.log = log;
    this.numbers = log.hasWhole ? null : log.numbers();
  }

  choose(point: ChoicePoint): number {
    const numbers = this.numbers;
    if (numbers !== null && this.asked < this.log.length) {
      // The fast path: a recorded choice point, asked again the same way (five numbers per decision).
      const at = this.asked * 5;
      if (
        this.differs === null &&
        numbers[at] === codeOf(point.kind) &&
        numbers[at + 1] === point.options &&
        numbers[at + 3] === point.time &&
        numbers[at + 4] === point.iteration
      ) {
        this.asked++;
        return numbers[at + 2] as number;
      }
    }
    return this.chooseSlowly(point);
  }

  /** {@link Rerun.choose} reading the log decision by decision, noting where the re-run differs. */
  private chooseSlowly(point: ChoicePoint): number {
    const i = this.asked++;
    const log = this.log;
    const pick = i < log.length ? log.answerAt(i) : 0;
    if (
      this.differs === null &&
      (i >= log.length ||
        log.kindAt(i) !== point.kind ||
        log.optionsAt(i) !== point.options ||
        log.timeAt(i) !== point.time ||
        log.iterationAt(i) !== point.iteration ||
        log.pickAt(i) !== pick)
    ) {
      const again = { kind: point.kind, options: point.options, pick, time: point.time, iteration: point.iteration };
      if (!same(i < log.length ? log.at(i) : undefined, again)) this.differs = { index: i, again };
    }
    return pick;
  }

  chooseDuration(point: JitterPoint): number {
    const i = this.asked++;
    const log = this.log;
    const recorded = i < log.length ? log.at(i) : undefined;
    const value = recorded === undefined ? point.min : recorded.pick;
    if (this.differs === null) {
      const again = jitterDecision(point, value);
      if (!same(recorded, again)) this.differs = { index: i, again };
    }
    return value;
  }
}

/** Where two runs with the same seed and answers part: a decision, the outcome, or the end time. */
function difference(
  log: DecisionLog,
  rerun: Rerun,
  firstEnd: number,
  executed: { loop: EventLoop; failure: unknown },
): TraceDifference | null {
  const differs = rerun.differs ?? (rerun.asked < log.length ? { index: rerun.asked, again: undefined } : null);
  if (differs !== null) {
    const i = differs.index;
    return {
      index: i,
      first: `decision #${i} ${text(i < log.length ? log.at(i) : undefined)}`,
      second: `decision #${i} ${text(differs.again)}`,
    };
  }
  if (executed.failure !== undefined) return { index: log.length, first: "the run passed", second: "it failed" };
  const end = executed.loop.time();
  if (end !== firstEnd) return { index: log.length, first: `ended at t=${firstEnd}`, second: `ended at t=${end}` };
  return null;
}

/**
 * @internal Re-runs passing run `run` (its loop seed, its policy's answers as its `log` holds them, the
 * loop it ended with) and returns a warning when it is not deterministic (see the module doc). The log
 * is read during the re-run: the policy must not begin another run meanwhile.
 */
export function* passingRunCheck(
  mode: "generator" | "async",
  name: string,
  policy: RecordingPolicy,
  run: number,
  loopSeed: number,
  base: RunOptions,
  log: DecisionLog,
  loop: EventLoop,
): Runs<ExploreWarning | undefined> {
  const firstEnd = loop.time();
  const again = new Rerun(policy.name, policy.levels, log);
  const watched = yield* runRequest(again, loopSeed, base, false, true);
  const differs = difference(log, again, firstEnd, watched);
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
