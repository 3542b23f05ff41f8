/**
 * Task groups: asyncio 3.11's `TaskGroup`, as a scoped generator (`async with` cannot be written in
 * JavaScript).
 *
 * Why the details matter: the first child failure (or a body failure) aborts the group. Abort cancels
 * the children that are not done, in creation order (CPython iterates a `set` here, whose order depends
 * on memory addresses; simloop fixes creation order), and cancels the parent task once so that the body
 * is interrupted at its current wait. The exit then waits for every child, `uncancel()`s the parent for
 * the cancellation it requested, and throws one {@link TaskGroupError} whose `errors` are in done-callback
 * order with a body error (not a cancellation) last. A cancellation of the parent from outside
 * propagates as `CancelledError` when no child failed.
 *
 * @module
 */
import {
  CancelledError,
  getRunningLoop,
  isCancellation,
  noteAccess,
  type Coroutine,
  type EventLoop,
  type Future,
  type Task,
} from "@simloop/core";
import { TaskGroupError, TaskGroupStateError } from "./errors.ts";

/** Options of {@link TaskGroup.createTask}. */
export interface TaskGroupTaskOptions {
  /** The task's name (the loop's `Task-<n>` counter still advances, as in asyncio). */
  readonly name?: string;
}

/**
 * A group of child tasks bound to the body that created them: asyncio's `TaskGroup`.
 *
 * Invariants: every child has finished when `run` returns or throws; a child failure cancels the
 * others (in creation order) and the body; the parent's cancellation count is restored afterwards.
 *
 * @example
 * ```ts
 * const results = yield* new TaskGroup().run(function* (tg) {
 *   const a = tg.createTask(fetch(1), { name: "a" });
 *   const b = tg.createTask(fetch(2));
 *   return [a, b];
 * }); // both tasks are done here
 * ```
 */
export class TaskGroup {
  private _entered = false;
  private _exiting = false;
  private _aborting = false;
  private _loop: EventLoop | null = null;
  private _parentTask: Task<unknown> | null = null;
  private _parentCancelRequested = false;
  private readonly _tasks = new Set<Task<unknown>>();
  private _errors: unknown[] = [];
  private _onCompletedFut: Future<boolean> | null = null;

  /**
   * Creates a child task running `coro`. Its first step is scheduled now.
   * @throws {@link TaskGroupStateError} if the group was not entered, has finished, or is shutting down.
   */
  createTask<T>(coro: Coroutine<T>, options: TaskGroupTaskOptions = {}): Task<T> {
    noteAccess(this);
    if (!this._entered)
      throw new TaskGroupStateError(`TaskGroup ${this.toString()} has not been entered: create tasks inside run().`);
    if (this._exiting && this._tasks.size === 0) {
      throw new TaskGroupStateError(`TaskGroup ${this.toString()} is finished: create a new group for new tasks.`);
    }
    if (this._aborting) {
      throw new TaskGroupStateError(
        `TaskGroup ${this.toString()} is shutting down: a child failed or the group was cancelled.`,
      );
    }
    const task = (this._loop as EventLoop).createTask(coro);
    if (options.name !== undefined) task.setName(options.name);
    task.addDoneCallback(this._onTaskDone);
    this._tasks.add(task as Task<unknown>);
    return task;
  }

  /**
   * Runs `body` with this group, then waits for every child; returns the body's result:
   * `yield* group.run(function* (tg) { … })`. A group runs once.
   * @throws {@link TaskGroupError} if a child (or the body) failed; `CancelledError` if the enclosing
   * task was cancelled from outside; {@link TaskGroupStateError} if entered twice or outside a task.
   */
  *run<T>(body: (group: TaskGroup) => Coroutine<T>): Coroutine<T> {
    this._enter();
    let result: T | undefined;
    let failed = false;
    let error: unknown;
    try {
      result = yield* body(this);
    } catch (e) {
      failed = true;
      error = e;
    }
    yield* this._exit(failed, error);
    if (failed) throw error;
    return result as T;
  }

