/**
 * The exhaustive policy: every schedule, fewest deviations first, within a run budget.
 *
 * Why this order: bugs found by reordering almost always need few deviations from the default order
 * (the "small scope" observation behind iterative context bounding, Musuvathi and Qadeer 2007). Runs
 * go by increasing deviation count: the FIFO run, then every schedule with one deviation, then two…
 * A schedule is a prefix of picks followed by FIFO; the children of a run with deviation count c are
 * its prefix extended by one deviation at each later decision point, so each schedule is generated
 * exactly once (from the schedule without its last deviation), depth-first within a level. Each child
 * is run in full, so the option counts it reports are real.
 *
 * An uncertain duration is a decision whose alternatives are its critical points (`critical-points.ts`).
 * For one the loop follows (`uncertain(min, max)`), the deadlines it reports grow during the run and
 * depend on the value drawn (the run with the duration at its maximum sees every timer armed before it
 * fires), so any run may reveal new alternatives for a draw of its prefix: they are added as siblings,
 * and a set of the prefixes generated keeps each schedule to one run. A bare `loop.jitter` number is
 * tried at its two bounds only, and a campaign that drew one does not claim every schedule.
 *
 * @module
 */
import type { ChoicePoint, EventLoop, JitterPoint } from "@simloop/core";
import { CheckArgumentError } from "./errors.ts";
import { RecordingPolicy, type Coverage, type RunObservation } from "./exploration-policy.ts";
import { FootprintRecorder, type SharedState } from "./footprints.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";
import { criticalPoints } from "./critical-points.ts";
import type { Decision } from "./schedule.ts";
import type { DecisionLog } from "./internal/decision-log.ts";

/** Options of {@link exhaustive}. */
export interface ExhaustiveOptions {
  /** The largest deviation count to explore. Default `Infinity`. */
  readonly maxDeviations?: number;
  /** The run budget. Default 1000. */
  readonly runs?: number;
  /** The levels to ask about. Default: ties only. */
  readonly levels?: LevelOptions;
  /**
   * Skip the orders of tied timers whose consequences cannot affect each other (a partial-order
   * reduction; see decision 0026): each run records what every step touched, and the alternatives at a
   * tie whose members' cascades touched disjoint objects — and nothing untracked — are not run. Needs
   * an unbounded `maxDeviations` (reordering independent steps changes deviation counts). Default false.
   */
  readonly reduce?: boolean;
  /**
   * With `reduce`: where the program's shared state lives. `"untracked"` (default): a task step or plain
   * callback may touch anything, so it is dependent with every other step (sound for any program, and
   * it reduces only cascades of library code). `"tracked"`: the program promises that everything its
   * tasks and callbacks share lives in stores (`createStore`), futures, tasks and the coroutines
   * primitives; never inferred. A program that breaks the promise may have orders skipped that matter.
   */
  readonly sharedState?: SharedState;
}

interface Prefix {
  /** Answers by position: an index for a choice point, the value for a jitter draw. */
  readonly picks: readonly number[];
  readonly deviations: number;
}

/** The kind bit of a jitter draw in `DecisionLog.kinds`. */
const JITTER_BIT = 16;

/** The answers of `log`'s decisions before `i`, then `last`: a prefix to run. */
function picksBefore(log: DecisionLog, i: number, last: number): number[] {
  const picks = new Array<number>(i + 1);
  for (let j = 0; j < i; j++) picks[j] = log.answerAt(j);
  picks[i] = last;
  return picks;
}

/** The answers other than asyncio's at `decision`: option indices, or a draw's other critical points. */
function alternatives(decision: Decision): number[] {
  if (decision.kind !== "jitter") return Array.from({ length: decision.options - 1 }, (_, j) => j + 1);
  const min = decision.min ?? 0;
  return criticalPoints(min, decision.max ?? min, decision.deadlines).filter((v) => v !== min);
}

