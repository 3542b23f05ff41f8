/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010).
 *
 * Why: uniform random scheduling finds a bug that needs d specific orderings with a probability that
 * falls exponentially in the length of the run. PCT instead gives every task a random priority, always
 * runs the highest-priority candidate, and lowers the running task's priority at d−1 random "change
 * points" among the k steps. A bug of depth d (d ordering constraints) is then found with probability at
 * least 1/(n·k^(d−1)) per run, for n tasks and k steps, whatever the program.
 *
 * On simloop: steps are the decision points the loop asks about. Under `explore`, k is the decision
 * count of the campaign's run 0, which has no change point (so it depends only on the program and the
 * seed; a campaign that starts later, a shard or an `exploreParallel` worker, re-runs run 0 as a pilot,
 * see {@link ExplorationPolicy.calibrate}), or the `steps` option, and is then fixed: run r is a pure
 * function of (program, seed, r) whatever ran before it, so split campaigns find what one sequential
 * campaign finds. (Driven by hand, without `explore`, k is the largest count seen in earlier runs: the
 * first run has no change point.) A candidate's priority is its task's — a
 * task step the task it resumes, a timer or callback the task that armed it (`handle.task`), code
 * outside any task one "main" pseudo-task. At a tie the highest-priority due timer fires, and the others
 * are deferred to the next iteration when the one that fired outranks them all, so that its consequences
 * run first, as the highest-priority thread would. A fault point cancels exactly at a change point.
 *
 * @module
 */
import { Random, type ChoicePoint, type Handle, type JitterPoint, type Task, type TieChoice } from "@simloop/core";
import { criticalShare, drawDuration, drawOrder } from "./critical-points.ts";
import { CheckArgumentError } from "./errors.ts";
import {
  runSeed,
  RecordingPolicy,
  type Coverage,
  type ExplorationPolicy,
  type RunObservation,
} from "./exploration-policy.ts";
import { learnDeadlines, sameInstant, shortestSpan, withLearned } from "./internal/learned-deadlines.ts";
import { PriorityGroup } from "./internal/priority-group.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";
import { PROBES, probeDraw, probePick, type Probe } from "./probes.ts";

/** A candidate with an owner task: a handle (step, timer, callback) or a pending I/O delivery. */
interface Owned {
  readonly task: Task<unknown> | null;
}

/** Options of {@link pct}. */
export interface PctOptions {
  /** The levels to ask about. Default: ties only. */
  readonly levels?: LevelOptions;
  /**
   * k, the decision points per run over which the change points are drawn, fixed for every run (run 0
   * included). Default: under `explore`, the decision count of run 0 (which then has no change point).
   */
  readonly steps?: number;
  /**
   * The owner of a candidate outside any task (a timer or callback armed by no task): `"main"`, one
   * "main" pseudo-task for them all (generator programs, whose concurrency is in tasks), or `"own"`,
   * each its own (async programs, whose callbacks belong to no task: `exploreAsync` uses it). Default
   * `"main"`.
   */
  readonly callbacks?: "main" | "own";
  /**
   * The share of uncertain durations drawn at or next to a critical point (just before, at or just after
   * another deadline in the range; its bounds when it has none) instead of uniformly (see
   * `drawDuration`). Default 0.75; 0 draws every duration uniformly. The mixed policy's seeded runs draw
   * a duration's order among the deadlines instead (decision 0042) unless this is given.
   */
  readonly criticalDraws?: number;
}

/** @internal How a mixed policy's run is answered. */
type RunKind = Probe | "random" | "pct";

const MAIN = Symbol("main");

/**
 * The probability bound of PCT: a bug of depth `depth` is found in one run with probability at least
 * 1/(n·k^(d−1)).
 *
 * @example
 * ```ts
 * pctBound(2, 10, 2); // 1 / (2 * 10) = 0.05
 * ```
 */
export function pctBound(tasks: number, steps: number, depth: number): number {
  const n = Math.max(1, tasks);
  const k = Math.max(1, steps);
  return 1 / (n * k ** (depth - 1));
}

