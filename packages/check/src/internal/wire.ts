/**
 * What crosses the worker boundary of `exploreParallel`: plain data only (schedules as text and as
 * decisions with their labels, errors as name and message).
 *
 * @module
 */
import { describeError, describeValue, type TaskSite, type TraceEvent } from "@simloop/core";
import type { ExploreResult, ExploreWarning } from "../explore-options.ts";
import type { Coverage } from "../exploration-policy.ts";
import type { FailureKind } from "../run-program.ts";
import type { TimerJitterBounds } from "../report.ts";
import type { Decision } from "../schedule.ts";

/** @internal What a worker is asked to do. */
export interface WorkerRequest {
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly options: Record<string, unknown>;
}

/** @internal A failure as plain data. */
export interface WireFailure {
  /** The run's failure kind, or how its worker stopped without answering. */
  readonly kind: FailureKind | "watchdog" | "worker-exit";
  readonly errorName: string;
  readonly errorMessage: string;
  readonly schedule: string;
  readonly original: string;
  readonly seed: number;
  readonly runSeed: number;
  readonly run: number;
  readonly shrinkRuns: number;
  readonly report: string;
  readonly trace: readonly TraceEvent[];
  /**
   * What the HTML report draws besides the trace (absent when the worker stopped without answering): the
   * run's untrimmed decisions with their candidates' labels (the text form drops labels), its tasks, the
   * replay line, and whether the program is an async one with its timer jitter. `scheduleDecisions` is
   * the shrunk schedule's decisions with where each was asked (its text form drops that).
   */
  readonly scheduleDecisions?: readonly Decision[];
  readonly decisions?: readonly Decision[];
  readonly tasks?: readonly TaskSite[];
  readonly replay?: string;
  readonly async?: true;
  readonly timerJitter?: TimerJitterBounds;
}

/** @internal A worker's result as plain data. */
export interface WireResult {
  readonly ok: boolean;
  readonly runs: number;
  readonly distinctSchedules: number;
  readonly distinctSchedulesEstimated: boolean;
  readonly warnings?: readonly ExploreWarning[];
  readonly decisionPoints: number;
  readonly coverage: Coverage;
  readonly policy: string;
  readonly failure?: WireFailure;
}

/** An error's name and message as strings, whatever was thrown. */
function errorParts(error: unknown): { errorName: string; errorMessage: string } {
  try {
    if (error instanceof Error)
      return { errorName: describeValue(error.name), errorMessage: describeValue(error.message) };
  } catch {
    // A revoked Proxy: described below.
  }
  return { errorName: typeof error, errorMessage: describeError(error) };
}

/** Decisions as plain data a worker can post: labels and deadlines as copied arrays of strings and numbers. */
function plain(decisions: readonly Decision[]): Decision[] {
  return decisions.map((d) => ({
    ...d,
    ...(d.labels === undefined ? {} : { labels: d.labels.map(String) }),
    ...(d.deadlines === undefined ? {} : { deadlines: [...d.deadlines] }),
  }));
}

/** @internal */
export function toWire(result: ExploreResult): WireResult {
  const f = result.failure;
  const base = {
    ok: result.ok,
    runs: result.runs,
    distinctSchedules: result.distinctSchedules,
    distinctSchedulesEstimated: result.distinctSchedulesEstimated,
    warnings: result.warnings,
    decisionPoints: result.decisionPoints,
    coverage: result.coverage,
    policy: result.policy,
  };
  if (f === undefined) return base;
  let trace: readonly TraceEvent[];
  try {
    trace = structuredClone(f.trace);
  } catch {
    trace = f.trace.map((e) => ({ ...e, detail: e.detail === undefined ? undefined : String(e.detail) }));
  }
  return {
    ...base,
    failure: {
      kind: f.kind,
      ...errorParts(f.error),
      schedule: f.schedule.toString(),
      original: f.original.toString(),
      seed: f.seed,
      runSeed: f.runSeed,
      run: f.run,
      shrinkRuns: f.shrinkRuns,
      report: f.report,
      trace,
      scheduleDecisions: plain(f.schedule.decisions),
      decisions: plain(f.decisions.decisions),
      tasks: f.tasks.map((t) => ({ ...t })),
      replay: f.replay,
      ...(f.async === undefined ? {} : { async: f.async }),
      ...(f.timerJitter === undefined ? {} : { timerJitter: { ...f.timerJitter } }),
    },
  };
}
