/**
 * What each task of a run was doing over virtual time, read off the run's trace: one lane per task,
 * with the instants it ran and, between them, what it waited for (a sleep, named by the call that armed
 * it, or whoever woke it). The pictures of a run are drawn from it: the terminal lanes of a report
 * ({@link formatLanes}), the HTML report, and the wait spans of the Chrome trace.
 *
 * A step takes no virtual time: a task "runs" at an instant. Between two steps it is suspended, and
 * the step that resumes it tells why: woken by its sleep's timer, it was sleeping; woken by anything
 * else, it was waiting (on a future, a lock, another task). A run with no task at all (an async
 * program, whose callbacks belong to none) has a lane per call that armed its callbacks instead
 * (`setTimeout(10) in refresh (cache.ts:7)`), marking the instants they ran.
 *
 * @module
 */
import type { TaskSite, TraceEvent } from "@simloop/core";
import { isDeviation, type Decision } from "./schedule.ts";
import { causeWords, siteWords, taskWords } from "./words.ts";
import { orderOwner } from "./internal/order-words.ts";

/** How a task spent a stretch of virtual time between two of its steps. */
export type WaitState = "sleeping" | "waiting" | "pending";

/** One stretch of a task's lane between two of its steps (or from its last step to the run's end). */
export interface LaneSpan {
  /** Virtual time at which the task suspended (its previous step) and at which it resumed. */
  readonly start: number;
  readonly end: number;
  /** Trace index of the step that suspended it and of the step that resumed it (-1: never resumed). */
  readonly startIndex: number;
  readonly endIndex: number;
  /**
   * `sleeping`: resumed by its own sleep's timer; `waiting`: resumed by something else; `pending`:
   * never resumed in this run (it still waited when the run ended).
   */
  readonly state: WaitState;
  /** What it waited for, in the user's words: `sleep(1) in query (bank.ts:29)`, `woken by Task-2`. */
  readonly what: string;
}

/** One step of a task: an instant at which it ran. */
export interface LaneStep {
  readonly time: number;
  readonly index: number;
  readonly iteration: number;
  /** Its first step (the task starts). */
  readonly first: boolean;
}

/** One task's lane. */
export interface TaskLane {
  /** The task's name (`Task-2`) and its name with its function (`Task-2 (query)`). */
  readonly task: string;
  readonly title: string;
  readonly steps: readonly LaneStep[];
  readonly spans: readonly LaneSpan[];
  /** When its done callbacks ran (the task finished), if they did in this run. */
  readonly done?: number;
}

/** The lanes of a run. */
export interface RunLanes {
  /** One per task, in the order the tasks first ran. */
  readonly lanes: readonly TaskLane[];
  /** The virtual time of the first and of the last event. */
  readonly start: number;
  readonly end: number;
}

/** Options of {@link runLanes}. */
export interface LaneOptions {
  /** The run's task sites (from a run traced with sites): lanes are titled with each task's function. */
  readonly tasks?: readonly TaskSite[];
  /**
   * What each task still pending at the end waits on (task name → words), such as a deadlock's
   * waiters: the last span of such a task says so.
   */
  readonly pending?: ReadonlyMap<string, string>;
}

interface Building {
  steps: LaneStep[];
  spans: LaneSpan[];
  done?: number;
  /** The site of the last sleep timer that fired for the task. */
  sleep?: string;
}

/**
 * Reads a run's trace into one lane per task (see the module doc).
 *
 * @example
 * ```ts
 * const { lanes } = runLanes(outcome.trace);
 * lanes[1]?.spans[0]; // { state: "sleeping", what: "sleep(1) in query (bank.ts:29)", start: 0, end: 1, … }
 * ```
 */
