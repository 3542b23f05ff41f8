/**
 * @simloop/core: CPython 3.11 asyncio's event loop, exact, on virtual time.
 *
 * @packageDocumentation
 */
export { EventLoop } from "./event-loop.ts";
export type { EventLoopOptions, RunUntilOptions } from "./loop-options.ts";
export type { ExceptionContext, ExceptionHandler, UnhandledMode } from "./exception-handler.ts";
export type { DeadlockWaiter } from "./errors.ts";
export { DrivenRun } from "./driven-run.ts";
export type { DrivenRunOptions, ForeignAwaitable } from "./driven-run.ts";
export { Future } from "./future.ts";
export type { DoneCallback, FutureState } from "./future.ts";
export { Task, isGenerator } from "./task.ts";
export type { Coroutine, TaskOptions, Yieldable } from "./task.ts";
export { Handle, TimerHandle } from "./handle.ts";
export { WaitableTimer } from "./waitable-timer.ts";
export { Uncertain, UncertainValueError, isUncertain, uncertain } from "./uncertain.ts";
export type { HandleKind } from "./handle.ts";
export { allTasks, currentTask, getRunningLoop, setEventLoop } from "./current-loop.ts";
export { getEventLoop, newEventLoop } from "./get-event-loop.ts";
export { asyncioOrder, NO_LEVELS } from "./policy.ts";
export { PendingDelivery } from "./delivery.ts";
export type {
  ChoicePoint,
  ChoiceRecord,
  DeliveryChoice,
  FaultChoice,
  InterleaveChoice,
  JitterPoint,
  PolicyLevels,
  SchedulingPolicy,
  TieChoice,
} from "./policy.ts";
export type { Instrument } from "./instrument.ts";
export { noteAccess } from "./access.ts";
export { Trace } from "./trace.ts";
export { Sites, describeSite, siteOf, taskSiteOf } from "./site.ts";
export type { Site, TaskSite } from "./site.ts";
export type { TraceEvent, TraceKind, TraceOptions } from "./trace.ts";
export { Random } from "./random.ts";
export { describeError, describeValue } from "./describe.ts";
export {
  ArgumentError,
  AwaitOutsideTaskError,
  BadYieldError,
  CancelledError,
  CloseRunningLoopError,
  DeadlockError,
  Interrupt,
  InterruptMisuseError,
  InvalidStateError,
  LoopClosedError,
  LoopMisuseError,
  LoopRunningError,
  LoopStoppedError,
  NoRunningLoopError,
  PolicyError,
  SimloopError,
  StepBudgetExceededError,
  TimeoutError,
  UnhandledErrorsError,
  WrongLoopError,
  isCancellation,
} from "./errors.ts";