class PctPolicy extends RecordingPolicy {
  /** n, the task count of the bound, comes from the runs. */
  override readonly observesTasks = true;
  private readonly seed: number;
  private readonly depth: number;
  private rng: Random;
  private k: number;
  /** Where k comes from (see {@link Coverage.stepsFrom}); only `"observed"` lets the runs grow it. */
  private stepsFrom: "run 0" | "given" | "observed";
  /** `"run 0"`: whether k is known, else how to run run 0 (from `calibrate`). */
  private measured = false;
  private pilot: ((run: number) => RunObservation) | undefined;
  private currentRun = -1;
  private maxObserved = 0;
  private n = 1;
  private priorities = new Map<object | typeof MAIN, number>();
  /** Whether a candidate outside any task is its own owner ({@link PctOptions.callbacks}). */
  private readonly ownCallbacks: boolean;
  private readonly criticalDraws: number;
  /** Whether this is the mixed policy (see {@link mixed}): probes, then random and PCT runs alternating. */
  private readonly mixed: boolean;
  /** How the current run is answered (always `"pct"` unless mixed). */
  private kind: RunKind = "pct";
  /** Mixed: the absolute due times of the fixed deadlines run 0's draws met, merged into later draws. */
  private learned: readonly number[] = [];
  /** Mixed without a `criticalDraws` option: seeded runs draw a duration's order (`drawOrder`). */
  private readonly orderDraws: boolean;
  /** Mixed: the shortest span of an uncertain duration run 0 drew (`drawOrder`'s reach). */
  private reach = Infinity;
  private learnedFromRun0 = false;
  /**
   * Mixed: the absolute due times drawn so far in this run (the overtake probe reads them all; the order
   * draws ask whether a deadline is one, and drop those past once the list doubles).
   */
  private drawn: number[] = [];
  private drawnLimit = 64;
  /** Mixed: the runs of each kind so far. */
  private randomRuns = 0;
  private probeRuns = 0;
  private changePoints: number[] = [];
  /** The change points before this one (at an earlier step than the current question's) are past. */
  private nextChange = 0;
  private lastFired = -Infinity;
  private lastIteration = -1;
  private observedRuns = 0;
  /** The tie group being asked, by priority: O(log m) per question instead of a scan. */
  private readonly group = new PriorityGroup();
  /** The priority changes so far (change points met), for the group's entries read since (see `PriorityGroup.settle`). */
  private changes = 0;
  private readonly priorityOfHandle = (handle: Handle): number => this.priorityOf(this.ownerOf(handle));

  constructor(seed: number, depth: number, options: PctOptions, mixed = false) {
    super(mixed ? `mixed(depth ${depth})` : `pct(depth ${depth})`, resolveLevels(options.levels));
    this.mixed = mixed;
    this.seed = seed;
    this.depth = depth;
    this.rng = new Random(seed);
    this.k = options.steps ?? 0;
    this.stepsFrom = options.steps === undefined ? "observed" : "given";
    this.ownCallbacks = options.callbacks === "own";
    this.criticalDraws = criticalShare(options.criticalDraws);
    this.orderDraws = mixed && options.criticalDraws === undefined;
  }

  /** A candidate's owner: its task, else the main pseudo-task or itself ({@link PctOptions.callbacks}). */
  private ownerOf(candidate: Owned): object | typeof MAIN {
    return candidate.task ?? (this.ownCallbacks ? candidate : MAIN);
  }

  /** Takes k from run 0 of the campaign (re-run by `pilot` if the campaign starts later), unless `steps` was given. */
  calibrate(pilot: (run: number) => RunObservation): void {
    if (this.stepsFrom === "given") return;
    this.stepsFrom = "run 0";
    this.k = 0;
    this.measured = false;
    this.pilot = pilot;
  }

