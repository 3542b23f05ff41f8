/**
 * `ensureFuture`: asyncio's `ensure_future`.
 *
 * @module
 */
import { ArgumentError, Future, WrongLoopError, isGenerator, type Coroutine, type EventLoop } from "@simloop/core";
import { defaultLoop } from "./default-loop.ts";

/**
 * Returns `value` itself if it is a future (or task), or wraps a coroutine in a new task on `loop` (by
 * default the running loop, else the current event loop). The task's first step is scheduled now.
 * @throws {@link ArgumentError} for anything else; {@link WrongLoopError} if a future belongs to
 * another loop than `loop`.
 *
 * @example
 * ```ts
 * const fut = ensureFuture(task(3));
 * fut.addDoneCallback((f) => console.log(f.result()));
 * loop.runUntilComplete(fut);
 * ```
 */
export function ensureFuture<T>(value: Future<T> | Coroutine<T>, loop?: EventLoop): Future<T> {
  if (value instanceof Future) {
    if (loop !== undefined && loop !== value.getLoop()) {
      throw new WrongLoopError(
        "WRONG_LOOP",
        "The future belongs to a different loop than the one specified as the loop argument. Pass the future's own loop, or none.",
      );
    }
    return value;
  }
  if (isGenerator(value)) return defaultLoop(loop).createTask(value as Coroutine<T>);
  throw new ArgumentError(
    typeof value === "function"
      ? `ensureFuture() expects a coroutine or a future, got the function \`${(value as () => unknown).name}\`: call it first.`
      : `An asyncio.Future, a coroutine or an awaitable is required: ensureFuture() got ${value === null ? "null" : typeof value}.`,
  );
}
