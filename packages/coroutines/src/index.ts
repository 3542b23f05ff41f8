/**
 * @simloop/coroutines: asyncio's coroutine vocabulary on generators, for @simloop/core.
 *
 * @packageDocumentation
 */
export { sleep } from "./sleep.ts";
export { gather, gatherReturnExceptions, GatheringFuture } from "./gather.ts";
export type { Awaitable, AwaitedOf, GatherResults, SettledResults } from "./gather.ts";
export { ensureFuture } from "./ensure-future.ts";
export { isCoroutine, isCoroutineFunction } from "./coroutine-kind.ts";
export { wait } from "./wait.ts";
export type { FutureList, ReturnWhen, WaitOptions, WaitResult } from "./wait.ts";
export { waitFor } from "./wait-for.ts";
export { allOf, anyOf } from "./conditions.ts";
export type { ConditionEvent } from "./conditions.ts";
export { shield } from "./shield.ts";
export { asCompleted } from "./as-completed.ts";
export type { AsCompletedOptions } from "./as-completed.ts";
export { Timeout, timeout, timeoutAt } from "./timeout.ts";
export type { TimeoutState } from "./timeout.ts";
export { TaskGroup, taskGroup } from "./task-group.ts";
export type { TaskGroupTaskOptions } from "./task-group.ts";
export { run } from "./run.ts";
export type { RunOptions } from "./run.ts";
export { CancelledError, TimeoutError, allTasks, currentTask, isCancellation } from "@simloop/core";
// Durations known only by their bounds, for `sleep` (and the loop's `callLater`/`callAt`).
export { Uncertain, UncertainValueError, isUncertain, uncertain } from "@simloop/core";
export { Lock } from "./lock.ts";
export type { LockStatistics } from "./lock.ts";
export { Event } from "./event.ts";
export type { EventStatistics } from "./event.ts";
export { Condition } from "./condition.ts";
export type { ConditionStatistics } from "./condition.ts";
export { BoundedSemaphore, Semaphore } from "./semaphore.ts";
export type { SemaphoreStatistics } from "./semaphore.ts";
export { Barrier } from "./barrier.ts";
export type { BarrierState, BarrierStatistics } from "./barrier.ts";
export { LifoQueue, PriorityQueue, Queue } from "./queue.ts";
export type { PriorityQueueOptions, QueueOptions, QueueStatistics } from "./queue.ts";
export type { Compare } from "./internal/compare.ts";
export type { SampleStatistics } from "./internal/time-weighted.ts";
export { ResourceEvent } from "./resources/resource-event.ts";
export { Preempted, PreemptiveResource, PriorityResource, Request, Resource } from "./resources/resource.ts";
export type { PriorityRequestOptions, ResourceOptions, ResourceStatistics } from "./resources/resource.ts";
export { BaseResource } from "./resources/base-resource.ts";
export type { BaseResourceOptions, QueueSideStatistics } from "./resources/base-resource.ts";
export { FilterStore, PriorityStore, Store, StoreGet, StorePut } from "./resources/store.ts";
export type { PriorityStoreOptions, StoreOptions, StoreStatistics } from "./resources/store.ts";
export { Container, ContainerEvent } from "./resources/container.ts";
export type { ContainerOptions, ContainerStatistics } from "./resources/container.ts";
export {
  BrokenBarrierError,
  LockNotAcquiredError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  QueueTaskDoneError,
  SemaphoreOverReleaseError,
  TaskGroupError,
  TaskGroupStateError,
  TimeoutStateError,
} from "./errors.ts";
// SimPy's Interrupt lives in core with `task.interrupt(cause)`; re-exported for simulation code.
export { Interrupt, InterruptMisuseError } from "@simloop/core";