  override beginRun(run: number): boolean {
    if (this.stepsFrom === "run 0" && !this.measured && run > 0 && this.pilot !== undefined) {
      // The campaign starts after run 0 (a shard, a worker): run it first, as a pilot (it re-enters beginRun(0)).
      const pilot = this.pilot;
      this.pilot = undefined;
      this.k = pilot(0).decisions;
      this.measured = true;
    }
    if (this.mixed) this.beginMixedRun(run);
    this.currentRun = run;
    this.rng = new Random(runSeed(this.seed, run));
    this.priorities = new Map();
    this.changes++;
    this.group.clear();
    this.lastFired = -Infinity;
    this.lastIteration = -1;
    const points = new Set<number>();
    // Run 0 of a campaign measures k: it has no change point.
    const k = this.stepsFrom === "run 0" && run === 0 ? 0 : this.k;
    if (k > 0) {
      const wanted = Math.min(this.depth - 1, k);
      while (points.size < wanted) points.add(this.rng.integer(1, k));
    }
    this.changePoints = [...points].sort((a, b) => a - b);
    this.nextChange = 0;
    return super.beginRun(run);
  }

  /**
   * Mixed: learns from run 0 once it is over (the log still holds it, whether it was the campaign's run
   * or its pilot), then picks the run's kind: the probes first, then random and PCT alternating.
   */
  private beginMixedRun(run: number): void {
    if (run === 0) {
      this.learned = [];
      this.reach = Infinity;
      this.learnedFromRun0 = false;
    } else if (this.currentRun === 0 && !this.learnedFromRun0) {
      this.learned = learnDeadlines(this._log());
      this.reach = shortestSpan(this._log());
      this.learnedFromRun0 = true;
    }
    this.drawn = [];
    this.drawnLimit = 64;
    const probe = PROBES[run];
    this.kind = probe ?? ((run - PROBES.length) % 2 === 0 ? "random" : "pct");
  }

  override endRun(observation: RunObservation): void {
    if (this.kind === "pct") this.observedRuns++;
    else if (this.kind === "random") this.randomRuns++;
    else this.probeRuns++;
    this.maxObserved = Math.max(this.maxObserved, observation.decisions);
    if (this.stepsFrom === "observed") this.k = this.maxObserved;
    else if (this.stepsFrom === "run 0" && !this.measured && this.currentRun === 0) {
      this.k = observation.decisions;
      this.measured = true;
      this.pilot = undefined;
    }
    this.n = Math.max(this.n, observation.tasks);
  }

  private priorityOf(key: object | typeof MAIN): number {
    let priority = this.priorities.get(key);
    if (priority === undefined) {
      priority = this.depth + this.rng.next();
      this.priorities.set(key, priority);
    }
    return priority;
  }

  /**
   * The change point index (1-based) at the current step, or 0. Steps only grow within a run, so the
   * change points already passed are skipped once, not searched at every question.
   */
  private changeAt(step: number): number {
    const points = this.changePoints;
    let i = this.nextChange;
    while (i < points.length && (points[i] as number) < step) i++;
    this.nextChange = i;
    return i < points.length && points[i] === step ? i + 1 : 0;
  }

