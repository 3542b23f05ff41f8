/**
 * The errors of `@simloop/coroutines`. Each extends core's `SimloopError` and has a stable `code`;
 * asyncio's `RuntimeError` cases extend core's `LoopMisuseError`, as the loop's own misuse errors do.
 *
 * @module
 */
import { LoopMisuseError, SimloopError, describeError as describe } from "@simloop/core";

/**
 * One or more tasks of a task group failed (asyncio's `ExceptionGroup('unhandled errors in a TaskGroup')`).
 * `errors` lists them in the order their done callbacks ran; a body exception that is not a
 * cancellation comes last.
 *
 * @example
 * ```ts
 * try { yield* taskGroup(function* (tg) { tg.createTask(failing()); }); }
 * catch (e) { if (e instanceof TaskGroupError) for (const err of e.errors) report(err); else throw e; }
 * ```
 */
export class TaskGroupError extends SimloopError {
  override readonly name: string = "TaskGroupError";
  /** The errors, in done-callback order; the body's own error last. */
  readonly errors: readonly unknown[];

  constructor(errors: readonly unknown[]) {
    const lines = errors.map((error, i) => `  ${i + 1}. ${describe(error)}`);
    super(
      "TASK_GROUP",
      `unhandled errors in a TaskGroup (${errors.length} sub-exception${errors.length === 1 ? "" : "s"}):\n${lines.join("\n")}\n` +
        "Catch errors inside the child coroutines, or catch TaskGroupError around the group and read `errors`.",
    );
    this.errors = errors;
  }
}

/** A task group was used in a state that does not allow it (asyncio's `RuntimeError` from `TaskGroup`). */
export class TaskGroupStateError extends LoopMisuseError {
  override readonly name: string = "TaskGroupStateError";

  constructor(message: string) {
    super("TASK_GROUP_STATE", message);
  }
}

/** A timeout scope was used in a state that does not allow it (asyncio's `RuntimeError` from `Timeout`). */
export class TimeoutStateError extends LoopMisuseError {
  override readonly name: string = "TimeoutStateError";

  constructor(message: string) {
    super("TIMEOUT_STATE", message);
  }
}

/** A lock (or a condition's lock) was released or waited on without being held. */
export class LockNotAcquiredError extends LoopMisuseError {
  override readonly name: string = "LockNotAcquiredError";

  constructor(message: string) {
    super("LOCK_NOT_ACQUIRED", message);
  }
}

/** `BoundedSemaphore.release()` would raise the counter above its initial value (asyncio's `ValueError`). */
export class SemaphoreOverReleaseError extends SimloopError {
  override readonly name: string = "SemaphoreOverReleaseError";
  /** The initial (and maximal) value of the semaphore. */
  readonly bound: number;

  constructor(bound: number) {
    super(
      "SEMAPHORE_OVER_RELEASE",
      `BoundedSemaphore released too many times: its value is already at its bound (${bound}). ` +
        "Release only what was acquired; `yield* semaphore.with(body)` pairs them for you.",
    );
    this.bound = bound;
  }
}

/** `getNowait()` on an empty queue (asyncio's `QueueEmpty`). */
export class QueueEmpty extends SimloopError {
  override readonly name: string = "QueueEmpty";

  constructor() {
    super(
      "QUEUE_EMPTY",
      "The queue is empty: getNowait() cannot take an item. Use `yield* queue.get()` to wait for one.",
    );
  }
}

/** `putNowait()` on a full queue (asyncio's `QueueFull`). */
export class QueueFull extends SimloopError {
  override readonly name: string = "QueueFull";

  constructor(maxsize: number) {
    super(
      "QUEUE_FULL",
      `The queue is full (maxsize ${maxsize}): putNowait() cannot add an item. Use \`yield* queue.put(item)\` to wait for room.`,
    );
  }
}

/** A put on a shut-down queue, or a get on a shut-down queue that is empty (asyncio 3.13's `QueueShutDown`). */
export class QueueShutDown extends SimloopError {
  override readonly name: string = "QueueShutDown";

  constructor() {
    super(
      "QUEUE_SHUT_DOWN",
      "The queue is shut down: no more puts, and gets fail once it is empty. Stop producing and consuming when you see this error.",
    );
  }
}

/** `taskDone()` was called more times than items were put (asyncio's `ValueError`). */
export class QueueTaskDoneError extends SimloopError {
  override readonly name: string = "QueueTaskDoneError";

  constructor() {
    super(
      "QUEUE_TASK_DONE",
      "taskDone() called too many times: call it once per item taken with get(), after processing it.",
    );
  }
}

/** A barrier was aborted or reset while a task waited on it, or is broken (asyncio's `BrokenBarrierError`). */
export class BrokenBarrierError extends SimloopError {
  override readonly name: string = "BrokenBarrierError";

  constructor(message: string) {
    super("BROKEN_BARRIER", message);
  }
}
