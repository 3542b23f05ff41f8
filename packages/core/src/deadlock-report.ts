/**
 * The deadlock report: what the loop throws where asyncio would block forever (nothing ready, no timer
 * pending, the loop not stopping). It names every pending task and what it waits on, in creation order,
 * and the future a `runUntilComplete` call waits on.
 *
 * @module
 */
import { DeadlockError, type DeadlockWaiter } from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import { Future } from "./future.ts";
import { TimerHandle } from "./handle.ts";
import { Task } from "./task.ts";

/** @internal The {@link DeadlockError} for `loop` now; `awaited` is the future a run call waits on, if any. */
export function deadlockError(loop: EventLoop, awaited: Future<unknown> | null): DeadlockError {
  const waiters: DeadlockWaiter[] = [];
  if (awaited !== null && !(awaited instanceof Task) && !awaited.done()) waiters.push({ task: null, waitsOn: awaited });
  for (let task = loop._firstTask; task !== null; task = task._nextTask) {
    waiters.push({ task, waitsOn: task.waitingOn() });
  }
  const lines = waiters.map(({ task, waitsOn }) =>
    task === null
      ? `runUntilComplete() waits on ${describeWaitable(waitsOn as Future<unknown>)}`
      : `task '${task.getName()}' waits on ${waitsOn === null ? "nothing (never resumed)" : describeWaitable(waitsOn as Future<unknown> | TimerHandle)}`,
  );
  return new DeadlockError(loop.time(), lines, waiters);
}

function describeWaitable(future: Future<unknown> | TimerHandle): string {
  if (future instanceof TimerHandle) return `the sleep ${future.toString()}`;
  if (future instanceof Task) return `task '${future.getName()}'`;
  const creator = future._creatorTask();
  const where = creator === null ? "outside any task" : `by task '${creator.getName()}'`;
  return `${future.toString()}, created ${where}`;
}