  /** The index of the highest-priority candidate (the first on equal priorities). No closure: it runs per decision. */
  private best(candidates: readonly Owned[]): number {
    let index = 0;
    let top = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      const p = this.priorityOf(this.ownerOf(candidates[i] as Owned));
      if (p > top) {
        top = p;
        index = i;
      }
    }
    return index;
  }

  protected pick(point: ChoicePoint): number {
    const step = this.step + 1;
    if (this.kind === "random") {
      if (point.kind === "fault") return this.rng.next() < RANDOM_FAULTS ? 1 : 0;
      return this.rng.integer(0, point.options - 1);
    }
    if (this.kind !== "pct") return probePick(point);
    const change = this.changeAt(step);
    if (point.kind === "fault") return change > 0 ? 1 : 0;
    if (point.kind === "tie") return this.pickTie(point, change);
    // An I/O delivery: the pending replies, and the timer that fires first if none arrives yet.
    const candidates: readonly Owned[] =
      point.kind === "delivery" && point.timer !== null ? [...point.candidates, point.timer] : point.candidates;
    let index = this.best(candidates);
    if (change > 0) {
      // The candidate that would run loses its priority: below every initial one (which are >= depth).
      this.priorities.set(this.ownerOf(candidates[index] as Owned), this.depth - change);
      this.changes++;
      index = this.best(candidates);
    }
    return index;
  }

  /**
   * A tie: the highest-priority timer fires (the first on equal priorities), or the rest is deferred
   * when a higher-priority timer fired before in this iteration. The group's heap carries over from the
   * previous question when the loop asks on the same array, one timer shorter.
   */
  private pickTie(point: TieChoice, change: number): number {
    const group = this.group;
    const candidates = point.candidates;
    if (group.continues(candidates)) {
      if (group.last >= 0) group.advance();
    } else group.reset(candidates, this.priorityOfHandle, this.changes);
    group.settle(this.priorityOfHandle, this.changes);
    if (change > 0) {
      // The candidate that would run loses its priority: below every initial one (which are >= depth).
      this.priorities.set(this.ownerOf(group.handles[group.topPosition()] as Handle), this.depth - change);
      this.changes++;
      group.settle(this.priorityOfHandle, this.changes);
    }
    const top = group.topPriority();
    if (point.canDefer && point.iteration === this.lastIteration && this.lastFired > top) {
      group.defer();
      return candidates.length;
    }
    this.lastIteration = point.iteration;
    this.lastFired = top;
    group.last = group.topPosition();
    return group.indexOf(group.last);
  }

  protected draw(point: JitterPoint): number {
    if (this.kind !== "pct" && this.kind !== "random") {
      const value = probeDraw(this.kind, point, this.drawn);
      this.drawn.push(point.time + value);
      return value;
    }
    const deadlines = this.learned.length === 0 ? point.deadlines : withLearned(this.learned, point);
    if (this.orderDraws) {
      const value = drawOrder(this.rng, point.min, point.max, deadlines, this.reach, (d) =>
        this.wasDrawn(point.time + d),
      );
      if (this.drawn.length >= this.drawnLimit) {
        // Only a due time still ahead can be a draw's neighbour: keep the list as long as the pending ones.
        this.drawn = this.drawn.filter((due) => due > point.time);
        this.drawnLimit = Math.max(64, 2 * this.drawn.length);
      }
      this.drawn.push(point.time + value);
      return value;
    }
    return drawDuration(this.rng, point.min, point.max, deadlines, this.criticalDraws);
  }

  /** Mixed: whether `at` is a due time this run drew (to a rounding error): an uncertain duration's timer. */
  private wasDrawn(at: number): boolean {
    for (const due of this.drawn) if (sameInstant(due, at)) return true;
    return false;
  }

  override coverage(): Coverage {
    const p = pctBound(this.n, this.k, this.depth);
    const confidence = 1 - (1 - p) ** this.observedRuns;
    // A fixed k draws change points within the first k decision points only: say so when runs went further.
    const beyond = this.stepsFrom !== "observed" && this.maxObserved > this.k;
    const notes = [
      ...(this.stepsFrom === "given" ? ["given"] : beyond ? ["those of run 0"] : []),
      ...(beyond ? [`runs asked up to ${this.maxObserved}, the bound is for bugs within the first ${this.k}`] : []),
    ];
    const k = `k=${this.k} decision points${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
    const mix = this.mixed
      ? `${this.probeRuns} probe ${this.probeRuns === 1 ? "run" : "runs"}, ${this.randomRuns} random, ${this.observedRuns} PCT`
      : "";
    const pctSummary =
      this.mixed && this.observedRuns === 0
        ? `${mix} (PCT's bound for a bug of depth <= ${this.depth} needs PCT runs: the 5th run is the first)`
        : `${this.mixed ? `${mix}; of the PCT runs: ` : ""}a bug of depth <= ${this.depth} (one that needs ${this.depth} events in a given order) would have been found ` +
          `with probability >= ${formatProbability(confidence)} ` +
          `(${this.observedRuns} ${this.observedRuns === 1 ? "run" : "runs"}, n=${this.n} tasks, ${k} per run: ` +
          `>= 1/(n·k^${this.depth - 1}) = ${formatProbability(p)} per run)`;
    return {
      policy: this.name,
      summary: pctSummary,
      confidence,
      depth: this.depth,
      tasks: this.n,
      steps: this.k,
      stepsFrom: this.stepsFrom,
      observedSteps: this.maxObserved,
    };
  }
}

