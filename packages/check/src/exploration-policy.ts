/**
 * Exploration policies: core's `SchedulingPolicy` plus the life cycle an exploration needs (a run
 * begins, a run ends, what was covered), and a base class that records every decision with its
 * candidates so that reports can say where a schedule deviates from FIFO.
 *
 * @module
 */
import type { ChoicePoint, EventLoop, Handle, JitterPoint, PolicyLevels, SchedulingPolicy, Task } from "@simloop/core";
import { Schedule, type Decision } from "./schedule.ts";
import { DecisionLog, jitterDecision } from "./internal/decision-log.ts";
import { handleWords } from "./words.ts";

/** What an exploration tells a policy about a finished run. */
export interface RunObservation {
  /** Decision points asked in the run (k, for PCT). */
  readonly decisions: number;
  /**
   * Tasks that ran (n, for PCT); 0 when the policy declared `observesTasks: false`. A generator run that
   * `explore` does not trace counts the tasks created, each of which ran at least one step unless the
   * run ended first (never fewer than ran, so PCT's bound stays a lower bound); a traced run counts
   * the tasks its trace shows stepping, by name.
   */
  readonly tasks: number;
  /** Whether the run failed. */
  readonly failed: boolean;
}

/** What a campaign covered, as a policy sees it. */
export interface Coverage {
  /** The policy's name. */
  readonly policy: string;
  /** One line for reports, such as "a bug of depth <= 2 would have been found with probability >= 0.99". */
  readonly summary: string;
  /** Exhaustive: whether every schedule within the deviation bound was run (as docs/check.md defines it). */
  readonly complete?: boolean;
  /** Exhaustive with `reduce`: the alternatives not run because they were equivalent to a run one. */
  readonly pruned?: number;
  /**
   * Exhaustive: the most bare `loop.jitter` draws (with a range) met in one run, each tried at its two
   * bounds only; when present, `complete` is false. Durations given to a timer as `uncertain(min, max)`
   * are followed by the loop and tried at every critical point instead.
   */
  readonly boundsOnly?: number;
  /** PCT: the probability bound of the summary. */
  readonly confidence?: number;
  /** PCT: the bug depth the bound is about. */
  readonly depth?: number;
  /** PCT: the largest task count observed (n). */
  readonly tasks?: number;
  /** PCT: k, the decision points per run over which the change points are drawn. */
  readonly steps?: number;
  /**
   * PCT: where k comes from: `"run 0"` (the decision count of the campaign's run 0, which has no change
   * point; see {@link ExplorationPolicy.calibrate}), `"given"` (the `steps` option) or `"observed"` (the
   * largest count in the runs so far: a policy driven by hand, without `explore`).
   */
  readonly stepsFrom?: "run 0" | "given" | "observed";
  /** PCT: the largest decision count observed in the runs (may exceed {@link Coverage.steps}). */
  readonly observedSteps?: number;
}

/**
 * A scheduling policy that an exploration can drive over many runs. It is a plain core
 * `SchedulingPolicy` too: `new EventLoop({ policy: random(1) })` works.
 *
 * @example
 * ```ts
 * const policy = random(7);
 * policy.beginRun(0);
 * new EventLoop({ policy }).runUntilComplete(program(loop));
 * policy.schedule().toString();
 * ```
 */
export interface ExplorationPolicy extends SchedulingPolicy {
  /**
   * Whether `endRun` reads {@link RunObservation.tasks}. Counting the tasks that ran needs a traced run,
   * which `explore` otherwise skips; when this is undefined, `explore` assumes a
   * {@link RecordingPolicy} reads it if it overrides `endRun`.
   */
  readonly observesTasks?: boolean;
  /**
   * Called by `explore` once, before its first run. `pilot(r)` runs run r of the campaign on this
   * policy (`beginRun(r)`, the run with its loop seed, no `endRun`; it is not one of the campaign's runs)
   * and returns what it observed. A policy that learns a per-program estimate — PCT's k — takes it from a
   * fixed run rather than from whichever runs came before, calling `pilot` when the campaign does not
   * contain that run (`firstRun`), so that run r depends only on (program, seed, r): a campaign split
   * over workers or shards then explores the same schedules as one sequential campaign.
   */
  calibrate?(pilot: (run: number) => RunObservation): void;
  /**
   * Called with each run's fresh loop before the program starts, when the policy needs to watch the run
   * (exhaustive with `reduce` adds an instrument that records what each step touched). Optional: a
   * policy without it costs the run nothing.
   */
  observe?(loop: EventLoop): void;
  /** Prepares run `run` (0-based). Returns false when nothing is left to explore. */
  beginRun(run: number): boolean;
  /** Tells the policy how the run went. */
  endRun(observation: RunObservation): void;
  /** The decisions of the current (or last) run. */
  schedule(): Schedule;
  /** What the runs so far covered. */
  coverage(): Coverage;
}

/**
 * A candidate's owner task, if any: the task a step resumes or the task that armed a timer.
 *
 * @example
 * ```ts
 * point.candidates.map((handle) => taskOf(handle)?.getName() ?? "main");
 * ```
 */
export function taskOf(handle: Handle): Task<unknown> | null {
  return handle.task;
}

/**
 * The candidate labels of a choice point, for reports.
 *
 * @example
 * ```ts
 * candidateLabels(point); // ["a sleep until t=1, Task-2", "whatever else is ready first (these timers …)"] ("sleep(1) in deposit (bank.ts:16), Task-2" on a loop traced with sites)
 * ```
 */
