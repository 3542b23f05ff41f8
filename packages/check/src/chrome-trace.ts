/**
 * Export of a trace to the Chrome / Perfetto trace-event format (JSON), to look at a run in
 * `chrome://tracing` or ui.perfetto.dev.
 *
 * @module
 */
import type { TraceEvent } from "@simloop/core";

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
}

function task(event: TraceEvent): string {
  // A step runs its task (the label); other callbacks belong to who scheduled them.
  return event.kind === "step" ? event.label : event.source;
}

/**
 * Converts trace events to the Chrome trace-event format: one thread per task (plus "loop" for choice
 * points), a 1 µs complete event per dispatched callback, instant events for notes and choices. Events
 * at one virtual instant are laid out 1 µs apart in trace order, so the order stays visible.
 *
 * @example
 * ```ts
 * writeFileSync("run.trace.json", JSON.stringify(toChromeTrace(result.failure.trace)));
 * ```
 */
export function toChromeTrace(events: readonly TraceEvent[], options: ChromeTraceOptions = {}): ChromeTrace {
  const scale = options.scale ?? 1000;
  const tids = new Map<string, number>();
  const out: ChromeTraceEvent[] = [];
  const tidOf = (name: string): number => {
    let tid = tids.get(name);
    if (tid === undefined) {
      tid = tids.size + 1;
      tids.set(name, tid);
      out.push({ name: "thread_name", ph: "M", pid: 1, tid, args: { name } });
    }
    return tid;
  };
  let lastTime = -Infinity;
  let offset = 0;
  for (const event of events) {
    if (event.time !== lastTime) {
      lastTime = event.time;
      offset = 0;
    }
    const ts = event.time * scale + offset;
    offset++;
    const args: Record<string, unknown> = { iteration: event.iteration, source: event.source };
    if (event.detail !== undefined) args["detail"] = event.detail;
    if (event.kind === "choice") {
      out.push({ name: `choice ${event.label}`, cat: "choice", ph: "i", s: "t", ts, pid: 1, tid: tidOf("loop"), args });
    } else if (event.kind === "note") {
      out.push({ name: event.label, cat: "note", ph: "i", s: "t", ts, pid: 1, tid: tidOf(event.source), args });
    } else {
      out.push({ name: event.label, cat: event.kind, ph: "X", ts, dur: 1, pid: 1, tid: tidOf(task(event)), args });
    }
  }
  return {
    traceEvents: out,
    displayTimeUnit: "ms",
    otherData: { producer: "@simloop/check", timeUnit: `1 unit = ${scale} µs` },
  };
}