/** The fault probability of a mixed policy's random runs (as the random policy's default). */
const RANDOM_FAULTS = 0.1;

function formatProbability(p: number): string {
  if (p >= 0.9999) return p >= 1 ? "1" : "0.9999";
  if (p >= 0.01) return p.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
  return p.toExponential(2);
}

/**
 * The PCT policy with bug depth `depth` (≥ 1): random task priorities, the highest-priority candidate
 * runs, and `depth − 1` priority change points among the k decision points of a run.
 *
 * Guarantee (Burckhardt et al. 2010): a bug of depth d is found with probability ≥ 1/(n·k^(d−1)) per
 * run, for n tasks and k steps; {@link Coverage} turns the runs done into the confidence "a bug of depth
 * ≤ d would have been found with probability ≥ p" from the observed n and the k used. Under `explore`,
 * k is the decision count of run 0 (which has no change point) or `steps`, fixed for the campaign, so
 * run r depends only on (program, seed, r); a run that asks more than k decision points gets no change
 * point past the k-th, and the coverage line then says so ("the bound is for bugs within the first k").
 *
 * Uncertain durations are drawn next to a critical point with probability `criticalDraws` (default
 * 0.75), else uniformly.
 *
 * @throws {@link CheckArgumentError} unless `depth` is an integer ≥ 1, or when `criticalDraws` is not in [0, 1].
 * @example
 * ```ts
 * const result = explore(program, { policy: pct(1, 3), runs: 1000 });
 * result.coverage.summary; // "a bug of depth <= 3 would have been found with probability >= …"
 * ```
 */
export function pct(seed: number, depth: number, options: PctOptions = {}): RecordingPolicy {
  if (!Number.isInteger(depth) || depth < 1) {
    throw new CheckArgumentError(`Expected \`depth\` to be an integer >= 1, got \`${String(depth)}\`.`);
  }
  return new PctPolicy(seed, depth, options);
}

/**
 * The mixed policy, `explore`'s default: three fixed probe runs (see `probes.ts`: every tie reversed
 * and every uncertain duration at its maximum; every duration just after the earliest other deadline in
 * its range; every duration just before one drawn earlier in the run), then seeded runs alternating
 * between uniform random (runs 3, 5, …) and PCT of depth `depth` (runs 4, 6, …). The seeded runs draw
 * an uncertain duration's order among the other deadlines in its range, each order as likely, with the
 * fixed deadlines run 0's draws met added to them (a deadline armed after a draw, which that draw could
 * not see), at a value that leaves later durations room (decision 0042); given `criticalDraws`, they
 * draw as random and PCT do instead.
 *
 * Why: a bug that one of the probes shows is found in one to three runs whatever the seed, and one that
 * needs a seeded run gets uniform picks (which flip every coin) and PCT's (which let one task win
 * consistently) in turn. Run r depends only on (program, seed, r): what is learned comes from run 0, which
 * `explore` runs first (as a pilot when the campaign starts later, see `calibrate`). k, PCT's decision
 * points per run, is run 0's decision count; the coverage line counts only the PCT runs in its bound.
 *
 * @throws {@link CheckArgumentError} unless `depth` is an integer ≥ 1, or when `criticalDraws` is not in [0, 1].
 * @example
 * ```ts
 * explore(program, { policy: mixed(1), runs: 2000 }); // what explore(program, { runs: 2000, seed: 1 }) does
 * ```
 */
export function mixed(seed: number, depth = 2, options: PctOptions = {}): RecordingPolicy {
  if (!Number.isInteger(depth) || depth < 1) {
    throw new CheckArgumentError(`Expected \`depth\` to be an integer >= 1, got \`${String(depth)}\`.`);
  }
  return new PctPolicy(seed, depth, options, true);
}
