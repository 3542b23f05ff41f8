/**
 * A run of the loop driven from outside, one callback at a time: the hook an asynchronous driver
 * (`@simloop/async`) needs to dispatch each callback from a real macrotask of its own, so that every
 * promise continuation a callback causes has run before the next one is dispatched.
 *
 * Why a separate path: the synchronous run calls (`runUntilComplete`, `runForever`, …) keep their batch
 * loop untouched, so this costs them nothing. A driven run keeps the loop's iteration semantics exactly:
 * an iteration still collects the due timers and then dispatches precisely the callbacks that were ready
 * at that moment (a callback scheduled meanwhile waits for the next iteration), `stop()` still ends the
 * run only after the iteration it was called in, the step budget still counts iterations, and the
 * policy is asked at the same choice points. The only difference is who calls the next dispatch.
 *
 * While a driven run is open the loop is running (`isRunning()`, `getRunningLoop()`), between two
 * dispatches too, so no other run call can start. A task may then also wait on a *foreign awaitable*
 * (such as a Promise) when the driver supplies an adapter that turns it into a future of this loop;
 * outside a driven run yielding one stays a `BadYieldError`.
 *
 * @module
 */
import { offerDelivery, pickInterleaved, throwPolicyError } from "./choice-points.ts";
import { deadlockError } from "./deadlock-report.ts";
import { LoopMisuseError, StepBudgetExceededError } from "./errors.ts";
import type { EventLoop } from "./event-loop.ts";
import { throwUnhandled } from "./exception-handler.ts";
import type { Future } from "./future.ts";
import { FLAG_CANCELLED, type Handle } from "./handle.ts";
import { checkCanRun, enterRun, exitRun, recentLines } from "./run-until.ts";

/**
 * Turns a value a task yielded that the loop does not know (such as a Promise) into a future of the
 * loop that settles with it, or returns `null` to leave it a bad yield.
 */
export type ForeignAwaitable = (value: unknown) => Future<unknown> | null;

/** Options of {@link EventLoop.beginDrivenRun}. */
export interface DrivenRunOptions {
  /** The future the run waits on, named in a deadlock report (as `runUntilComplete`'s). */
  readonly awaited?: Future<unknown>;
  /**
   * How a task waits on a yielded value that is not a future, such as a Promise. Default: none (a
   * `BadYieldError`, as outside a driven run).
   */
  readonly foreignAwaitable?: ForeignAwaitable;
}

/** @internal A driven run's state, held by its loop while the run is open. */
export interface DrivenState {
  /** The iterations this run began. */
  iterations: number;
  /** The callbacks left in the current iteration (FIFO path). */
  left: number;
  /** The current iteration's batch, taken out of the ready queue (interleave level), or `null`. */
  batch: Handle[] | null;
  /** The future named in a deadlock report. */
  readonly awaited: Future<unknown> | null;
}

/** @internal `loop.beginDrivenRun(options)`. */
export function beginDrivenRun(loop: EventLoop, options: DrivenRunOptions): DrivenRun {
  checkCanRun(loop, "beginDrivenRun");
  enterRun(loop);
  loop._driven = { iterations: 0, left: 0, batch: null, awaited: options.awaited ?? null };
  loop._foreignAwaitable = options.foreignAwaitable ?? null;
  return new DrivenRun(loop);
}

/**
 * One driven run: {@link DrivenRun.dispatchNext} dispatches the next callback, beginning a new iteration
 * when the previous one is finished; {@link DrivenRun.end} ends the run.
 *
 * Invariants: the loop is running from `beginDrivenRun` until `end`; no callback is lost when the run
 * ends between two dispatches of an iteration (the rest stays queued, in order, for the next run).
 *
 * @example
 * ```ts
 * const run = loop.beginDrivenRun();
 * try {
 *   while (run.dispatchNext()) {
 *     // a real driver returns to the host's event loop here (one macrotask per callback)
 *   }
 * } finally {
 *   run.end();
 * }
 * ```
 */
export class DrivenRun {
  /** The loop this run drives. */
  readonly loop: EventLoop;
  private _state: DrivenState | null;

  /** @internal Runs are begun with `loop.beginDrivenRun()`. */
  constructor(loop: EventLoop) {
    this.loop = loop;
    this._state = loop._driven;
  }

