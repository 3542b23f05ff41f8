/**
 * `simloopScheduler()`: the one-line replacement for `fc.scheduler()` in `fc.asyncProperty`. Each
 * generated scheduler is a {@link LoopScheduler} on a fresh loop that it drives itself in async mode, with
 * the virtual globals (`setTimeout`, `Date`, …) bound to that loop while the property runs; fast-check
 * generates the schedule from its own seed and shrinks it.
 *
 * How a schedule is generated and shrunk: a generated scheduler picks among the pending deliveries with
 * its {@link SimloopSchedulerOptions.policy}: by default with fast-check's own draws, made as
 * `fc.scheduler()` makes them, so that on a program without timers a seed releases the tasks in the
 * order `fc.scheduler()` releases them (see `internal/scheduler-draws.ts`). It records its decisions;
 * fast-check shrinks a failing one by shrinking those decisions as an array of naturals (shorter, then
 * smaller: toward the oldest-first order), each candidate replayed by `choices`.
 *
 * How long a scheduler drives its loop: from its creation (fast-check creates it just before calling the
 * property) while the loop has something to run — a callback ready, a timer pending, a scheduled task
 * offered during a wait. When the loop has nothing left it pauses and unbinds the globals (the property
 * ended, or it awaits something outside virtual time); a later call to the scheduler resumes it. The
 * next scheduler of the campaign retires the previous one. One driven loop at a time.
 *
 * @module
 */
import fc from "fast-check";
import { install, installedGlobals, type InstallOptions, type VirtualGlobals } from "@simloop/async";
import { EventLoop, type SchedulingPolicy } from "@simloop/core";
import { choices } from "./choices.ts";
import { SchedulerRetiredError, SchedulerStalledError } from "./scheduler-errors.ts";
import { SelfDriver } from "./internal/self-driver.ts";
import type { RecordingPolicy } from "./exploration-policy.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";
import { LoopScheduler } from "./loop-scheduler.ts";
import { random } from "./random-policy.ts";
import { replaying } from "./replaying-policy.ts";
import { SchedulerDraws } from "./internal/scheduler-draws.ts";
import { CheckArgumentError } from "./errors.ts";

/**
 * How a generated scheduler picks which scheduled task resolves next (see {@link SimloopSchedulerOptions.policy}):
 * `"fast-check"`, fast-check's own draws as `fc.scheduler()` makes them; `"random"`, simloop's seeded
 * uniform picks.
 */
export type SimloopSchedulerPolicy = "fast-check" | "random";

const POLICIES: readonly SimloopSchedulerPolicy[] = ["fast-check", "random"];

/** Options of {@link simloopScheduler}; the install options apply when no virtual globals are installed. */
export interface SimloopSchedulerOptions extends InstallOptions {
  /**
   * How a generated scheduler picks the task released next. Default `"fast-check"`: each pick is drawn
   * from the random generator fast-check gave the run, one `nextInt(0, pending − 1)` per released task,
   * exactly as `fc.scheduler()` draws, so on a program without timers a seed gives `fc.scheduler()`'s
   * schedule (the switch keeps which seeds fail and after how many runs); timer ties and jitter, which
   * `fc.scheduler()` does not have, are drawn from a PRNG seeded by the run. `"random"`: every pick from
   * simloop's PRNG, seeded by the run (uniform too, with other draws). Measured on the Promise twins
   * (decision 0037): no policy tried (PCT runs, oldest- or newest-first priorities, mixes of them with
   * uniform runs) found every twin in as few runs per run as a uniform pick, so the default keeps
   * `fc.scheduler()`'s uniform draws.
   */
  readonly policy?: SimloopSchedulerPolicy;
  /** The choice points explored. Default: `io` (the scheduled tasks), `ties` and `jitter` on. */
  readonly levels?: LevelOptions;
  /** A schedule line from a failure (`"v2:d2=1,d2=0"`): every generated scheduler replays it. */
  readonly replay?: string;
  /** Wraps every release, as `fc.scheduler({ act })`. */
  readonly act?: (f: () => Promise<void>) => Promise<unknown>;
  /** The loop's iteration budget per property run. Default 100 000. */
  readonly maxSteps?: number;
}

/** Where a generated scheduler's picks come from. */
type Source =
  | { readonly kind: "generated"; readonly seed: number; readonly draws: fc.Random }
  | { readonly kind: "choices"; readonly picks: readonly number[] }
  | { readonly kind: "replay"; readonly line: string };

