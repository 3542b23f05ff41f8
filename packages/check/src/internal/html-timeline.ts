/**
 * The HTML report's timeline (see `html-report.ts`): the run's lanes as inline SVG, its choices and the
 * tracked store's state changes read off the trace, and the HTML escaping every string from the program
 * goes through.
 *
 * @module
 */
import { describeValue, type TaskSite, type TraceEvent } from "@simloop/core";
import type { LaneSpan, TaskLane } from "../lanes.ts";
import { isDeviation, type Decision } from "../schedule.ts";
import { taskLegend } from "../words.ts";
import { lateTimerWords, orderOwner, type TimerJitterBounds } from "./order-words.ts";

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML (element content and quoted attribute values alike).
 *
 * @example
 * ```ts
 * escapeHtml(`<b a="1">&`); // "&lt;b a=&quot;1&quot;&gt;&amp;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

// ------------------------------------------------------------------------------------------ timeline

const LABEL_WIDTH_MIN = 120;
const COLUMN = 96;
const ROW = 30;
const TOP = 40;
const CHAR = 7;

/** @internal One state change of a tracked store, read off the trace's `state:<name>` notes. */
export interface StateChange {
  readonly time: number;
  readonly iteration: number;
  readonly source: string;
  readonly store: string;
  readonly value: unknown;
  /** The top-level keys whose values differ from the store's previous snapshot. */
  readonly changed: readonly string[];
}

/** @internal The state changes of the trace's tracked stores, in order. */
export function stateChanges(trace: readonly TraceEvent[]): StateChange[] {
  const previous = new Map<string, unknown>();
  const out: StateChange[] = [];
  for (const event of trace) {
    if (event.kind !== "note" || !event.label.startsWith("state")) continue;
    const store = event.label.slice(6) || "state";
    const before = previous.get(store);
    previous.set(store, event.detail);
    out.push({
      time: event.time,
      iteration: event.iteration,
      source: event.source,
      store,
      value: event.detail,
      changed: changedKeys(before, event.detail),
    });
  }
  return out;
}

function changedKeys(before: unknown, after: unknown): string[] {
  if (typeof before !== "object" || before === null || typeof after !== "object" || after === null) return [];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => json(a[k]) !== json(b[k]));
}

/** @internal A value as JSON, or described when it has none. */
export function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? describeValue(value);
  } catch {
    return describeValue(value);
  }
}

function wordsOfSpan(span: LaneSpan): string {
  const what = span.state === "sleeping" ? span.what : span.what === "its turn" ? "waits for its turn" : span.what;
  return `${span.state} from t=${span.start} to ${span.endIndex < 0 ? "the end of the run" : `t=${span.end}`}: ${what}`;
}

/** @internal One choice event of the run, with its decision. */
export interface Choice {
  readonly time: number;
  readonly n: number;
  readonly decision: Decision | undefined;
  readonly label: string;
}

/** @internal The run's choice events, each with its decision. */
export function choicesOf(trace: readonly TraceEvent[], decisions: readonly Decision[]): Choice[] {
  const out: Choice[] = [];
  for (const event of trace) {
    if (event.kind !== "choice") continue;
    const n = out.length;
    out.push({ time: event.time, n, decision: decisions[n], label: event.label });
  }
  return out;
}

/** @internal How the run's decisions are told: for an async program, Node's order and the install's timer jitter. */
export interface ChoiceWordsOptions {
  /** The program is an async one: option 0 is Node's order, not asyncio's. */
  readonly async?: boolean;
  /** An async campaign's timer jitter: its draws are told as timers firing late. */
  readonly timerJitter?: TimerJitterBounds;
}

function choiceWords(choice: Choice, options: ChoiceWordsOptions): string {
  const d = choice.decision;
  if (d === undefined) return `${choice.label} #${choice.n}`;
  if (d.kind === "jitter") {
    const drawn = options.timerJitter === undefined ? `drew ${d.pick} in [${d.min}, ${d.max}]` : lateTimerWords(d);
    return `${d.kind} #${choice.n}${isDeviation(d) ? " (deviation)" : ""}: ${drawn}`;
  }
  const who = orderOwner(options.async);
  const picked = d.labels?.[d.pick] ?? `option ${d.pick}`;
  const fifo = d.labels?.[0] ?? "option 0";
  return isDeviation(d)
    ? `${d.kind} #${choice.n} (deviation): ran "${picked}" first, where ${who} runs "${fifo}"`
    : `${d.kind} #${choice.n}: "${picked}" (${who}'s order)`;
}

