/**
 * The pending tasks of a loop (asyncio's `all_tasks`), in creation order: a doubly linked list through
 * the tasks themselves (two fields per task), which costs less than a set entry and no hashing when a
 * task starts or ends. The loop holds the two ends; the deadlock report walks the list.
 *
 * @module
 */
import type { EventLoop } from "./event-loop.ts";
import type { Task } from "./task.ts";

/** @internal Appends a new task to `loop`'s pending tasks. */
export function addPendingTask(loop: EventLoop, task: Task<unknown>): void {
  const last = loop._lastTask;
  task._prevTask = last;
  if (last === null) loop._firstTask = task;
  else last._nextTask = task;
  loop._lastTask = task;
}

/** @internal Removes a finished task from `loop`'s pending tasks (a task not in the list is left alone). */
export function removePendingTask(loop: EventLoop, task: Task<unknown>): void {
  const prev = task._prevTask;
  const next = task._nextTask;
  if (prev === null) {
    if (loop._firstTask !== task) return; // not in the list (already done)
    loop._firstTask = next;
  } else {
    prev._nextTask = next;
  }
  if (next === null) loop._lastTask = prev;
  else next._prevTask = prev;
  task._prevTask = null;
  task._nextTask = null;
}

/** @internal `loop.allTasks()`: the pending tasks, in creation order. */
export function pendingTasks(loop: EventLoop): Set<Task<unknown>> {
  const tasks = new Set<Task<unknown>>();
  for (let task = loop._firstTask; task !== null; task = task._nextTask) tasks.add(task);
  return tasks;
}
