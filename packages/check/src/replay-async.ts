/**
 * `replayAsync`: {@link replay} for an async/await program: the run of a recorded schedule again, on
 * virtual time, the globals installed for the replay and restored on every exit path.
 *
 * @module
 */
import { install, type AsyncProgram } from "@simloop/async";
import { asyncRunSettings, executeAsync, type ExploreAsyncOptions } from "./explore-async.ts";
import { driveAsync } from "./internal/runs.ts";
import { replayRun, type ReplayOptions, type ReplayResult } from "./replay.ts";
import type { Schedule } from "./schedule.ts";

/** Options of {@link replayAsync}: those of `replay`, the install options, the watchdog and leftover timers. */
export interface ReplayAsyncOptions
  extends
    ReplayOptions,
    Pick<
      ExploreAsyncOptions,
      "watchdog" | "allowLeftoverTimers" | "toFake" | "now" | "performanceOrigin" | "timeZone" | "random" | "jitter"
    > {}

/**
 * Runs the async `program` under `schedule` (a `Schedule` or its text form, as the report's replay
 * line gives it) and resolves to the outcome with its trace: the same program, schedule, seed and
 * install options give the identical run, so a replay is a test.
 * @throws (as a rejection) `CheckArgumentError` when `schedule` is neither a Schedule nor a string;
 * `ReplayDivergenceError` when `strict` (the default) and the program asked other questions than the
 * recording answered; `VirtualGlobalsError` when virtual globals are installed already.
 *
 * @example
 * ```ts
 * const { failure } = await replayAsync(program, "t2=1", { seed: 1 });
 * failure?.kind; // the failure the report showed
 * ```
 */
export async function replayAsync(
  program: AsyncProgram,
  schedule: Schedule | string,
  options: ReplayAsyncOptions = {},
): Promise<ReplayResult> {
  const globals = install(options);
  try {
    return await driveAsync(replayRun(schedule, options), executeAsync(program, asyncRunSettings(options, globals)));
  } finally {
    globals.uninstall();
  }
}