const JITTER_STEPS = 100;

// ---------------------------------------------------------------- one driven loop at a time

let bound: SimloopScheduler | null = null;
let ownGlobals: VirtualGlobals | null = null;

function bindTo(scheduler: SimloopScheduler, options: InstallOptions): void {
  if (bound === scheduler) return;
  if (bound !== null) unbindFrom(bound, false);
  const globals = installedGlobals() ?? (ownGlobals = install(options));
  globals.bind(scheduler.loop);
  bound = scheduler;
}

/** Unbinds the globals from `scheduler`'s loop; uninstalls them too when it installed them and `uninstall`. */
function unbindFrom(scheduler: SimloopScheduler, uninstall = true): void {
  if (bound !== scheduler) return;
  bound = null;
  installedGlobals()?.unbind();
  if (uninstall && ownGlobals !== null) {
    ownGlobals.uninstall();
    ownGlobals = null;
  }
}

/**
 * A {@link LoopScheduler} that drives its own loop (see the module header): what
 * {@link simloopScheduler} generates. Its `toString()` (fast-check's counterexample) gives the schedule
 * as a `replay` option, then the report.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(simloopScheduler(), async (s) => { … await s.waitIdle(); … }));
 * ```
 */
export class SimloopScheduler<TMetaData = unknown> extends LoopScheduler<TMetaData> {
  /** The policy answering the loop's choice points (it records the decisions). */
  readonly policy: RecordingPolicy;
  /** The policy again when it draws as `fc.scheduler()` (it spends a draw on a release it was not asked about). */
  private readonly _draws: SchedulerDraws | null;
  private readonly _options: SimloopSchedulerOptions;
  private readonly _driver: SelfDriver;
  private _retired = false;
  private _ran = false;

  /** @internal Made by {@link simloopScheduler}'s arbitrary. */
  constructor(source: Source, options: SimloopSchedulerOptions) {
    const policy = policyOf(source, options);
    const loop = new EventLoop({
      policy: policy as SchedulingPolicy,
      seed: source.kind === "generated" ? source.seed : 0,
      maxSteps: options.maxSteps ?? 100_000,
    });
    super(loop, options.act === undefined ? {} : { act: options.act as fc.SchedulerAct });
    this.policy = policy;
    this._draws = policy instanceof SchedulerDraws ? policy : null;
    this._options = options;
    this._driver = new SelfDriver(loop, {
      mayEnd: () => this._waitNames().length === 0,
      stalled: (deadlock) => this._stalled(deadlock),
      failed: (error) => this._failed(error),
      idle: (settled) => {
        if (settled) unbindFrom(this);
      },
    });
    policy.beginRun(0);
    loop.addInstrument({ scheduled: () => this._wake() });
    if (bound !== null) bound._retire();
    bindTo(this, options);
  }

  /**
   * The decisions made so far, as the naturals `choices` replays (a jitter draw as hundredths of its
   * range), without the trailing zeros (`choices` answers 0 past its end): what shrinking starts from.
   */
  picks(): number[] {
    const picks = this.policy
      .schedule()
      .decisions.map((d) =>
        d.kind === "jitter"
          ? d.max === undefined || d.min === undefined || d.max === d.min
            ? 0
            : Math.round(((d.pick - d.min) / (d.max - d.min)) * JITTER_STEPS)
          : d.pick,
      );
    let end = picks.length;
    while (end > 0 && picks[end - 1] === 0) end--;
    return picks.slice(0, end);
  }

  /** Whether the scheduler was used (something was scheduled or waited for). */
  get ran(): boolean {
    return this._ran;
  }