  /** A readable description, such as `<TaskGroup tasks=2 entered>`. */
  toString(): string {
    const info: string[] = [];
    if (this._tasks.size > 0) info.push(`tasks=${this._tasks.size}`);
    if (this._errors.length > 0) info.push(`errors=${this._errors.length}`);
    if (this._aborting) info.push("cancelling");
    else if (this._entered) info.push("entered");
    return `<TaskGroup${info.map((s) => ` ${s}`).join("")}>`;
  }

  private _enter(): void {
    if (this._entered)
      throw new TaskGroupStateError(`TaskGroup ${this.toString()} has already been entered: use a new group.`);
    this._loop ??= getRunningLoop();
    this._parentTask = this._loop.currentTask();
    if (this._parentTask === null) {
      throw new TaskGroupStateError(
        `TaskGroup ${this.toString()} cannot determine the parent task: run it inside a task.`,
      );
    }
    this._entered = true;
  }

  private *_exit(failed: boolean, exc: unknown): Coroutine<void> {
    noteAccess(this);
    this._exiting = true;
    const parent = this._parentTask as Task<unknown>;
    let propagateCancellation: CancelledError | null = failed && isCancellation(exc) ? exc : null;
    if (this._parentCancelRequested && parent.uncancel() === 0) propagateCancellation = null;
    if (failed && !this._aborting) this._abort();

    while (this._tasks.size > 0) {
      this._onCompletedFut ??= (this._loop as EventLoop).createFuture<boolean>("TaskGroup");
      try {
        yield* this._onCompletedFut;
      } catch (e) {
        noteAccess(this);
        if (!isCancellation(e)) throw e;
        if (!this._aborting) {
          propagateCancellation = e;
          this._abort();
        }
      }
      noteAccess(this);
      this._onCompletedFut = null;
    }

    if (propagateCancellation !== null && this._errors.length === 0) throw propagateCancellation;
    if (failed && !isCancellation(exc)) this._errors.push(exc);
    if (this._errors.length > 0) {
      const errors = this._errors;
      this._errors = [];
      throw new TaskGroupError(errors);
    }
  }

  private _abort(): void {
    this._aborting = true;
    for (const t of this._tasks) if (!t.done()) t.cancel();
  }

  private readonly _onTaskDone = (task: Task<unknown>): void => {
    noteAccess(this);
    this._tasks.delete(task);
    if (this._onCompletedFut !== null && this._tasks.size === 0 && !this._onCompletedFut.done()) {
      this._onCompletedFut.setResult(true);
    }
    if (task.cancelled()) return;
    const exc = task.exception();
    if (task.state !== "rejected") return;
    this._errors.push(exc);
    const parent = this._parentTask as Task<unknown>;
    if (parent.done()) {
      (this._loop as EventLoop).callExceptionHandler({
        message: `Task ${task.toString()} has errored out but its parent task ${parent.toString()} is already completed`,
        exception: exc,
        task,
      });
      return;
    }
    if (!this._aborting && !this._parentCancelRequested) {
      this._abort();
      this._parentCancelRequested = true;
      parent.cancel();
    }
  };
}

/**
 * Runs `body` with a new {@link TaskGroup} and returns its result once every child has finished:
 * `yield* taskGroup(function* (tg) { tg.createTask(job(), { name: "job" }); })`.
 * @throws {@link TaskGroupError} if a child (or the body) failed; `CancelledError` if the enclosing
 * task was cancelled from outside; {@link TaskGroupStateError} outside a task.
 *
 * @example
 * ```ts
 * yield* taskGroup(function* (tg) {
 *   tg.createTask(sleep(1));
 *   tg.createTask(sleep(2));
 * }); // t=2
 * ```
 */
export function taskGroup<T>(body: (group: TaskGroup) => Coroutine<T>): Coroutine<T> {
  return new TaskGroup().run(body);
}
