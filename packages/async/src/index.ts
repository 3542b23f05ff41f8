/**
 * @simloop/async: async mode. Unmodified async/await code, its timers, `Date` and `performance.now`, on
 * the loop's virtual time, each virtual callback dispatched from a real macrotask of its own (exact
 * quiescence).
 *
 * @packageDocumentation
 */
export { runUntilCompleteAsync } from "./driver.ts";
export type { AsyncMain, DriveOptions } from "./driver.ts";
export { runAsync, runProgramAsync, classifyAsyncError, DEFAULT_ASYNC_MAX_STEPS } from "./run-async.ts";
export type { AsyncFailureKind, AsyncProgram, AsyncRunFailure, AsyncRunOutcome, RunAsyncOptions } from "./run-async.ts";
export { fromPromise, toPromise } from "./bridges.ts";
export {
  ALL_VIRTUAL_GLOBALS,
  DEFAULT_EPOCH,
  DEFAULT_PERFORMANCE_ORIGIN,
  VirtualGlobals,
  install,
  installedGlobals,
} from "./virtual-globals.ts";
export type { InstallOptions, TimerJitter, VirtualGlobalName } from "./virtual-globals.ts";
export { TIMEOUT_MAX, VirtualImmediate, VirtualTimeout } from "./virtual-timers.ts";
export { AbortError } from "./timers-promises.ts";
export type { PromiseTimerOptions } from "./timers-promises.ts";
export {
  AsyncDeadlockError,
  AsyncModeError,
  LeftoverTimersError,
  UncaughtExceptionError,
  UnhandledRejectionError,
  VirtualGlobalsError,
  WatchdogTimeoutError,
} from "./errors.ts";
