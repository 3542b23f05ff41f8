/**
 * asyncio's `_release_waiter` and `_cancel_and_wait`, shared by `waitFor`.
 *
 * @module
 */
import { noteAccess, type Coroutine, type EventLoop, type Future } from "@simloop/core";

/** @internal Sets `waiter` unless it is done. */
export function releaseWaiter(waiter: Future<undefined>): void {
  noteAccess(waiter);
  if (!waiter.done()) waiter.setResult(undefined);
}

/**
 * @internal Cancels `fut` and waits until it is done, through a private waiter so that this wait is
 * itself reliably cancellable (asyncio's `_cancel_and_wait`).
 */
export function* cancelAndWait(fut: Future<unknown>, loop: EventLoop): Coroutine<void> {
  const waiter = loop.createFuture<undefined>("cancelAndWait");
  const cb = (): void => releaseWaiter(waiter);
  fut.addDoneCallback(cb);
  try {
    fut.cancel();
    yield* waiter;
  } finally {
    fut.removeDoneCallback(cb);
  }
}
