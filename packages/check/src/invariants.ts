/**
 * The ordering invariants of the core, as a library attachable to any loop: `checkInvariants(loop)`
 * adds an instrument (core's observation hook: it patches nothing) that checks every scheduled handle
 * and every dispatch, and records each violation; `explore` turns them into an `invariant` failure,
 * and {@link invariantViolations} reads them directly. The instrument sees everything the loop runs:
 * plain callbacks and timers, task steps and wake-ups, the waitable timers of sleeps, and the done
 * callbacks of every future, whether made by `loop.createFuture`, `loop.createTask` or `new Future`.
 *
 * Checked, one function each below: virtual time never goes backwards; no timer (sleeps included)
 * runs before its deadline; equal-deadline timers run in scheduling order when ties are not explored;
 * ready callbacks of one source run in scheduling order; a callback made ready in iteration s runs in
 * iteration s+1 (so `stop` never truncates a batch, and what is scheduled after it runs on the next
 * run call), and none is left behind; a future's done callbacks run once each, in the order they were
 * scheduled, after it is done.
 *
 * @module
 */
import { TimerHandle, type EventLoop, type Future, type Handle, type Instrument } from "@simloop/core";
import { InvariantViolationError } from "./errors.ts";
import { finishChecks, onFinish, reportViolation } from "./internal/registry.ts";

/** The names of the invariants {@link checkInvariants} checks. */
export type OrderingInvariant =
  | "time never goes backwards"
  | "no callback runs before its deadline"
  | "equal-deadline timers FIFO"
  | "callSoon FIFO within one source"
  | "callSoon callbacks run in the next iteration"
  | "done callbacks run once, in registration order, after completion";

/** What the checks remember of one run. */
interface Watch {
  readonly loop: EventLoop;
  readonly violate: (name: OrderingInvariant, message: string) => void;
  readonly tiesExplored: boolean;
  lastTime: number;
  seq: number;
  /** Scheduling order of every handle not dispatched yet (and of timers, by deadline). */
  readonly seqOf: WeakMap<Handle, number>;
  /** The iteration a ready (non-timer) handle must run in. */
  readonly dueOf: Map<Handle, number>;
  readonly lastSeqPerSource: Map<unknown, number>;
  readonly lastSeqPerDeadline: Map<number, number>;
  readonly lastSeqPerFuture: WeakMap<Future<unknown>, number>;
  readonly dispatched: WeakSet<Handle>;
}

function isTimer(handle: Handle): handle is TimerHandle {
  return handle instanceof TimerHandle;
}

function timeNeverGoesBackwards(watch: Watch): void {
  const now = watch.loop.time();
  if (now < watch.lastTime) {
    watch.violate("time never goes backwards", `the clock went from ${watch.lastTime} back to ${now}`);
  }
  watch.lastTime = now;
}

function noTimerBeforeItsDeadline(watch: Watch, handle: Handle): void {
  if (!isTimer(handle) || watch.loop.time() >= handle.when()) return;
  watch.violate(
    "no callback runs before its deadline",
    `timer ${handle.label} due at ${handle.when()} ran at ${watch.loop.time()}`,
  );
}

function equalDeadlineTimersFifo(watch: Watch, handle: Handle, seq: number): void {
  if (!isTimer(handle) || watch.tiesExplored) return;
  const deadline = handle.when();
  const last = watch.lastSeqPerDeadline.get(deadline) ?? 0;
  if (seq < last) {
    watch.violate("equal-deadline timers FIFO", `timer ${handle.label} due at ${deadline} overtook a later one`);
  }
  watch.lastSeqPerDeadline.set(deadline, Math.max(last, seq));
}

function readyFifoWithinSource(watch: Watch, handle: Handle, seq: number): void {
  if (isTimer(handle)) return;
  const source = handle.source;
  const last = watch.lastSeqPerSource.get(source) ?? 0;
  if (seq < last) {
    watch.violate(
      "callSoon FIFO within one source",
      `${handle.kind} ${handle.label} ran after a later callback of the same source`,
    );
  }
  watch.lastSeqPerSource.set(source, Math.max(last, seq));
}

