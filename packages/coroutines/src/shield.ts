/**
 * `shield`: asyncio's `shield(aw)`.
 *
 * Returns an outer future that mirrors the inner one. Cancelling the outer future (for example because
 * the task awaiting it is cancelled) does not cancel the inner task, which runs to completion; its
 * result is then marked retrieved. Cancelling the inner one by other means cancels the outer one.
 *
 * @module
 */
import { noteAccess, type Coroutine, type Future } from "@simloop/core";
import { ensureFuture } from "./ensure-future.ts";

/**
 * Protects `aw` from cancellation by whoever awaits the returned future: `yield* shield(task)`.
 * A coroutine is wrapped in a task at the call. If the inner future is already done, it is returned
 * itself (asyncio's shortcut).
 * @throws {@link ArgumentError} if `aw` is neither a future nor a coroutine.
 *
 * @example
 * ```ts
 * const save = loop.createTask(persist(record));
 * try { yield* shield(save); } catch (e) { if (!isCancellation(e)) throw e; } // save keeps running
 * ```
 */
export function shield<T>(aw: Future<T> | Coroutine<T>): Future<T> {
  const inner = ensureFuture(aw);
  if (inner.done()) return inner;
  const loop = inner.getLoop();
  const outer = loop.createFuture<T>("shield");

  const innerDone = (f: Future<T>): void => {
    noteAccess(outer);
    if (outer.cancelled()) {
      if (!f.cancelled()) f.exception();
      return;
    }
    if (f.cancelled()) {
      outer.cancel();
    } else if (f.state === "rejected") {
      outer.setException(f.exception());
    } else {
      outer.setResult(f.result());
    }
  };
  const outerDone = (): void => {
    noteAccess(outer);
    if (!inner.done()) inner.removeDoneCallback(innerDone);
  };
  inner.addDoneCallback(innerDone);
  outer.addDoneCallback(outerDone);
  return outer;
}
