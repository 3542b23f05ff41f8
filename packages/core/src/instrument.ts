/**
 * Instruments: observers of a loop's run, after Trio's `Instrument`. An instrument is told when a
 * callback is scheduled (by `callSoon`, `callLater`/`callAt`, a task's step or wake-up, a future's done
 * callback, a waitable timer armed), just before and just after each dispatch, when a future (or task)
 * completes, when a task is created, and around each task step. It observes only: it must not schedule, settle or cancel
 * anything (an error it throws propagates out of the loop call that reached it).
 *
 * Libraries may also report an *access*: the running callback operated on a shared object (a lock, a
 * queue, a store, a task it cancelled), with {@link noteAccess}; an exploration that reduces the
 * schedules it runs reads these to tell steps that cannot affect each other.
 *
 * Cost: with no instrument the loop tests one field at each of those points; the trace is one
 * instrument among others (installed by the `trace` option).
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import type { Future } from "./future.ts";
import type { Handle } from "./handle.ts";
import type { Task } from "./task.ts";

/**
 * An observer of a loop's run (every method optional). Add one with `loop.addInstrument` or the
 * `instruments` option.
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * const loop = new EventLoop({ instruments: [{ beforeDispatch: (h) => seen.push(h.label) }] });
 * loop.callSoon(function hello() {});
 * loop.runUntilIdle(); // seen: ["hello"]
 * ```
 */
export interface Instrument {
  /** A handle was scheduled: queued as ready, or (a {@link TimerHandle}) pushed on the timer heap. */
  scheduled?(handle: Handle): void;
  /** The loop is about to run `handle` (time and iteration are those of the dispatch). */
  beforeDispatch?(handle: Handle): void;
  /** `handle` ran (or threw, and the exception handler was called). */
  afterDispatch?(handle: Handle): void;
  /** `future` (or a task) has just completed: result, exception or cancellation. */
  futureDone?(future: Future<unknown>): void;
  /** `task` was created (`loop.createTask`, after its first step was scheduled): Trio's `task_spawned`. */
  taskCreated?(task: Task<unknown>): void;
  /** `task` is about to run one step of its coroutine. */
  beforeTaskStep?(task: Task<unknown>): void;
  /** `task` ran one step (it suspended, or finished). */
  afterTaskStep?(task: Task<unknown>): void;
  /**
   * The running callback operated on the shared object `target` (reported with {@link noteAccess}: by
   * the coroutines primitives, check's stores, `Task.cancel`/`interrupt` and the loop's `random`).
   */
  access?(target: object): void;
}

type Hook = keyof Instrument;

/** @internal Every instrument of a loop, called in the order they were added; what the loop holds. */
export class Instruments {
  readonly _all: Instrument[] = [];
  private readonly _scheduled: Instrument[] = [];
  private readonly _beforeDispatch: Instrument[] = [];
  private readonly _afterDispatch: Instrument[] = [];
  private readonly _futureDone: Instrument[] = [];
  private readonly _taskCreated: Instrument[] = [];
  private readonly _beforeTaskStep: Instrument[] = [];
  private readonly _afterTaskStep: Instrument[] = [];
  private readonly _access: Instrument[] = [];

  /** Adds `instrument` (once). */
  add(instrument: Instrument): void {
    if (this._all.includes(instrument)) return;
    this._all.push(instrument);
    this._rebuild();
  }

  /** Removes `instrument`; false if it was not added. */
  remove(instrument: Instrument): boolean {
    const i = this._all.indexOf(instrument);
    if (i < 0) return false;
    this._all.splice(i, 1);
    this._rebuild();
    return true;
  }

  /** Tells every instrument with `scheduled`. */
  scheduled(handle: Handle): void {
    for (const instrument of this._scheduled) (instrument.scheduled as (h: Handle) => void).call(instrument, handle);
  }

  /** Tells every instrument with `beforeDispatch`. */
  beforeDispatch(handle: Handle): void {
    for (const instrument of this._beforeDispatch)
      (instrument.beforeDispatch as (h: Handle) => void).call(instrument, handle);
  }

  /** Tells every instrument with `afterDispatch`. */
  afterDispatch(handle: Handle): void {
    for (const instrument of this._afterDispatch)
      (instrument.afterDispatch as (h: Handle) => void).call(instrument, handle);
  }

  /** Tells every instrument with `futureDone`. */
  futureDone(future: Future<unknown>): void {
    for (const instrument of this._futureDone)
      (instrument.futureDone as (f: Future<unknown>) => void).call(instrument, future);
  }

  /** Tells every instrument with `taskCreated`. */
  taskCreated(task: Task<unknown>): void {
    for (const instrument of this._taskCreated)
      (instrument.taskCreated as (t: Task<unknown>) => void).call(instrument, task);
  }

  /** Tells every instrument with `beforeTaskStep`. */
  beforeTaskStep(task: Task<unknown>): void {
    for (const instrument of this._beforeTaskStep)
      (instrument.beforeTaskStep as (t: Task<unknown>) => void).call(instrument, task);
  }

  /** Tells every instrument with `afterTaskStep`. */
  afterTaskStep(task: Task<unknown>): void {
    for (const instrument of this._afterTaskStep)
      (instrument.afterTaskStep as (t: Task<unknown>) => void).call(instrument, task);
  }

  /** Tells every instrument with `access`. */
  access(target: object): void {
    for (const instrument of this._access) (instrument.access as (t: object) => void).call(instrument, target);
  }

  private _rebuild(): void {
    const lists: [Hook, Instrument[]][] = [
      ["scheduled", this._scheduled],
      ["beforeDispatch", this._beforeDispatch],
      ["afterDispatch", this._afterDispatch],
      ["futureDone", this._futureDone],
      ["taskCreated", this._taskCreated],
      ["beforeTaskStep", this._beforeTaskStep],
      ["afterTaskStep", this._afterTaskStep],
      ["access", this._access],
    ];
    for (const [hook, list] of lists) {
      list.length = 0;
      for (const instrument of this._all) if (typeof instrument[hook] === "function") list.push(instrument);
    }
  }
}

/**
 * @internal Adds `instrument` to a loop's instruments (`null`: none yet) and returns them.
 * @throws {@link ArgumentError} if `instrument` is not an object.
 */
export function addInstrument(instruments: Instruments | null, instrument: Instrument): Instruments {
  if (typeof instrument !== "object" || instrument === null) {
    throw new ArgumentError(`Expected an instrument object, got ${instrument === null ? "null" : typeof instrument}.`);
  }
  const all = instruments ?? new Instruments();
  all.add(instrument);
  return all;
}
