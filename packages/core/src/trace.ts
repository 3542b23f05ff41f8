/**
 * The trace: an opt-in record of every callback the loop dispatches, with its virtual time and batch.
 * Off by default, at no cost: the loop tests one field per dispatch.
 *
 * @module
 */
import { Handle, KIND_MASK, KIND_STEP, KIND_WAKEUP } from "./handle.ts";
import { Sites } from "./site.ts";
import type { EventLoop } from "./event-loop.ts";
import type { Instrument } from "./instrument.ts";
import type { Task } from "./task.ts";

/** What a trace event records. `note` events come from `loop.note()`; `choice` events from a policy. */
export type TraceKind = "callback" | "timer" | "step" | "done" | "choice" | "note";

/** One entry of the trace. */
export interface TraceEvent {
  /** Position in the whole trace (0-based), counting events dropped by a `limit`. */
  readonly index: number;
  /** Virtual time of the dispatch. */
  readonly time: number;
  /** The loop iteration (batch number, from 1) it ran in; 0 outside any iteration. */
  readonly iteration: number;
  readonly kind: TraceKind;
  /** Who scheduled it: a task name, a callback label, or `"main"` for code outside the loop. */
  readonly source: string;
  /** What ran: the callback's name, or the task's name for a step. */
  readonly label: string;
  /** For a step: who woke the task (the task or callback that completed what it awaited, or scheduled the step). */
  readonly cause?: string;
  /** Extra data: the note's payload, or the choice made. */
  readonly detail?: unknown;
  /**
   * For a timer or callback, on a trace with `sites`: where the user's code asked for it, such as
   * `sleep(1) in deposit (bank.ts:16)` (see {@link Sites}).
   */
  readonly site?: string;
}

/** Trace options. */
export interface TraceOptions {
  /** Keep only the last `limit` events (a ring), for long simulations. */
  readonly limit?: number;
  /**
   * Record where the user's code asked for each timer, callback and task (a stack captured per call:
   * microseconds each, for the runs a report is made of, not for exploring). See {@link Sites}.
   * Default false.
   */
  readonly sites?: boolean;
}

/**
 * The events a loop recorded. Read them with {@link Trace.events}.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ trace: true });
 * loop.callSoon(function hello() {});
 * loop.runUntilIdle();
 * loop.trace?.events().map((e) => e.label); // ["hello"]
 * ```
 */
export class Trace {
  private readonly _limit: number;
  private _events: TraceEvent[] = [];
  private _count = 0;
  private readonly _listeners: ((event: TraceEvent) => void)[] = [];
  /** Where the user's code asked for each timer, callback and task, when created with `sites: true`; else `null`. */
  readonly sites: Sites | null;

  constructor(options: TraceOptions = {}) {
    const limit = options.limit ?? Infinity;
    this._limit = limit > 0 ? limit : Infinity;
    this.sites = options.sites === true ? new Sites() : null;
  }

  /** The number of events recorded so far, dropped ones included. */
  get count(): number {
    return this._count;
  }

  /** The recorded events, oldest first (the last `limit` of them, if a limit is set). */
  events(): TraceEvent[] {
    if (this._count <= this._limit) return this._events.slice();
    const start = this._count % this._limit;
    return [...this._events.slice(start), ...this._events.slice(0, start)];
  }

  /** Calls `listener` with each event as it is recorded; returns a function that removes it. */
  subscribe(listener: (event: TraceEvent) => void): () => void {
    this._listeners.push(listener);
    return () => {
      const i = this._listeners.indexOf(listener);
      if (i >= 0) this._listeners.splice(i, 1);
    };
  }

  /** Records an event (the loop calls this; so may a library that observes the run). */
  record(event: Omit<TraceEvent, "index">): TraceEvent {
    return this._store({ index: this._count, ...event });
  }

  /**
   * @internal Records a dispatch, built in one object literal (two object spreads per event
   * cost more: decision 0017).
   */
  _recordDispatch(
    time: number,
    iteration: number,
    kind: TraceKind,
    label: string,
    source: string,
    cause: string | undefined,
    site?: string,
  ): TraceEvent {
    const index = this._count;
    if (site !== undefined) return this._store({ index, time, iteration, kind, label, source, site });
    return this._store(
      cause === undefined
        ? { index, time, iteration, kind, label, source }
        : { index, time, iteration, kind, label, source, cause },
    );
  }

  private _store(full: TraceEvent): TraceEvent {
    if (this._events.length < this._limit) this._events.push(full);
    else this._events[this._count % this._limit] = full;
    this._count++;
    for (const listener of this._listeners) listener(full);
    return full;
  }

  /** Forgets every event. */
  clear(): void {
    this._events = [];
    this._count = 0;
  }
}

/** @internal The instrument that records each dispatch of `loop` in `trace`. */
export function traceInstrument(trace: Trace, loop: EventLoop): Instrument {
  const beforeDispatch = (handle: Handle): void => traceDispatch(trace, loop._now, loop._iteration, handle);
  const sites = trace.sites;
  if (sites === null) return { beforeDispatch };
  // With sites, where the user asked for each callback, timer, sleep and task is recorded as it is asked.
  return {
    beforeDispatch,
    scheduled: (handle) => sites._scheduled(handle, loop._now, loop._currentTask),
    taskCreated: (task) => sites._task(task, loop._currentTask, loop._iteration),
  };
}

/** Records the dispatch of `handle` at `time` in `iteration`: who scheduled it and, for a step, who woke the task. */
function traceDispatch(trace: Trace, time: number, iteration: number, handle: Handle): void {
  const kind = handle._flags & KIND_MASK;
  const step = kind === KIND_STEP || kind === KIND_WAKEUP;
  trace._recordDispatch(
    time,
    iteration,
    handle.kind,
    handle.label,
    step ? (handle._a as Task<unknown>).getName() : sourceName(handle._source),
    step ? causeName(handle._source) : undefined,
    step || trace.sites === null ? undefined : trace.sites.describe(handle),
  );
}

function sourceName(source: Task<unknown> | Handle | null): string {
  if (source === null) return "main";
  if (source instanceof Handle) {
    const task = source.task;
    return task !== null ? task.getName() : source.label;
  }
  return source.getName();
}

/** Who woke a task, for the trace: a task's name, or a callback's label with the task it belongs to. */
function causeName(source: Task<unknown> | Handle | null): string {
  if (source === null) return "main";
  if (source instanceof Handle) {
    const task = source.task;
    return task === null ? source.label : `${source.label} (${task.getName()})`;
  }
  return source.getName();
}

/** @internal `loop.note(label, detail)`: a `note` event attributed to the running task, else callback. */
export function recordNote(trace: Trace, loop: EventLoop, label: string, detail: unknown): void {
  const source = loop._currentTask?.getName() ?? loop._currentHandle?.label ?? "main";
  const time = loop.time();
  const iteration = loop.iteration;
  trace.record(
    detail === undefined
      ? { time, iteration, kind: "note", source, label }
      : { time, iteration, kind: "note", source, label, detail },
  );
}