function runsInTheNextIteration(watch: Watch, handle: Handle): void {
  const due = watch.dueOf.get(handle);
  if (due === undefined) return;
  watch.dueOf.delete(handle);
  const iteration = watch.loop.iteration;
  if (iteration === due) return;
  watch.violate(
    "callSoon callbacks run in the next iteration",
    `${handle.kind} ${handle.label} scheduled for iteration ${due} ran in iteration ${iteration}` +
      (iteration > due ? " (a batch was cut short, as by a stop that truncates its siblings)" : ""),
  );
}

function doneCallbacksOnceInOrderAfterCompletion(watch: Watch, handle: Handle, seq: number): void {
  const future = handle.future;
  if (future === null) return;
  const name = "done callbacks run once, in registration order, after completion";
  if (watch.dispatched.has(handle)) watch.violate(name, `${handle.label} ran twice`);
  if (!future.done()) watch.violate(name, `${handle.label} ran before ${future.toString()} was done`);
  const last = watch.lastSeqPerFuture.get(future) ?? 0;
  if (seq < last) watch.violate(name, `${handle.label} ran after a callback registered later`);
  watch.lastSeqPerFuture.set(future, Math.max(last, seq));
}

function noReadyCallbackLeftBehind(watch: Watch): void {
  const { loop } = watch;
  if (loop.isClosed()) return;
  for (const [handle, due] of watch.dueOf) {
    if (handle.cancelled() || due > loop.iteration) continue;
    watch.violate(
      "callSoon callbacks run in the next iteration",
      `${handle.kind} ${handle.label} scheduled for iteration ${due} never ran`,
    );
  }
}

function scheduled(watch: Watch, handle: Handle): void {
  watch.seqOf.set(handle, ++watch.seq);
  if (!isTimer(handle)) watch.dueOf.set(handle, watch.loop.iteration + 1);
}

function beforeDispatch(watch: Watch, handle: Handle): void {
  const seq = watch.seqOf.get(handle) ?? 0;
  watch.seqOf.delete(handle);
  timeNeverGoesBackwards(watch);
  noTimerBeforeItsDeadline(watch, handle);
  equalDeadlineTimersFifo(watch, handle, seq);
  readyFifoWithinSource(watch, handle, seq);
  runsInTheNextIteration(watch, handle);
  doneCallbacksOnceInOrderAfterCompletion(watch, handle, seq);
  watch.dispatched.add(handle);
}

/**
 * Attaches the ordering invariants to `loop` (see the module doc) as an instrument. Call it before the
 * loop runs; the returned function removes the instrument.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ policy: random(1) });
 * checkInvariants(loop);
 * loop.runUntilComplete(program(loop));
 * invariantViolations(loop); // []
 * ```
 */
export function checkInvariants(loop: EventLoop): () => void {
  const watch: Watch = {
    loop,
    violate: (name, message) => reportViolation(loop, new InvariantViolationError(name, message, loop.time())),
    tiesExplored: loop.policy?.levels.ties === true,
    lastTime: loop.time(),
    seq: 0,
    seqOf: new WeakMap(),
    dueOf: new Map(),
    lastSeqPerSource: new Map(),
    lastSeqPerDeadline: new Map(),
    lastSeqPerFuture: new WeakMap(),
    dispatched: new WeakSet(),
  };
  const instrument: Instrument = {
    scheduled: (handle) => scheduled(watch, handle),
    beforeDispatch: (handle) => beforeDispatch(watch, handle),
  };
  loop.addInstrument(instrument);
  onFinish(loop, () => noReadyCallbackLeftBehind(watch));
  return () => {
    loop.removeInstrument(instrument);
  };
}

/**
 * The violations recorded on `loop` so far (finishing end-of-run checks first), oldest first.
 *
 * @example
 * ```ts
 * checkInvariants(loop);
 * loop.runUntilIdle();
 * expect(invariantViolations(loop)).toEqual([]);
 * ```
 */
export function invariantViolations(loop: EventLoop): readonly InvariantViolationError[] {
  return finishChecks(loop);
}