  /**
   * Dispatches the next callback of the current iteration and returns true. When the iteration has no
   * callback left it first ends it: if the loop was stopping, the run is over and this returns false
   * (nothing dispatched); otherwise it begins the next iteration (collecting due timers, moving the
   * clock to the next deadline when nothing is ready). Cancelled handles are skipped.
   * @throws `DeadlockError` when nothing is ready, no timer is pending and the loop is not stopping;
   * `StepBudgetExceededError` past the loop's `maxSteps` iterations in this run; `PolicyError` when the
   * policy broke its contract during the last iteration; `LoopMisuseError` (code `DRIVEN_RUN_ENDED`)
   * after {@link DrivenRun.end}.
   */
  dispatchNext(): boolean {
    const state = this._state;
    if (state === null) {
      throw new LoopMisuseError(
        "DRIVEN_RUN_ENDED",
        "This driven run has ended: dispatchNext() cannot be called after end(). Begin a new one with loop.beginDrivenRun().",
      );
    }
    const loop = this.loop;
    const ready = loop._ready;
    for (;;) {
      const batch = state.batch;
      if (batch !== null) {
        const index = pickInterleaved(loop, batch);
        if (index >= 0) {
          const [handle] = batch.splice(index, 1);
          loop._dispatch(handle as Handle);
          return true;
        }
        state.batch = null;
      } else if (state.left > 0) {
        state.left--;
        const handle = ready.shift();
        if ((handle._flags & FLAG_CANCELLED) !== 0) continue;
        loop._dispatch(handle);
        return true;
      }
      // The iteration is finished: end the run if stopping, else begin the next one (as a run call).
      loop._currentHandle = null;
      if (state.iterations > 0) {
        if (loop._policyError !== null) throwPolicyError(loop);
        if (loop._stopping) return false;
      }
      if (++state.iterations > loop._maxSteps) {
        throw new StepBudgetExceededError(loop._maxSteps, loop._now, recentLines(loop));
      }
      loop._iteration++;
      if (loop._timers.size !== 0) loop._collectTimers(state.awaited);
      else if (ready.length === 0 && !loop._stopping && !offerDelivery(loop, false)) {
        throw deadlockError(loop, state.awaited);
      }
      const ntodo = ready.length;
      if (loop._levels !== null && loop._levels.interleave) {
        const taken: Handle[] = [];
        for (let i = 0; i < ntodo; i++) taken.push(ready.shift());
        state.batch = taken;
      } else {
        state.left = ntodo;
      }
    }
  }

  /** True when the current iteration has no callback left (cancelled ones do not count): the next dispatch begins a new iteration. */
  get betweenIterations(): boolean {
    const state = this._state;
    if (state === null) return true;
    const ready = this.loop._ready;
    while (state.left > 0 && ((ready.at(0) as Handle)._flags & FLAG_CANCELLED) !== 0) {
      ready.shift();
      state.left--;
    }
    const batch = state.batch;
    if (batch === null) return state.left === 0;
    for (const handle of batch) if ((handle._flags & FLAG_CANCELLED) === 0) return false;
    return true;
  }

  /** True once {@link DrivenRun.end} was called. */
  get ended(): boolean {
    return this._state === null;
  }

  /**
   * Ends the run: the loop is no longer running, callbacks of an unfinished iteration stay queued in
   * order, and the foreign-awaitable adapter is removed. A second call does nothing.
   */
  end(): void {
    const state = this._state;
    if (state === null) return;
    this._state = null;
    const loop = this.loop;
    const batch = state.batch;
    if (batch !== null && batch.length > 0) {
      // An unfinished interleaved batch goes back to the front of the queue, in its order.
      const ready = loop._ready;
      const rest: Handle[] = [];
      while (ready.length > 0) rest.push(ready.shift());
      for (const handle of batch) ready.push(handle);
      for (const handle of rest) ready.push(handle);
    }
    loop._driven = null;
    loop._foreignAwaitable = null;
    exitRun(loop);
  }

  /**
   * With the loop's `unhandled: "throw"` mode, throws the `UnhandledErrorsError` for the errors
   * collected since the last run call, as a synchronous run call does when it returns; else nothing.
   */
  throwUnhandled(): void {
    throwUnhandled(this.loop);
  }
}
