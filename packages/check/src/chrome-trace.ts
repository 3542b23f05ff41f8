/**
 * Export of a trace to the Chrome / Perfetto trace-event format (JSON), to look at a run in
 * `chrome://tracing` or ui.perfetto.dev.
 *
 * @module
 */
import type { TaskSite, TraceEvent } from "@simloop/core";
import { runLanes } from "./lanes.ts";
import { isDeviation, type Decision, type Schedule } from "./schedule.ts";
import { siteWords } from "./words.ts";

/** One Chrome trace event (the subset used here). */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly cat?: string;
  readonly ph: "X" | "i" | "M";
  readonly ts?: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly s?: "t" | "p" | "g";
  readonly args?: Readonly<Record<string, unknown>>;
}

/** A Chrome trace file's content. */
export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: "ms";
  readonly otherData: Readonly<Record<string, string>>;
}

/** Options of {@link toChromeTrace}. */
export interface ChromeTraceOptions {
  /** Microseconds per unit of virtual time. Default 1000 (one unit shows as a millisecond). */
  readonly scale?: number;
  /**
   * The run's decisions with their candidates' labels (an `ExploreFailure`'s `decisions`, a
   * `RunOutcome`'s `schedule`): the n-th choice event is named by what was picked at the n-th decision.
   * Without them a choice shows its pick number.
   */
  readonly decisions?: Schedule | readonly Decision[];
  /** The run's task sites, to name each task's thread with its function (`Task-2 (query)`). */
  readonly tasks?: readonly TaskSite[];
}

function task(event: TraceEvent): string {
  // A step runs its task (the label); other callbacks belong to who scheduled them.
  return event.kind === "step" ? event.label : event.source;
}

/**
 * Where each event goes on the time axis: an instant's events are laid out in trace order, 1 µs apart
 * when there is room, else closer, so that they all stay before the next instant (`ts` increases
 * strictly along the trace and never reaches the next instant's start). Returns each event's `ts`
 * and the room it has (its slice's duration).
 */
function layout(events: readonly TraceEvent[], scale: number): { ts: number[]; room: number[] } {
  const ts: number[] = [];
  const room: number[] = [];
  let i = 0;
  while (i < events.length) {
    const time = (events[i] as TraceEvent).time;
    let j = i;
    while (j < events.length && (events[j] as TraceEvent).time === time) j++;
    const next = events[j]?.time;
    const base = time * scale;
    const count = j - i;
    // The room to the next instant, shared by this instant's events with a gap left before it.
    const step = next === undefined ? 1 : Math.min(1, (next * scale - base) / (count + 1));
    for (let k = 0; k < count; k++) {
      ts.push(base + k * step);
      room.push(step);
    }
    i = j;
  }
  return { ts, room };
}

/** Appends each task's waits (see `runLanes`) as complete events spanning them on the task's thread. */
function waitSpans(
  events: readonly TraceEvent[],
  ts: readonly number[],
  room: readonly number[],
  tsByIndex: ReadonlyMap<number, { ts: number; room: number }>,
  tidOf: (name: string) => number,
  out: ChromeTraceEvent[],
): void {
  const lastTs = ts.length === 0 ? 0 : (ts[ts.length - 1] as number) + (room[room.length - 1] as number);
  for (const lane of runLanes(events).lanes) {
    for (const span of lane.spans) {
      const from = tsByIndex.get(span.startIndex);
      if (from === undefined) continue;
      // The wait starts when the suspending step's slice ends, and ends when the resuming one starts.
      const start = from.ts + from.room;
      const end = span.endIndex < 0 ? lastTs : (tsByIndex.get(span.endIndex)?.ts ?? lastTs);
      out.push({
        name:
          span.state === "sleeping"
            ? span.what
            : span.what === "its turn"
              ? "waits for its turn"
              : `waits, ${span.what}`,
        cat: "wait",
        ph: "X",
        ts: start,
        dur: Math.max(0, end - start),
        pid: 1,
        tid: tidOf(lane.task),
        args: { state: span.state, from: span.start, to: span.end },
      });
    }
  }
}