export function runLanes(trace: readonly TraceEvent[], options: LaneOptions = {}): RunLanes {
  const byName = new Map((options.tasks ?? []).map((t) => [t.name, t]));
  const building = new Map<string, Building>();
  for (const event of trace) {
    if (event.kind === "timer" && event.label === "setResultUnlessCancelled") {
      const lane = building.get(event.source);
      if (lane !== undefined) lane.sleep = event.site ?? "a sleep";
      continue;
    }
    if (event.kind === "done") {
      const lane = building.get(event.source);
      if (lane !== undefined && lane.done === undefined) lane.done = event.time;
      continue;
    }
    if (event.kind !== "step") continue;
    let lane = building.get(event.label);
    if (lane === undefined) {
      lane = { steps: [], spans: [] };
      building.set(event.label, lane);
    }
    const previous = lane.steps[lane.steps.length - 1];
    if (previous !== undefined) {
      const cause = event.cause ?? "";
      const slept = cause.startsWith("setResultUnlessCancelled");
      const what = slept
        ? (lane.sleep ?? "a sleep")
        : cause === "" || cause === event.label
          ? "its turn"
          : `woken by ${causeWords(cause)}`;
      lane.spans.push({
        start: previous.time,
        end: event.time,
        startIndex: previous.index,
        endIndex: event.index,
        state: slept ? "sleeping" : "waiting",
        what,
      });
    }
    lane.steps.push({
      time: event.time,
      index: event.index,
      iteration: event.iteration,
      first: previous === undefined,
    });
  }
  // A run without tasks (an async program's callbacks belong to none): a lane per call that armed them.
  if (building.size === 0) callbackLanes(trace, building);
  const start = trace[0]?.time ?? 0;
  const end = trace[trace.length - 1]?.time ?? start;
  const lanes: TaskLane[] = [];
  for (const [task, lane] of building) {
    const last = lane.steps[lane.steps.length - 1] as LaneStep;
    const waits = options.pending?.get(task);
    if (lane.done === undefined && waits !== undefined) {
      lane.spans.push({
        start: last.time,
        end,
        startIndex: last.index,
        endIndex: -1,
        state: "pending",
        what: waits,
      });
    }
    lanes.push({
      task,
      title: taskWords(task, byName),
      steps: lane.steps,
      spans: lane.spans,
      ...(lane.done === undefined ? {} : { done: lane.done }),
    });
  }
  return { lanes, start, end };
}

/** The lanes of a run that has no task: one per callback site (or label), its instants as steps. */
function callbackLanes(trace: readonly TraceEvent[], building: Map<string, Building>): void {
  for (const event of trace) {
    if (event.kind !== "timer" && event.kind !== "callback") continue;
    const name = event.site === undefined ? event.label : siteWords(event.site);
    let lane = building.get(name);
    if (lane === undefined) {
      lane = { steps: [], spans: [] };
      building.set(name, lane);
    }
    lane.steps.push({ time: event.time, index: event.index, iteration: event.iteration, first: false });
  }
}

/**
 * The waiters of a deadlock as {@link LaneOptions.pending}: task name → what it waits on.
 *
 * @example
 * ```ts
 * pendingOf(["task 'Task-2' waits on <Future pending Lock.acquire>, created by task 'Task-2'"]);
 * // Map { "Task-2" => "<Future pending Lock.acquire>, created by task 'Task-2'" }
 * ```
 */
export function pendingOf(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const match = /^task '(.*?)' waits on (.*)$/.exec(line);
    if (match !== null) out.set(match[1] as string, `waits on ${match[2] as string}`);
  }
  return out;
}

/** Options of {@link formatLanes}. */
export interface FormatLanesOptions extends LaneOptions {
  /** The run's decisions: instants with a deviation from the loop's own order are marked ◆ on a row of their own. */
  readonly decisions?: readonly Decision[];
}

const FILL: Record<WaitState, string> = { sleeping: "~", waiting: ".", pending: "?" };

/**
 * The legend printed above {@link formatLanes}' rows: {@link LANES_LEGEND} for a generator program; for
 * an async one (`async` true) a deviation is from Node's order instead of asyncio's.
 *
 * @example
 * ```ts
 * lanesLegend(true).endsWith("◆ a deviation from Node's order"); // true
 * ```
 */