class ExhaustivePolicy extends RecordingPolicy {
  override readonly observesTasks = false;
  private readonly maxDeviations: number;
  private readonly budget: number;
  private level: Prefix[] = [{ picks: [], deviations: 0 }];
  private levelPos = 0;
  private next: Prefix[] = [];
  private current: Prefix = { picks: [], deviations: 0 };
  /** The prefixes generated so far (a followed draw may reveal a sibling a second time). */
  private readonly generated = new Set<string>([""]);
  private dropped = false;
  private exhausted = false;
  private explored = 0;
  private deepest = 0;
  /** The most bare `loop.jitter` draws (with a range) in one run: each tried at its two bounds only. */
  private bareDraws = 0;
  /** Whether a run drew a duration the loop followed (`uncertain`). */
  private followed = false;
  /** With `reduce`: what each run touched. */
  private readonly recorder: FootprintRecorder | null;
  /** With `reduce`: the alternatives not run because they were equivalent to a run one. */
  private pruned = 0;

  constructor(options: ExhaustiveOptions) {
    super("exhaustive", resolveLevels(options.levels));
    this.maxDeviations = options.maxDeviations ?? Infinity;
    this.budget = options.runs ?? 1000;
    if (!(this.maxDeviations >= 0)) {
      throw new CheckArgumentError(`Expected \`maxDeviations\` >= 0, got \`${String(options.maxDeviations)}\`.`);
    }
    if (options.reduce === true && Number.isFinite(this.maxDeviations)) {
      throw new CheckArgumentError(
        `\`reduce\` needs an unbounded deviation count, got \`maxDeviations: ${this.maxDeviations}\`: reordering ` +
          `independent steps changes how many deviations a schedule has. Drop \`maxDeviations\` (bound the ` +
          `campaign with \`runs\`) or drop \`reduce\`.`,
      );
    }
    const sharedState = options.sharedState ?? "untracked";
    if (sharedState !== "untracked" && sharedState !== "tracked") {
      throw new CheckArgumentError(
        `Expected \`sharedState\` to be "untracked" or "tracked", got \`${String(options.sharedState)}\`.`,
      );
    }
    this.recorder = options.reduce === true ? new FootprintRecorder(sharedState) : null;
  }

  /** With `reduce`: records what each step of the run on `loop` touches. */
  observe(loop: EventLoop): void {
    if (this.recorder !== null) this.recorder.attach(loop);
  }

  override beginRun(run: number): boolean {
    if (run >= this.budget) return false;
    while (this.levelPos >= this.level.length) {
      if (this.next.length === 0) {
        this.exhausted = true;
        return false;
      }
      this.level = this.next;
      this.levelPos = 0;
      this.next = [];
    }
    this.current = this.level[this.levelPos++] as Prefix;
    this.deepest = Math.max(this.deepest, this.current.deviations);
    return super.beginRun(run);
  }

  override endRun(_observation: RunObservation): void {
    this.explored++;
    // Read from the policy's log: a crowd's run asks tens of thousands of questions, and an object per
    // decision (kept until the next run) would cost more than the questions themselves.
    const log = this._log();
    const count = log.length;
    const draws = (log.kinds & JITTER_BIT) !== 0;
    let bare = 0;
    if (draws) {
      for (let i = 0; i < count; i++) {
        if (log.kindAt(i) !== "jitter") continue;
        const d = log.at(i);
        if (d.min === d.max) continue;
        if (d.deadlines === undefined) bare++;
        else this.followed = true;
      }
    }
    this.bareDraws = Math.max(this.bareDraws, bare);
    const prefix = this.current.picks.length;
    const equivalent = this.recorder === null ? null : this.recorder.reducibleDecisions();
    // Deviations among the decisions before i.
    let before = 0;
    for (let i = 0; i < count; i++) {
      // Past the prefix, every decision branches; within it, only a followed draw can show new values.
      const branches = i >= prefix || (draws && log.kindAt(i) === "jitter" && log.at(i).deadlines !== undefined);
      if (branches && before + 1 <= this.maxDeviations) {
        const others = alternatives(log.at(i));
        if (i >= prefix && equivalent !== null && equivalent.has(i)) this.pruned += others.length;
        else for (const alternative of others) if (!this.enqueue(picksBefore(log, i, alternative), before + 1)) return;
      }
      if (log.deviatesAt(i)) before++;
    }
  }

