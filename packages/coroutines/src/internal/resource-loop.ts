/**
 * Which loop a resource, store or container uses: the one given as `{ loop }`, else the loop running
 * when it is created, else the loop that first uses it.
 *
 * Why lazy: a resource created at the top of a script, before `loop.runUntilIdle()`, would otherwise
 * attach to the current event loop (`getEventLoop()`), which is not the loop the user runs unless it
 * was made current. Its processes then failed with `WrongLoopError` inside their tasks, and the run
 * returned normally having simulated nothing. Binding at the first request, put or get inside a run is
 * what asyncio's own primitives do (`mixins._LoopBoundMixin`). A resource bound to one loop and used
 * from another fails at that use, and the running loop's exception handler is told, so that the
 * mistake is printed (or thrown, in "throw" mode) even if the failing task is never awaited.
 *
 * @module
 */
import { WrongLoopError, getEventLoop, getRunningLoop, type EventLoop } from "@simloop/core";

/** @internal The running loop, or `null` outside a run call. */
export function runningLoopOrNull(): EventLoop | null {
  try {
    return getRunningLoop();
  } catch {
    return null;
  }
}

/**
 * @internal The loop a new request, put or get uses: the bound one (fast path: it is running); an
 * unbound owner binds (`bind`) to the running loop, or outside a run to the current event loop.
 * @throws {@link WrongLoopError} when another loop is running, after reporting it to that loop's
 * exception handler.
 */
export function loopForUse(
  owner: { toString(): string },
  bound: EventLoop | null,
  bind: (loop: EventLoop) => EventLoop,
): EventLoop {
  if (bound !== null && bound.isRunning()) return bound;
  const running = runningLoopOrNull();
  if (bound === null) return bind(running ?? getEventLoop());
  if (running === null || running === bound) return bound;
  const error = new WrongLoopError(
    "WRONG_LOOP",
    `${owner.toString()} is bound to another event loop (${bound.toString()}) than the one running (${running.toString()}). ` +
      "A resource, store or container uses the loop passed as { loop }, else the loop that first uses it: " +
      "pass { loop } for the loop you run, create it inside the program, or use one per loop.",
  );
  const task = running.currentTask();
  running.callExceptionHandler(
    task === null
      ? { message: `${owner.toString()} was used on a loop it is not bound to`, exception: error }
      : { message: `${owner.toString()} was used on a loop it is not bound to`, exception: error, task },
  );
  throw error;
}
