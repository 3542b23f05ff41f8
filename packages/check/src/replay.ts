/**
 * Replay: run a program again under a recorded schedule.
 *
 * @module
 */
import { CheckArgumentError, ReplayDivergenceError } from "./errors.ts";
import type { LevelOptions } from "./levels.ts";
import { driveSync, executeSync, run, type Runs } from "./internal/runs.ts";
import { replaying, type Divergence } from "./replaying-policy.ts";
import { outcomeOf, type Program, type RunOptions, type RunOutcome } from "./run-program.ts";
import { describeArgument, Schedule } from "./schedule.ts";

/** Options of {@link replay}. */
export interface ReplayOptions extends Omit<RunOptions, "policy"> {
  /** The levels of the recording. Default: inferred from the decision kinds of the schedule. */
  readonly levels?: LevelOptions;
  /** Throw {@link ReplayDivergenceError} when the program leaves the recording. Default true. */
  readonly strict?: boolean;
}

/** What a replay produced: the run's outcome and where it left the recording, if it did. */
export interface ReplayResult extends RunOutcome {
  readonly divergence: Divergence | null;
}

/**
 * Runs `program` under `schedule` (a {@link Schedule} or its text form) and returns the outcome with
 * its trace; the same program, schedule and seed give the identical trace, so a replay is a test.
 * @throws {@link CheckArgumentError} when `schedule` is neither a Schedule nor a string.
 * @throws {@link ReplayDivergenceError} when `strict` (the default) and the program asked other
 * questions than the recording answered.
 *
 * @example
 * ```ts
 * const { failure, trace } = replay(program, "t2=1", { seed: 1 });
 * failure?.kind; // the failure the report showed
 * ```
 */
export function replay(program: Program, schedule: Schedule | string, options: ReplayOptions = {}): ReplayResult {
  return driveSync(replayRun(schedule, options), executeSync(program));
}

/** @internal {@link replay} as a run asked for (`internal/runs.ts`): `replay` and `replayAsync` share it. */
export function* replayRun(schedule: Schedule | string, options: ReplayOptions): Runs<ReplayResult> {
  if (!(schedule instanceof Schedule) && typeof schedule !== "string") {
    throw new CheckArgumentError(
      `replay() needs a schedule (a Schedule or its text form, such as failure.schedule or "t2=1" from a report), got ${describeArgument(schedule)}.`,
    );
  }
  const parsed = Schedule.from(schedule).trimmed();
  const policy = replaying(parsed, options.levels);
  policy.beginRun(0);
  const outcome = outcomeOf(yield* run(policy, options.seed ?? 0, options, true), policy);
  let divergence = policy.divergence();
  const asked = outcome.schedule.length;
  if (divergence === null && asked < parsed.length) {
    divergence = {
      index: asked,
      expected: `${parsed.length} decisions`,
      actual: `only ${asked} (the run ended first)`,
    };
  }
  if (divergence !== null && options.strict !== false) {
    throw new ReplayDivergenceError(divergence.index, divergence.expected, divergence.actual, divergence.time);
  }
  return { ...outcome, divergence };
}