/**
 * Converts trace events to the Chrome trace-event format: one thread per task (plus "loop" for choice
 * points). A dispatched callback is a short complete event ("X"); a task's wait between two of its
 * steps is a complete event spanning the wait (named by the sleep that armed it, or by who woke the
 * task, category `wait`); a choice is an instant event named by what was picked (given `decisions`),
 * deviations from asyncio's order marked; notes are instant events. Events at one virtual instant are
 * laid out in trace order, 1 µs apart, or closer when that would reach the next instant (so more
 * than 1,000 events at one instant stay inside it).
 *
 * @example
 * ```ts
 * const { trace, decisions } = result.failure;
 * writeFileSync("run.trace.json", JSON.stringify(toChromeTrace(trace, { decisions })));
 * ```
 */
export function toChromeTrace(events: readonly TraceEvent[], options: ChromeTraceOptions = {}): ChromeTrace {
  const scale = options.scale ?? 1000;
  const decisions =
    options.decisions === undefined
      ? []
      : "decisions" in options.decisions
        ? options.decisions.decisions
        : options.decisions;
  const byName = new Map((options.tasks ?? []).map((t) => [t.name, t]));
  const tids = new Map<string, number>();
  const out: ChromeTraceEvent[] = [];
  const tidOf = (name: string): number => {
    let tid = tids.get(name);
    if (tid === undefined) {
      tid = tids.size + 1;
      tids.set(name, tid);
      const fn = byName.get(name)?.fn;
      const title = fn === undefined || fn === "" ? name : `${name} (${fn})`;
      out.push({ name: "thread_name", ph: "M", pid: 1, tid, args: { name: title } });
    }
    return tid;
  };
  const { ts, room } = layout(events, scale);
  const tsByIndex = new Map<number, { ts: number; room: number }>();
  let choice = 0;
  events.forEach((event, i) => {
    const at = ts[i] as number;
    const dur = room[i] as number;
    tsByIndex.set(event.index, { ts: at, room: dur });
    const args: Record<string, unknown> = { iteration: event.iteration, source: event.source };
    if (event.site !== undefined) args["site"] = event.site;
    if (event.cause !== undefined) args["cause"] = event.cause;
    if (event.detail !== undefined) args["detail"] = event.detail;
    if (event.kind === "choice") {
      const n = choice++;
      const decision = decisions[n];
      const pick = (event.detail as { pick?: unknown } | undefined)?.pick;
      const picked = decision?.labels?.[decision.pick];
      const deviation = decision !== undefined && isDeviation(decision);
      if (decision?.labels !== undefined) args["candidates"] = decision.labels;
      args["deviation"] = deviation;
      const name = `${deviation ? "◆ " : ""}${event.label} #${n}: ${picked ?? `pick ${String(pick)}`}`;
      out.push({ name, cat: "choice", ph: "i", s: "t", ts: at, pid: 1, tid: tidOf("loop"), args });
    } else if (event.kind === "note") {
      out.push({ name: event.label, cat: "note", ph: "i", s: "t", ts: at, pid: 1, tid: tidOf(event.source), args });
    } else {
      const name = event.kind === "timer" && event.site !== undefined ? siteWords(event.site) : event.label;
      out.push({ name, cat: event.kind, ph: "X", ts: at, dur, pid: 1, tid: tidOf(task(event)), args });
    }
  });
  waitSpans(events, ts, room, tsByIndex, tidOf, out);
  // Metadata first, then everything in time order (a stable sort: an instant's events keep trace order).
  const meta = out.filter((e) => e.ph === "M");
  const timed = out.filter((e) => e.ph !== "M").sort((a, b) => (a.ts as number) - (b.ts as number));
  return {
    traceEvents: [...meta, ...timed],
    displayTimeUnit: "ms",
    otherData: { producer: "@simloop/check", timeUnit: `1 unit = ${scale} µs` },
  };
}