export function candidateLabels(point: ChoicePoint): string[] {
  switch (point.kind) {
    case "tie": {
      const labels = point.candidates.map(handleWords);
      // The policy may let other ready callbacks run first: these timers then fire later at the same instant.
      if (point.canDefer) labels.push("whatever else is ready first (these timers fire later at the same instant)");
      return labels;
    }
    case "interleave":
      return point.candidates.map(handleWords);
    case "fault":
      return [`let ${point.task.getName()} wait`, `cancel ${point.task.getName()}`];
    case "delivery": {
      const labels = point.candidates.map(
        (d) => `the reply to ${d.label}${d.task === null ? "" : `, ${d.task.getName()}`} arrives now`,
      );
      if (point.timer !== null) labels.push(`none yet: ${handleWords(point.timer)} comes first`);
      return labels;
    }
  }
}

/**
 * A base class for policies: it records every decision (kind, options, pick, time, candidates) and
 * implements the run life cycle; subclasses implement {@link RecordingPolicy.pick} and
 * {@link RecordingPolicy.draw}.
 *
 * @example
 * ```ts
 * class LastFirst extends RecordingPolicy {
 *   protected pick(point: ChoicePoint): number { return point.options - 1; }
 *   protected draw(point: JitterPoint): number { return point.max; }
 * }
 * ```
 */
export abstract class RecordingPolicy implements ExplorationPolicy {
  /** The policy's name, for reports. */
  readonly name: string;
  /** The choice points this policy asks to see. */
  readonly levels: PolicyLevels;
  /** See {@link ExplorationPolicy.observesTasks}. */
  readonly observesTasks?: boolean;
  /** Whether to keep candidate labels (costs a little per decision; `explore` turns it off while exploring). */
  protected labelled = true;
  private readonly _decisions = new DecisionLog();
  /** The runs begun so far. */
  protected runs = 0;

  constructor(name: string, levels: PolicyLevels) {
    this.name = name;
    this.levels = levels;
  }

  /** Answers a choice point with an index in `[0, point.options)`. */
  protected abstract pick(point: ChoicePoint): number;
  /** Draws an uncertain duration in `[point.min, point.max]`. */
  protected abstract draw(point: JitterPoint): number;

  /** Answers a choice point (through {@link RecordingPolicy.pick}) and records the decision. */
  choose(point: ChoicePoint): number {
    const pick = this.pick(point);
    // A pick that is not a number (which core refuses) is kept whole: the log's numbers cannot hold it.
    if (!this.labelled && typeof pick === "number") {
      this._decisions.push(point.kind, point.options, pick, point.time, point.iteration);
    } else {
      const decision: Decision = {
        kind: point.kind,
        options: point.options,
        pick,
        time: point.time,
        iteration: point.iteration,
      };
      this._decisions.pushWhole(this.labelled ? { ...decision, labels: candidateLabels(point) } : decision);
    }
    return pick;
  }

  /** Draws an uncertain duration (through {@link RecordingPolicy.draw}) and records it with its bounds. */
  chooseDuration(point: JitterPoint): number {
    const value = this.draw(point);
    const decision = jitterDecision(point, value);
    this._decisions.pushWhole(point.deadlines === undefined ? decision : { ...decision, deadlines: point.deadlines });
    return value;
  }

  /** The number of decisions asked so far in this run. */
  protected get step(): number {
    return this._decisions.length;
  }

  /** Starts a run: forgets the previous run's decisions. Returns false when the policy has no run left. */
  beginRun(_run: number): boolean {
    this._decisions.clear();
    this.runs++;
    return true;
  }

  /** Ends a run with what was observed (subclasses learn from it, e.g. PCT's k from run 0). */
  endRun(_observation: RunObservation): void {}

  /** The decisions of the current run, as a schedule. */
  schedule(): Schedule {
    return new Schedule(this._decisions.decisions());
  }

  /** @internal The decisions of the current run (built once each, no copy): for `explore`'s per-run bookkeeping. */
  _recorded(): readonly Decision[] {
    return this._decisions.decisions();
  }

  /** @internal The decisions of the current run as recorded, read without building an object per decision. */
  _log(): DecisionLog {
    return this._decisions;
  }

  /**
   * @internal Forgets the decisions and hands the log's buffer to the next policy's log: for a policy a
   * campaign made itself, once the campaign is over (nothing reads it any more).
   */
  _release(): void {
    this._decisions.release();
  }

  /** @internal Turns candidate labels on or off; returns the previous setting. */
  _labelling(on: boolean): boolean {
    const previous = this.labelled;
    this.labelled = on;
    return previous;
  }

  /** What the runs so far covered, for the campaign's report. */
  coverage(): Coverage {
    return { policy: this.name, summary: `${this.runs} run(s) under ${this.name}` };
  }
}

/**
 * Mixes an exploration seed and a run index into the seed of that run (deterministic, well spread).
 *
 * The seed and the run index are each scrambled on their own before they are combined, so campaigns
 * with nearby seeds (1, 2, 3 …) share no run seeds beyond chance: each campaign is a fresh sample.
 *
 * @example
 * ```ts
 * new EventLoop({ seed: runSeed(1, 7) }); // the loop of run 7 of a campaign with seed 1
 * ```
 */
export function runSeed(seed: number, run: number): number {
  return scramble(scramble(Math.trunc(seed) ^ 0x9e3779b9) ^ scramble(run + 0x7f4a7c15));
}

/** A bijective 32-bit finaliser (every input bit flips about half the output bits). */
function scramble(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
