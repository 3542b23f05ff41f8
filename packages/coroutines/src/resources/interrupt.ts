/**
 * `interrupt(task, cause)`: SimPy's `Process.interrupt(cause)` for simloop tasks.
 *
 * Built on core's `Task.interrupt(error)`: the task stops waiting on whatever it waits on — a sleep, a
 * resource, store or container event, another task, a gather — *without cancelling it*, and resumes in
 * the next iteration with an {@link Interrupt} thrown at its `yield*`. A resource, store or container
 * event interrupted while still queued withdraws itself, so nothing is granted to a process that has
 * stopped waiting (SimPy leaves that to the process).
 *
 * @module
 */
import { Task } from "@simloop/core";
import { Interrupt, InterruptMisuseError } from "../errors.ts";

/**
 * Interrupts `task`: an {@link Interrupt} carrying `cause` is thrown into it at its current wait, in the
 * next iteration, and what it waited on is left alone (a task it awaited goes on running). Several
 * interrupts are delivered one per wait, in order. A cancellation already on its way is delivered
 * first.
 * @throws {@link InterruptMisuseError} if `task` is not a task, has terminated, or is the task calling.
 *
 * @example
 * ```ts
 * function* driver() {
 *   try { yield* sleep(10); } catch (e) { if (e instanceof Interrupt) log.push(e.cause); else throw e; }
 * }
 * const t = loop.createTask(driver());
 * loop.callLater(3, () => interrupt(t, "battery low")); // driver logs "battery low" at t=3
 * ```
 */
export function interrupt(task: Task<unknown>, cause?: unknown): void {
  if (!(task instanceof Task)) throw new InterruptMisuseError("interrupt() expects a task (from loop.createTask).");
  if (task.done()) {
    throw new InterruptMisuseError(`${task.toString()} has terminated and cannot be interrupted.`);
  }
  if (task.getLoop().currentTask() === task) {
    throw new InterruptMisuseError("A task is not allowed to interrupt itself: throw the error directly instead.");
  }
  task.interrupt(new Interrupt(cause));
}
