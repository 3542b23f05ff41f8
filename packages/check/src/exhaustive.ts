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
 * @module
 */
import type { ChoicePoint, EventLoop, JitterPoint } from "@simloop/core";
import { CheckArgumentError } from "./errors.ts";
import { RecordingPolicy, type Coverage, type RunObservation } from "./exploration-policy.ts";
import { FootprintRecorder, type SharedState } from "./footprints.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";
import type { Decision } from "./schedule.ts";

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
  readonly picks: readonly number[];
  readonly deviations: number;
}

function branching(decision: Decision): number {
  if (decision.kind === "jitter") return decision.min === decision.max ? 1 : 2;
  return decision.options;
}

class ExhaustivePolicy extends RecordingPolicy {
  override readonly observesTasks = false;
  private readonly maxDeviations: number;
  private readonly budget: number;
  private level: Prefix[] = [{ picks: [], deviations: 0 }];
  private levelPos = 0;
  private next: Prefix[] = [];
  private current: Prefix = { picks: [], deviations: 0 };
  private dropped = false;
  private exhausted = false;
  private explored = 0;
  private deepest = 0;
  /** Whether a run drew an uncertain duration with a range: only its bounds were tried. */
  private boundsOnly = false;
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

  /** Answers a choice point and, with `reduce`, tells the recorder. */
  override choose(point: ChoicePoint): number {
    const index = this.step;
    const pick = super.choose(point);
    if (this.recorder !== null) this.recorder.choice(point, index);
    return pick;
  }

  /** Draws an uncertain duration and, with `reduce`, tells the recorder. */
  override chooseDuration(point: JitterPoint): number {
    if (this.recorder !== null) this.recorder.drew(point.time);
    return super.chooseDuration(point);
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
    if (!this.boundsOnly) {
      for (const d of this.schedule().decisions) if (d.kind === "jitter" && d.min !== d.max) this.boundsOnly = true;
    }
    const { picks, deviations } = this.current;
    if (deviations + 1 > this.maxDeviations) return;
    const decisions = this.schedule().decisions;
    const base = decisions.map((d) => (d.kind === "jitter" ? (d.pick === d.min ? 0 : 1) : d.pick));
    const room = this.budget - this.explored;
    const equivalent = this.recorder === null ? null : this.recorder.reducibleDecisions();
    for (let i = picks.length; i < decisions.length; i++) {
      const width = branching(decisions[i] as Decision);
      if (equivalent !== null && equivalent.has(i)) {
        this.pruned += width - 1;
        continue;
      }
      for (let j = 1; j < width; j++) {
        if (this.next.length + (this.level.length - this.levelPos) >= room) {
          this.dropped = true;
          return;
        }
        this.next.push({ picks: [...base.slice(0, i), j], deviations: deviations + 1 });
      }
    }
  }

  protected pick(point: ChoicePoint): number {
    const pick = this.current.picks[this.step] ?? 0;
    return pick < point.options ? pick : 0;
  }

  protected draw(point: JitterPoint): number {
    return (this.current.picks[this.step] ?? 0) === 0 ? point.min : point.max;
  }

  override coverage(): Coverage {
    const covered = this.exhausted && !this.dropped;
    const complete = covered && !this.boundsOnly;
    const bound = Number.isFinite(this.maxDeviations) ? ` with <= ${this.maxDeviations} deviation(s)` : "";
    const reduced =
      this.recorder === null
        ? ""
        : ` (${this.pruned} reordering(s) of independent steps skipped as equivalent to a run one)`;
    return {
      policy: this.name,
      summary: complete
        ? `explored every schedule${bound}${this.recorder === null ? "" : ", up to the order of independent steps"}: ${this.explored} run(s)${reduced}`
        : covered
          ? `explored ${this.explored} schedule(s)${bound}, trying each uncertain duration (loop.jitter) at its two bounds only: ` +
            `the values in between were NOT covered, so this is not every schedule`
          : `explored ${this.explored} schedule(s) up to ${this.deepest} deviation(s); the space${bound} was NOT covered (run budget ${this.budget})`,
      complete,
      ...(this.recorder === null ? {} : { pruned: this.pruned }),
    };
  }
}

/**
 * Runs every schedule, fewest deviations first (iterative deepening on the deviation count), until the
 * space within `maxDeviations` is covered or the `runs` budget is spent; `coverage().complete` says which.
 * Jitter draws are explored at their two bounds only, so a campaign that drew one never claims every
 * schedule: `complete` is false and the summary says the values in between were not covered.
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
