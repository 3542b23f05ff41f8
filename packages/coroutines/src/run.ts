/**
 * `run`: asyncio's `asyncio.run(main)` (its `Runner`), on a fresh loop.
 *
 * Order of events, as CPython 3.11's runners.py: a new loop is created and made the current event loop;
 * `main` runs as `Task-1` until it is done; every task still pending is cancelled and the loop runs
 * until they have all finished (`gather(..., return_exceptions=True)`), an exception other than a
 * cancellation among them going to the exception handler; then the two shutdown steps asyncio runs
 * (`shutdown_asyncgens`, `shutdown_default_executor`) are run as no-op coroutines, so that callbacks
 * still queued get the same iterations they get in asyncio; finally the loop is closed and the current
 * event loop reset. asyncio reports exceptions that were never retrieved when the futures are
 * garbage-collected; simloop reports them to the exception handler before the shutdown steps
 * (`"Task exception was never retrieved"`), so a loop with `unhandled: "throw"` fails the run.
 *
 * @module
 */
import {
  ArgumentError,
  EventLoop,
  LoopRunningError,
  getRunningLoop,
  isGenerator,
  setEventLoop,
  type Coroutine,
  type EventLoopOptions,
  type Task,
} from "@simloop/core";
import { gatherReturnExceptions } from "./gather.ts";

/** Options of {@link run}: the new loop's options, or a factory that makes the loop. */
export interface RunOptions extends EventLoopOptions {
  /** Makes the loop instead of `new EventLoop(options)` (asyncio's `loop_factory`). */
  readonly loopFactory?: () => EventLoop;
  /** Called with the loop before `main` starts, for example to set an exception handler. */
  readonly onLoop?: (loop: EventLoop) => void;
}

function isRunning(): boolean {
  try {
    getRunningLoop();
    return true;
  } catch {
    return false;
  }
}

function* shutdownStep(): Coroutine<void> {
  // asyncio's shutdown_asyncgens() and shutdown_default_executor() finish at once here.
}

function cancelAllTasks(loop: EventLoop): void {
  const toCancel = [...loop.allTasks()];
  if (toCancel.length === 0) return;
  for (const task of toCancel) task.cancel();
  loop.runUntilComplete(gatherReturnExceptions(...toCancel));
  for (const task of toCancel) {
    if (task.cancelled()) continue;
    const exception = task.exception();
    if (task.state === "rejected") {
      loop.callExceptionHandler({
        message: "unhandled exception during asyncio.run() shutdown",
        exception,
        task,
      });
    }
  }
}

function reportUnretrieved(loop: EventLoop): void {
  for (const future of loop.unretrievedFutures()) {
    if (future.state !== "rejected") continue;
    const exception = future.exception();
    const isTask = "getCoro" in future;
    loop.callExceptionHandler({
      message: `${isTask ? "Task" : "Future"} exception was never retrieved`,
      exception,
      ...(isTask ? { task: future as Task<unknown> } : { future }),
    });
  }
  const dropped = loop.unretrievedDropped;
  if (dropped > 0) {
    loop.callExceptionHandler({
      message:
        `${dropped} more futures or tasks failed with an exception that was never retrieved ` +
        "(not listed: the loop's maxUnretrieved option bounds the list)",
    });
  }
}

/**
 * Runs the coroutine `main` on a new event loop and returns its result (asyncio's `run`). Tasks left
 * pending are cancelled and awaited, exceptions never retrieved are reported, and the loop is closed.
 * @throws whatever `main` throws; {@link LoopRunningError} when called from a running loop;
 * {@link ArgumentError} if `main` is not a coroutine; `DeadlockError` if `main` waits on something
 * that can never happen.
 *
 * @example
 * ```ts
 * const answer = run(function* () { yield* sleep(2); return 42; }()); // 42, on virtual time
 * ```
 */
export function run<T>(main: Coroutine<T>, options: RunOptions = {}): T {
  if (isRunning()) {
    throw new LoopRunningError(
      "RUN_IN_RUNNING_LOOP",
      "asyncio.run() cannot be called from a running event loop: inside a task, `yield*` the coroutine instead.",
    );
  }
  if (!isGenerator(main)) {
    throw new ArgumentError(
      typeof main === "function"
        ? `a coroutine was expected, got the function \`${(main as () => unknown).name}\`: call it, run(main()).`
        : `a coroutine was expected, got ${main === null ? "null" : typeof main}.`,
    );
  }
  const { loopFactory, onLoop, ...loopOptions } = options;
  const loop = loopFactory !== undefined ? loopFactory() : new EventLoop(loopOptions);
  if (loopFactory === undefined) setEventLoop(loop);
  try {
    onLoop?.(loop);
    const task = loop.createTask(main);
    return loop.runUntilComplete(task);
  } finally {
    try {
      cancelAllTasks(loop);
      reportUnretrieved(loop);
      loop.runUntilComplete(shutdownStep());
      loop.runUntilComplete(shutdownStep());
    } finally {
      if (loopFactory === undefined) setEventLoop(null);
      loop.close();
    }
  }
}