  /** The schedule as a `replay` option, then the report, one task a line. */
  override toString(): string {
    const report = super.toString().replace(/^LoopScheduler`/, "");
    return `simloopScheduler({ replay: ${JSON.stringify(this.policy.schedule().toString())} })\`${report}`;
  }

  protected override _activity(_wait: string | null): Error | null {
    this._ran = true;
    if (this._retired) return new SchedulerRetiredError();
    this._wake();
    return null;
  }

  protected override _released(): void {
    this._draws?.released();
  }

  protected override _waitEnded(): void {
    this._driver.endIfIdle();
  }

  /** @internal The campaign's next scheduler was created: this one stops driving. */
  _retire(): void {
    this._retired = true;
    this._driver.stop();
    // The next scheduler binds the same installation: installing once per campaign, not per run.
    unbindFrom(this, false);
  }

  /** Something may need driving: a session begins (the globals bound to this loop) unless one is open. */
  private _wake(): void {
    if (this._driver.driving || this._retired) return;
    bindTo(this, this._options);
    this._driver.start();
  }

  /** The loop had nothing left while waits ran: they can never end. */
  private _stalled(deadlock: unknown): void {
    this._failWaiters(new SchedulerStalledError(this._waitNames().join(" and "), this.loop.time(), deadlock));
  }

  private _failed(error: unknown): void {
    unbindFrom(this);
    if (this._waitNames().length > 0) this._failWaiters(error);
    // No wait to reject: rethrown outside the run, so the test runner reports it (never lost).
    else void Promise.reject(error);
  }
}

function policyOf(source: Source, options: SimloopSchedulerOptions): RecordingPolicy {
  const levels = { ...resolveLevels(options.levels), io: options.levels?.io ?? true };
  switch (source.kind) {
    case "generated":
      return options.policy === "random"
        ? random(source.seed, { levels })
        : new SchedulerDraws(source.draws, source.seed, levels);
    case "choices":
      return choices(source.picks, levels);
    case "replay":
      return replaying(source.line, levels);
  }
}

const picksArb = fc.array(fc.nat());

class SimloopSchedulerArbitrary<TMetaData> extends fc.Arbitrary<SimloopScheduler<TMetaData>> {
  private readonly options: SimloopSchedulerOptions;

  constructor(options: SimloopSchedulerOptions) {
    super();
    if (options.policy !== undefined && !POLICIES.includes(options.policy)) {
      throw new CheckArgumentError(
        `simloopScheduler expects \`policy\` to be one of ${POLICIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(options.policy)}.`,
      );
    }
    this.options = options;
  }

  generate(mrng: fc.Random): fc.Value<SimloopScheduler<TMetaData>> {
    // The draws are a clone of the generator as fast-check handed it over, which is what fc.scheduler() draws from.
    const source: Source =
      this.options.replay === undefined
        ? { kind: "generated", draws: mrng.clone(), seed: mrng.nextInt(0, 0x7fffffff) }
        : { kind: "replay", line: this.options.replay };
    return new fc.Value(new SimloopScheduler<TMetaData>(source, this.options), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is SimloopScheduler<TMetaData> {
    return value instanceof SimloopScheduler && value.ran;
  }

  shrink(value: SimloopScheduler<TMetaData>): fc.Stream<fc.Value<SimloopScheduler<TMetaData>>> {
    if (this.options.replay !== undefined || !value.ran) return fc.Stream.nil();
    const options = this.options;
    return picksArb
      .shrink(value.picks(), undefined)
      .map(
        (picks) =>
          new fc.Value(new SimloopScheduler<TMetaData>({ kind: "choices", picks: picks.value }, options), undefined),
      );
  }
}

/**
 * The arbitrary to put where `fc.scheduler()` was: `fc.asyncProperty(simloopScheduler(), async (s) => …)`.
 * Each run gets a {@link SimloopScheduler}: the same `Scheduler` interface, on a fresh loop with virtual
 * time; its picks are fast-check's own draws, made as `fc.scheduler()` makes them (on a program without
 * timers, a seed releases the tasks in `fc.scheduler()`'s order; `policy: "random"` draws from simloop's
 * PRNG instead), and shrink toward the oldest-first order; a failure's counterexample prints
 * `simloopScheduler({ replay: "v2:…" })`, which replays that schedule.
 *
 * @throws {@link CheckArgumentError} when `policy` is not `"fast-check"` or `"random"`.
 * @example
 * ```ts
 * await fc.assert(
 *   fc.asyncProperty(simloopScheduler(), async (s) => {
 *     const fetchUser = s.scheduleFunction(api.fetchUser);
 *     const page = renderProfile(fetchUser); // may use setTimeout, Date.now: virtual
 *     await s.waitIdle();
 *     expect(page.state).toBe("loaded");
 *   }),
 * );
 * ```
 */
export function simloopScheduler<TMetaData = unknown>(
  options: SimloopSchedulerOptions = {},
): fc.Arbitrary<SimloopScheduler<TMetaData>> {
  return new SimloopSchedulerArbitrary<TMetaData>(options);
}
