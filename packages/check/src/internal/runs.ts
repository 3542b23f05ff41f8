/**
 * Runs as requests: the campaign loops, the shrinker, the failure analysis and replay are written once,
 * as generator functions that `yield` a {@link RunRequest} ("run the program with this policy and loop
 * seed") and receive its {@link RunResult}. A driver answers the requests: {@link driveSync} with a run
 * that returns (generator programs, `explore`), {@link driveAsync} with one that returns a Promise
 * (async programs, `exploreAsync`). The logic never learns which, so both modes share every decision
 * of a campaign: which run comes next, what is kept while shrinking, what the report says.
 *
 * @module
 */
import type { SchedulingPolicy } from "@simloop/core";
import { watchGlobals } from "../determinism.ts";
import { execute, type Executed, type Program, type RunOptions } from "../run-program.ts";

/** @internal One run asked for: the program, on a fresh loop with this policy and seed. */
export interface RunRequest {
  readonly policy: SchedulingPolicy | undefined;
  readonly seed: number;
  readonly options: RunOptions;
  /** `true` for a full trace, `false` for none, `"steppers"` to count the tasks that ran. */
  readonly trace: boolean | "steppers";
  /** Watch the sources of nondeterminism during the run, and name those met in `culprits`. */
  readonly watch: boolean;
}

/** @internal What a run gave: the executed run, and what it was seen to call when watched. */
export interface RunResult extends Executed {
  readonly culprits: readonly string[];
}

/** @internal A computation that asks for runs and returns a `T`. */
export type Runs<T> = Generator<RunRequest, T, RunResult>;

/** @internal Asks for one run (use as `yield* run(…)`). */
export function* run(
  policy: SchedulingPolicy | undefined,
  seed: number,
  options: RunOptions,
  trace: boolean | "steppers",
  watch = false,
): Runs<RunResult> {
  return yield { policy, seed, options, trace, watch };
}

/** @internal Answers every request of `runs` with `execute`, synchronously. */
export function driveSync<T>(runs: Runs<T>, execute: (request: RunRequest) => RunResult): T {
  let step = runs.next();
  while (step.done !== true) {
    let result: RunResult;
    try {
      result = execute(step.value);
    } catch (error) {
      step = runs.throw(error); // the computation's own `finally` blocks run
      continue;
    }
    step = runs.next(result);
  }
  return step.value;
}

/** @internal Answers every request of `runs` with `execute`, one run at a time, awaiting each. */
export async function driveAsync<T>(runs: Runs<T>, execute: (request: RunRequest) => Promise<RunResult>): Promise<T> {
  let step = runs.next();
  while (step.done !== true) {
    let result: RunResult;
    try {
      result = await execute(step.value);
    } catch (error) {
      step = runs.throw(error); // the computation's own `finally` blocks run
      continue;
    }
    step = runs.next(result);
  }
  return step.value;
}

const NONE: readonly string[] = Object.freeze([]);

/** @internal Runs a generator `program` as asked, on the calling stack (`watch`: globals watched). */
export function executeSync(program: Program): (request: RunRequest) => RunResult {
  return (request) => {
    const { policy, seed, options, trace } = request;
    if (!request.watch) {
      const executed = execute(program, policy, seed, options, trace);
      return {
        loop: executed.loop,
        failure: executed.failure,
        value: executed.value,
        tasks: executed.tasks,
        culprits: NONE,
      };
    }
    const watched = watchGlobals(() => execute(program, policy, seed, options, trace));
    return { ...watched.value, culprits: watched.culprits };
  };
}
