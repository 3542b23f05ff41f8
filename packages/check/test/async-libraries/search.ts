/**
 * A small stand-in for exploring an async program: runs it under a seeded random policy with every
 * `setTimeout` jittered, until a run fails; then replays the failing schedule.
 */
import { install, runProgramAsync, type AsyncProgram, type AsyncRunOutcome, type TimerJitter } from "@simloop/async";
import { random, replaying } from "../../src/index.ts";

export interface Found {
  readonly run: number;
  readonly schedule: string;
  readonly failure: NonNullable<AsyncRunOutcome<unknown>["failure"]>;
}

export async function search(
  program: AsyncProgram,
  options: { runs: number; seed?: number; jitter: TimerJitter },
): Promise<Found | null> {
  const globals = install({ jitter: options.jitter });
  try {
    const policy = random(options.seed ?? 1);
    for (let run = 0; run < options.runs; run++) {
      policy.beginRun(run);
      const outcome = await runProgramAsync(program, { policy, globals, seed: run });
      if (outcome.failure !== undefined)
        return { run, schedule: policy.schedule().toString(), failure: outcome.failure };
    }
    return null;
  } finally {
    globals.uninstall();
  }
}

export async function replayOnce(
  program: AsyncProgram,
  schedule: string,
  jitter: TimerJitter,
): Promise<AsyncRunOutcome<unknown>> {
  return runProgramAsync(program, { policy: replaying(schedule), jitter });
}