export function lanesLegend(async?: boolean): string {
  return `▶ starts, ● runs, ✓ done; between its runs a task is ~ sleeping, . waiting (woken by another task, a future, a lock), ? still waiting when the run ended; ◆ a deviation from ${orderOwner(async)}'s order`;
}

/** The legend printed above {@link formatLanes}' rows, for a generator program (see {@link lanesLegend}). */
export const LANES_LEGEND: string = lanesLegend(false);

/**
 * The lanes of a run in plain text: a header of the instants of virtual time at which something ran,
 * then one row per task (its title, then a column per instant: what it did then, and how it spent the
 * time until the next instant, see {@link LANES_LEGEND}). Rows end with the task's last mark. With
 * `decisions`, a first row marks the instants of deviations (◆) and of other decision points (·).
 *
 * @example
 * ```ts
 * formatLanes(outcome.trace, { tasks, decisions: outcome.schedule.decisions }).join("\n");
 * // "                        t=0  t=1  t=1.5  t=2"
 * // "Task-2 (query)          ▶~~~~●✓"
 * ```
 */
export function formatLanes(trace: readonly TraceEvent[], options: FormatLanesOptions = {}): string[] {
  const { lanes } = runLanes(trace, options);
  const instants = [...new Set(trace.map((e) => e.time))];
  const column = new Map(instants.map((t, i) => [t, i]));
  const cells = (lane: TaskLane): string[] => {
    const marks = instants.map(() => "");
    for (const step of lane.steps) {
      const i = column.get(step.time) as number;
      const mark = step.first ? "▶" : "●";
      if (!(marks[i] as string).includes(mark)) marks[i] += mark;
    }
    if (lane.done !== undefined) marks[column.get(lane.done) as number] += "✓";
    return marks;
  };
  const decisionMarks = instants.map(() => "");
  if (options.decisions !== undefined && options.decisions.length > 0) {
    let n = 0;
    for (const event of trace) {
      if (event.kind !== "choice") continue;
      const decision = options.decisions[n++];
      const i = column.get(event.time) as number;
      const mark = decision !== undefined && isDeviation(decision) ? "◆" : "·";
      if (mark === "◆") decisionMarks[i] = (decisionMarks[i] as string).replaceAll("·", "");
      if (!(decisionMarks[i] as string).includes(mark) && !(mark === "·" && decisionMarks[i] === "◆"))
        decisionMarks[i] += mark;
    }
  }
  const rows = lanes.map((lane) => ({ title: lane.title, lane, marks: cells(lane) }));
  const headers = instants.map((t) => `t=${t}`);
  const widths = instants.map(
    (_, i) =>
      Math.max(
        (headers[i] as string).length,
        (decisionMarks[i] as string).length,
        ...rows.map((r) => (r.marks[i] as string).length),
      ) + 2,
  );
  const titleWidth = Math.max("decisions".length, ...rows.map((r) => r.title.length)) + 2;
  const out: string[] = [];
  out.push((" ".repeat(titleWidth) + headers.map((h, i) => h.padEnd(widths[i] as number)).join("")).trimEnd());
  if (decisionMarks.some((m) => m !== "")) {
    out.push(
      ("decisions".padEnd(titleWidth) + decisionMarks.map((m, i) => m.padEnd(widths[i] as number)).join("")).trimEnd(),
    );
  }
  for (const row of rows) {
    let line = row.title.padEnd(titleWidth);
    instants.forEach((t, i) => {
      const width = widths[i] as number;
      const mark = row.marks[i] as string;
      const span =
        row.lane.spans.find((s) => s.start <= t && t < s.end) ??
        row.lane.spans.find((s) => s.state === "pending" && s.start <= t);
      const fill = span === undefined ? " " : FILL[span.state];
      line += mark + fill.repeat(width - mark.length);
    });
    out.push(line.trimEnd());
  }
  return out;
}
