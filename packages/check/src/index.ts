/**
 * @simloop/check: explore the schedules of a simloop program, find the concurrency bug, shrink its
 * schedule, replay it.
 *
 * @packageDocumentation
 */
export {
  CheckArgumentError,
  CheckError,
  ExceptionHandlerCalledError,
  ExplorationFailedError,
  InvariantViolationError,
  LeftoverTasksError,
  NondeterminismError,
  ReplayDivergenceError,
  ReportWriteError,
  ScheduleParseError,
  UnretrievedExceptionError,
  WatchdogTimeoutError,
  WorkerExitError,
  WorkerStoppedError,
} from "./errors.ts";
export { DEFAULT_LEVELS, describeLevels, resolveLevels } from "./levels.ts";
export type { LevelOptions } from "./levels.ts";
export { compareSimplicity, fifoDecision, isDeviation, Schedule, SCHEDULE_FORMAT } from "./schedule.ts";
export type { Decision, DecisionKind, Repeat } from "./schedule.ts";
export { candidateLabels, RecordingPolicy, runSeed } from "./exploration-policy.ts";
export type { Coverage, ExplorationPolicy, RunObservation } from "./exploration-policy.ts";
export { fifo } from "./fifo-policy.ts";
export { random } from "./random-policy.ts";
export type { RandomOptions } from "./random-policy.ts";
export { mixed, pct, pctBound } from "./pct.ts";
export { PROBES, type Probe } from "./probes.ts";
export type { PctOptions } from "./pct.ts";
export { exhaustive } from "./exhaustive.ts";
export { criticalPoints, drawDuration } from "./critical-points.ts";
export type { UniformSource } from "./critical-points.ts";
export type { ExhaustiveOptions } from "./exhaustive.ts";
export type { SharedState } from "./footprints.ts";
export { replaying } from "./replaying-policy.ts";
export type { Divergence, ReplayingPolicy } from "./replaying-policy.ts";
export { choices, jitterPick, scheduleArb } from "./choices.ts";
export { LoopScheduler } from "./loop-scheduler.ts";
export {
  NothingScheduledError,
  SchedulerNotDrivenError,
  SchedulerRetiredError,
  SchedulerStalledError,
} from "./scheduler-errors.ts";
export type { LoopSchedulerReportItem } from "./loop-scheduler.ts";
export { SimloopScheduler, simloopScheduler } from "./simloop-scheduler.ts";
export type { SimloopSchedulerOptions, SimloopSchedulerPolicy } from "./simloop-scheduler.ts";
export type { ChoicesOptions, ScheduleArbOptions } from "./choices.ts";
export { classifyError, DEFAULT_MAX_STEPS, runProgram } from "./run-program.ts";
export type { FailureKind, Program, RunFailure, RunOptions, RunOutcome } from "./run-program.ts";
export { shrinkSchedule } from "./shrink.ts";
export type { ShrinkOptions, ShrinkResult } from "./shrink.ts";
export { replay } from "./replay.ts";
export type { ReplayOptions, ReplayResult } from "./replay.ts";
export { compareTraces, traceLines, watchGlobals } from "./determinism.ts";
export type { TraceDifference } from "./determinism.ts";
export { formatReport, formatTimeline, replayLine } from "./report.ts";
export type { ReportInput, TimerJitterBounds } from "./report.ts";
export { toChromeTrace } from "./chrome-trace.ts";
export type { ChromeTrace, ChromeTraceEvent, ChromeTraceOptions } from "./chrome-trace.ts";
export { formatLanes, LANES_LEGEND, lanesLegend, pendingOf, runLanes } from "./lanes.ts";
export type { FormatLanesOptions, LaneOptions, LaneSpan, LaneStep, RunLanes, TaskLane, WaitState } from "./lanes.ts";
export { escapeHtml, htmlReport, writeHtmlReport } from "./html-report.ts";
export type { HtmlReportInput, HtmlReportOptions } from "./html-report.ts";
export { assertExplore, explore } from "./explore.ts";
export type { ExploreFailure, ExploreOptions, ExploreResult, ExploreWarning, PolicyName } from "./explore-options.ts";
export { assertExploreAsync, DEFAULT_RUN_WATCHDOG_MS, exploreAsync } from "./explore-async.ts";
export type { ExploreAsyncOptions } from "./explore-async.ts";
export { replayAsync } from "./replay-async.ts";
export type { ReplayAsyncOptions } from "./replay-async.ts";
export { checkInvariants, invariantViolations } from "./invariants.ts";
export type { OrderingInvariant } from "./invariants.ts";
export { always, createStore, eventually, StateStore } from "./store.ts";
export type { StateStep, StoreOptions } from "./store.ts";
export { loopProgramArb, runLoopProgram } from "./program-arb.ts";
export type { LoopOp, LoopProgram, LoopProgramLog, TaskStep } from "./program-arb.ts";
export { exploreParallel } from "./parallel.ts";
export type { ParallelFailure, ParallelOptions, ParallelResult } from "./parallel.ts";
export { asyncProgram, exploreProgram, isAsyncProgram } from "./program-kind.ts";
export {
  rerunPattern,
  runSimloopCheck,
  runSimloopCheckAsync,
  shardRuns,
  simloopTest,
  withEnvironment,
  withSeed,
} from "./simloop-test.ts";
export type { Environment, SimloopTestOptions, TestContextLike, TestFunction } from "./simloop-test.ts";
export { consoleOutput, progressLine, summaryLine } from "./progress.ts";
export type { CampaignSummary, ExploreProgress, ProgressOutput } from "./progress.ts";