  /** Queues a prefix once; false when the run budget has no room left for it. */
  private enqueue(picks: number[], deviations: number): boolean {
    const key = picks.join(",");
    if (this.generated.has(key)) return true;
    if (this.next.length + (this.level.length - this.levelPos) >= this.budget - this.explored) {
      this.dropped = true;
      return false;
    }
    this.generated.add(key);
    (deviations > this.current.deviations ? this.next : this.level).push({ picks, deviations });
    return true;
  }

  // The recorder is told from pick and draw (the decision's index is `step` until it is recorded), so
  // that choose and chooseDuration stay RecordingPolicy's own: explore's fast path (no trace, no labels).
  protected pick(point: ChoicePoint): number {
    if (this.recorder !== null) this.recorder.choice(point, this.step);
    const pick = this.current.picks[this.step] ?? 0;
    return Number.isInteger(pick) && pick < point.options ? pick : 0;
  }

  protected draw(point: JitterPoint): number {
    if (this.recorder !== null) this.recorder.drew(point.time);
    const value = this.current.picks[this.step];
    return value !== undefined && value >= point.min && value <= point.max ? value : point.min;
  }

  override coverage(): Coverage {
    const covered = this.exhausted && !this.dropped;
    const complete = covered && this.bareDraws === 0;
    const bound = Number.isFinite(this.maxDeviations) ? ` with <= ${this.maxDeviations} deviation(s)` : "";
    const reduced =
      this.recorder === null
        ? ""
        : ` (${this.pruned} reordering(s) of independent steps skipped as equivalent to a run one)`;
    const followed = this.followed
      ? ", each uncertain duration at its critical points (its bounds, each other deadline in its range, and between them)"
      : "";
    return {
      policy: this.name,
      summary: complete
        ? `explored every schedule${bound}${this.recorder === null ? "" : ", up to the order of independent steps"}: ${this.explored} run(s)${reduced}${followed}`
        : covered
          ? `explored ${this.explored} schedule(s)${bound}, trying ${this.bareDraws} bare loop.jitter value(s) per run at their two bounds only: ` +
            `the values in between were NOT covered, so this is not every schedule ` +
            `(give the timer uncertain(min, max) instead, so that the loop can follow it)`
          : `explored ${this.explored} schedule(s) up to ${this.deepest} deviation(s); the space${bound} was NOT covered (run budget ${this.budget})`,
      complete,
      ...(this.recorder === null ? {} : { pruned: this.pruned }),
      ...(this.bareDraws > 0 ? { boundsOnly: this.bareDraws } : {}),
    };
  }
}

/**
 * Runs every schedule, fewest deviations first (iterative deepening on the deviation count), until the
 * space within `maxDeviations` is covered or the `runs` budget is spent; `coverage().complete` says which.
 * An uncertain duration given to a timer (`uncertain(min, max)`) is tried at each of its critical points
 * (its bounds, each other deadline in its range, and between them: every order its deadline can take, as
 * docs/check.md defines it). A bare `loop.jitter` number is tried at its two bounds only, so a campaign
 * that drew one never claims every schedule: `complete` is false, `boundsOnly` counts them, and the
 * summary says the values in between were not covered.
 *
 * @example
 * ```ts
 * const result = explore(program, { policy: exhaustive({ maxDeviations: 2, runs: 500 }) });
 * result.coverage.complete; // true when every schedule with <= 2 deviations was run
 * ```
 */
export function exhaustive(options: ExhaustiveOptions = {}): RecordingPolicy {
  return new ExhaustivePolicy(options);
}