/** @internal The swimlane timeline as inline SVG (see `html-report.ts`). */
export function timelineSvg(
  lanes: readonly TaskLane[],
  instants: readonly number[],
  choices: readonly Choice[],
  states: readonly StateChange[],
  byName: ReadonlyMap<string, TaskSite>,
  words: ChoiceWordsOptions = {},
): string {
  const column = new Map(instants.map((t, i) => [t, i]));
  const labelWidth = Math.max(LABEL_WIDTH_MIN, ...lanes.map((l) => l.title.length * CHAR + 16));
  const width = labelWidth + instants.length * COLUMN + 16;
  const height = TOP + (lanes.length + 1) * ROW + 8;
  const x = (t: number): number => labelWidth + (column.get(t) ?? instants.length) * COLUMN + COLUMN / 2;
  const y = (row: number): number => TOP + row * ROW + ROW / 2;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="lanes" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Timeline of the failing run, one lane per task">`,
  );
  // Deviation bands across every lane, under everything else.
  const deviationTimes = new Set(
    choices.filter((c) => c.decision !== undefined && isDeviation(c.decision)).map((c) => c.time),
  );
  for (const t of deviationTimes) {
    if (!column.has(t)) continue;
    out.push(
      `<rect class="deviation-band" x="${x(t) - COLUMN / 2}" y="${TOP}" width="${COLUMN}" height="${(lanes.length + 1) * ROW}"/>`,
    );
  }
  // The time axis.
  instants.forEach((t, i) => {
    const cx = labelWidth + i * COLUMN + COLUMN / 2;
    out.push(`<line class="grid" x1="${cx}" y1="${TOP - 6}" x2="${cx}" y2="${height - 8}"/>`);
    out.push(`<text class="time" x="${cx}" y="${TOP - 12}" text-anchor="middle">t=${escapeHtml(String(t))}</text>`);
  });
  // The decisions row.
  out.push(`<text class="lane-title" x="8" y="${y(0) + 4}">decisions</text>`);
  const byColumn = new Map<number, Choice[]>();
  for (const c of choices) {
    if (!column.has(c.time)) continue;
    byColumn.set(c.time, [...(byColumn.get(c.time) ?? []), c]);
  }
  for (const [t, list] of byColumn) {
    const deviation = list.some((c) => c.decision !== undefined && isDeviation(c.decision));
    const cx = x(t);
    const cy = y(0);
    const title = escapeHtml(list.map((c) => choiceWords(c, words)).join("\n"));
    out.push(
      deviation
        ? `<path class="mark deviation" d="M${cx} ${cy - 8}L${cx + 8} ${cy}L${cx} ${cy + 8}L${cx - 8} ${cy}Z"><title>${title}</title></path>`
        : `<circle class="mark decision" cx="${cx}" cy="${cy}" r="3"><title>${title}</title></circle>`,
    );
  }
  // One lane per task.
  lanes.forEach((lane, i) => {
    const row = i + 1;
    const cy = y(row);
    const site = byName.get(lane.task);
    const tip = site === undefined ? lane.title : `${lane.title}\n${taskLegend([site])[0] ?? ""}`;
    out.push(
      `<text class="lane-title" x="8" y="${cy + 4}"><title>${escapeHtml(tip)}</title>${escapeHtml(lane.title)}</text>`,
    );
    for (const span of lane.spans) {
      if (!column.has(span.start)) continue;
      const x1 = x(span.start) + 6;
      const x2 =
        span.endIndex < 0 || !column.has(span.end) ? (span.endIndex < 0 ? width - 16 : x(span.end)) : x(span.end) - 6;
      if (x2 <= x1) continue;
      out.push(
        `<rect class="span ${span.state}" x="${x1}" y="${cy - 5}" width="${x2 - x1}" height="10" rx="3"><title>${escapeHtml(wordsOfSpan(span))}</title></rect>`,
      );
    }
    const steps = new Map<number, number>();
    for (const step of lane.steps) steps.set(step.time, (steps.get(step.time) ?? 0) + 1);
    for (const step of lane.steps) {
      if (!column.has(step.time) || steps.get(step.time) === -1) continue;
      const count = steps.get(step.time) as number;
      steps.set(step.time, -1);
      const cx = x(step.time);
      const title = escapeHtml(
        `${lane.title} ${step.first ? "starts" : "runs"} at t=${step.time}${count > 1 ? ` (${count} steps)` : ""}`,
      );
      out.push(
        step.first
          ? `<path class="mark start" d="M${cx - 5} ${cy - 7}L${cx + 7} ${cy}L${cx - 5} ${cy + 7}Z"><title>${title}</title></path>`
          : `<circle class="mark step" cx="${cx}" cy="${cy}" r="6"><title>${title}</title></circle>`,
      );
    }
    if (lane.done !== undefined && column.has(lane.done)) {
      const cx = x(lane.done) + 12;
      out.push(
        `<text class="mark done" x="${cx}" y="${cy + 5}">✓<title>${escapeHtml(`${lane.title} done at t=${lane.done}`)}</title></text>`,
      );
    }
    // The task's state changes: one mark per instant, listing them all.
    const changes = new Map<number, string[]>();
    for (const change of states) {
      if (change.source !== lane.task || !column.has(change.time)) continue;
      const list = changes.get(change.time) ?? [];
      list.push(`${change.store} = ${json(change.value)}`);
      changes.set(change.time, list);
    }
    for (const [t, list] of changes) {
      const cx = x(t) - 14;
      const title = `${lane.title} at t=${t}: ${list.join("; then ")}`;
      out.push(
        `<rect class="mark state" x="${cx - 4}" y="${cy - 12}" width="8" height="8"><title>${escapeHtml(title)}</title></rect>`,
      );
    }
  });
  out.push("</svg>");
  return out.join("\n");
}
