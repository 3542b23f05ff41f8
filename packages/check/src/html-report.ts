/**
 * The HTML report of a failing run: one self-contained file (inline CSS, SVG and a few lines of script,
 * no external resource) that a browser opens from disk or a CI artifact. It shows what failed, the line
 * that replays the run (with a button that copies it), a swimlane timeline of the run (one lane per
 * task, a column per instant of virtual time: when each task ran, what it slept on or waited for,
 * deviations from the loop's own order — asyncio's, or Node's for an async program — marked across the lanes, the state changes of a tracked store), the
 * deviations in words, every state change from the store, and the full text report.
 *
 * {@link htmlReport} returns the HTML; {@link writeHtmlReport} writes it to a file. The vitest helper
 * `simloopTest` writes one on failure (see `SimloopTestOptions.htmlReport`).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describeError, describeValue, type TaskSite, type TraceEvent } from "@simloop/core";
import { choicesOf, escapeHtml, json, stateChanges, timelineSvg, type StateChange } from "./internal/html-timeline.ts";
import { CheckArgumentError, ReportWriteError } from "./errors.ts";
import { pendingOf, runLanes } from "./lanes.ts";
import { orderOwner } from "./internal/order-words.ts";
import { deviationLines, type TimerJitterBounds } from "./report.ts";
import { Schedule } from "./schedule.ts";
import { taskLegend, taskWords } from "./words.ts";

export { escapeHtml } from "./internal/html-timeline.ts";

/**
 * What {@link htmlReport} reads of a failure: an `ExploreFailure` (from `explore`, `exploreAsync`,
 * `exploreParallel`) has all of it.
 */
export interface HtmlReportInput {
  /** The failure kind (`"error"`, `"deadlock"`, …). */
  readonly kind: string;
  /** What the program threw (or the deadlock, the violated invariant…). */
  readonly error: unknown;
  /** The shrunk schedule, and the loop seed of the failing run. */
  readonly schedule: Schedule;
  readonly runSeed: number;
  /** The text report (its first line is the page's title unless `title` is given). */
  readonly report: string;
  /** The trace of the minimal failing run. */
  readonly trace: readonly TraceEvent[];
  /** That run's untrimmed decisions with their candidates' labels (default: `schedule`'s). */
  readonly decisions?: Schedule;
  /** That run's tasks (from a run traced with sites): lanes are titled with each task's function. */
  readonly tasks?: readonly TaskSite[];
  /** The line that replays the run (an `ExploreFailure`'s `replay`). Without it the page shows the schedule and seed. */
  readonly replay?: string;
  /** The program is an async one: deviations are from Node's order (promise jobs, nextTick, timers), not asyncio's. */
  readonly async?: boolean;
  /**
   * An async campaign's timer jitter (the install's `jitter` option): its draws are told as timers firing
   * late, as the text report tells them.
   */
  readonly timerJitter?: TimerJitterBounds;
}

/** Options of {@link htmlReport}. */
export interface HtmlReportOptions {
  /** The page's title. Default: the report's first line (`simloop check failed: <name>: <what>`). */
  readonly title?: string;
  /**
   * The most instants of virtual time drawn as columns of the timeline; a longer run shows its first
   * ones and says how many were left out. Default 600.
   */
  readonly maxInstants?: number;
}

/** Throws {@link CheckArgumentError} unless `input` has what a report is drawn from. */
function checkInput(input: unknown): asserts input is HtmlReportInput {
  const what = (problem: string): never => {
    throw new CheckArgumentError(
      `htmlReport expects a failure (an ExploreFailure: result.failure of explore or exploreAsync), but ${problem}.`,
    );
  };
  if (typeof input !== "object" || input === null) what(`got ${describeValue(input)}`);
  const given = input as Partial<Record<keyof HtmlReportInput, unknown>>;
  if (!Array.isArray(given.trace)) what("its trace is not an array of trace events");
  if (typeof given.report !== "string") what("its report is not a string");
  if (!(given.schedule instanceof Schedule)) what("its schedule is not a Schedule");
  if (given.decisions !== undefined && !(given.decisions instanceof Schedule)) what("its decisions are not a Schedule");
  if (typeof given.runSeed !== "number") what("its runSeed is not a number");
}

/** Throws {@link CheckArgumentError} for options out of range. */
function checkOptions(options: HtmlReportOptions): number {
  const max = options.maxInstants ?? 600;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new CheckArgumentError(`Expected maxInstants to be a positive integer, got ${describeValue(max)}.`);
  }
  if (options.title !== undefined && typeof options.title !== "string") {
    throw new CheckArgumentError(`Expected title to be a string, got ${describeValue(options.title)}.`);
  }
  return max;
}

// -------------------------------------------------------------------------------------------- page

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa;
  --sleep: #6ea8fe; --wait: #c9a227; --pending: #d1242f; --dev: #d1242f; --step: #1f2328; --state: #8250df; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.error { margin: 0; white-space: pre-wrap; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--pending); }
.muted { color: var(--muted); }
.replay { display: flex; gap: 8px; align-items: stretch; }
.replay code { flex: 1; display: block; padding: 8px 12px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
  font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-x: auto; white-space: pre; user-select: all; }
button { font: inherit; padding: 4px 14px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); cursor: pointer; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
svg.lanes { display: block; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
svg .grid { stroke: var(--line); stroke-dasharray: 2 3; }
svg .time { fill: var(--muted); }
svg .lane-title { fill: var(--fg); }
svg .deviation-band { fill: var(--dev); opacity: 0.08; }
svg .span.sleeping { fill: var(--sleep); }
svg .span.waiting { fill: var(--wait); }
svg .span.pending { fill: var(--pending); opacity: 0.6; }
svg .mark.step { fill: var(--step); }
svg .mark.start { fill: var(--step); }
svg .mark.done { fill: #1a7f37; font-weight: bold; }
svg .mark.deviation { fill: var(--dev); }
svg .mark.decision { fill: var(--muted); }
svg .mark.state { fill: var(--state); }
.legend { display: flex; flex-wrap: wrap; gap: 16px; margin: 8px 0; color: var(--muted); }
.legend i { display: inline-block; width: 18px; height: 10px; border-radius: 3px; margin-right: 4px; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
td code, pre { font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
td code { white-space: pre-wrap; word-break: break-all; }
.changed { color: var(--state); }
pre { background: var(--soft); padding: 12px; border-radius: 6px; overflow-x: auto; }
`;

const SCRIPT = `
(function () {
  var button = document.getElementById("copy");
  var line = document.getElementById("replay-line");
  if (button === null || line === null) return;
  function select() {
    var range = document.createRange();
    range.selectNodeContents(line);
    var selection = window.getSelection();
    if (selection !== null) { selection.removeAllRanges(); selection.addRange(range); }
    button.textContent = "Selected: press Ctrl+C";
  }
  button.addEventListener("click", function () {
    var text = line.textContent || "";
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; }, select);
    } else {
      select();
    }
  });
})();
`;

/**
 * The HTML report of a failing run (see the module doc): a complete, self-contained HTML document.
 * Every string that comes from the program (names, labels, error messages, state values) is escaped.
 * @throws {@link CheckArgumentError} when `failure` is not a failure (no trace, report or schedule) or
 * an option is out of range.
 *
 * @example
 * ```ts
 * const result = explore(program, { policy: "pct" });
 * if (result.failure !== undefined) writeFileSync("failure.html", htmlReport(result.failure));
 * ```
 */
export function htmlReport(failure: HtmlReportInput, options: HtmlReportOptions = {}): string {
  checkInput(failure);
  const maxInstants = checkOptions(options);
  const tasks = failure.tasks ?? [];
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const title = options.title ?? failure.report.split("\n")[0] ?? "simloop check failed";
  const states = stateChanges(failure.trace);
  const html: string[] = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...headerSection(failure, title),
    ...timelineSection(failure, maxInstants, states, byName),
    ...deviationsSection(failure),
    ...stateSection(states, byName),
  ];
  if (tasks.length > 0) {
    html.push(
      '<section id="tasks">',
      "<h2>Tasks</h2>",
      `<pre>${escapeHtml(taskLegend(tasks).join("\n"))}</pre>`,
      "</section>",
    );
  }
  html.push(
    '<section id="report">',
    "<details>",
    "<summary>The text report</summary>",
    `<pre>${escapeHtml(failure.report)}</pre>`,
    "</details>",
    "</section>",
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  );
  return html.join("\n");
}

/** The page's header (title, error, schedule) and the replay line with its copy button. */
function headerSection(failure: HtmlReportInput, title: string): string[] {
  const replay =
    failure.replay ?? `schedule ${JSON.stringify(failure.schedule.toString())}, loop seed ${failure.runSeed}`;
  return [
    "<header>",
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="error">${escapeHtml(describeError(failure.error))}</p>`,
    `<p class="muted">Failure kind: ${escapeHtml(failure.kind)}; schedule <code>${escapeHtml(failure.schedule.toString())}</code> (${failure.schedule.deviations} deviation(s) from ${orderOwner(failure.async)}'s order); loop seed ${failure.runSeed}.</p>`,
    "</header>",
    '<section id="replay">',
    "<h2>Replay</h2>",
    '<p class="muted">Runs this exact failing run again, in a test or a script (with the program in scope):</p>',
    `<div class="replay"><code id="replay-line">${escapeHtml(replay)}</code><button id="copy" type="button">Copy</button></div>`,
    "</section>",
  ];
}

/** The swimlane timeline, its legend, and a note when instants were left out. */
function timelineSection(
  failure: HtmlReportInput,
  maxInstants: number,
  states: readonly StateChange[],
  byName: ReadonlyMap<string, TaskSite>,
): string[] {
  const deadlock = failure.error as { pending?: unknown } | null;
  const pending =
    failure.kind === "deadlock" && Array.isArray(deadlock?.pending)
      ? pendingOf(deadlock.pending.filter((l): l is string => typeof l === "string"))
      : undefined;
  const { lanes } = runLanes(failure.trace, {
    tasks: [...byName.values()],
    ...(pending === undefined ? {} : { pending }),
  });
  const allInstants = [...new Set(failure.trace.map((e) => e.time))];
  const instants = allInstants.slice(0, maxInstants);
  const choices = choicesOf(failure.trace, (failure.decisions ?? failure.schedule).decisions);
  const out = [
    '<section id="timeline">',
    "<h2>Timeline</h2>",
    '<p class="muted">One lane per task, a column per instant of virtual time at which something ran (a step takes no virtual time). Hover a mark for details.</p>',
    legend(failure.async),
  ];
  if (lanes.length === 0) {
    out.push('<p class="muted">The run has no lane to draw (no task ran and no callback was traced).</p>');
  } else {
    out.push(
      `<div class="scroll">${timelineSvg(lanes, instants, choices, states, byName, {
        ...(failure.async === undefined ? {} : { async: failure.async }),
        ...(failure.timerJitter === undefined ? {} : { timerJitter: failure.timerJitter }),
      })}</div>`,
    );
    if (allInstants.length > instants.length) {
      out.push(
        `<p class="muted">The first ${instants.length} of ${allInstants.length} instants are drawn (maxInstants).</p>`,
      );
    }
  }
  out.push("</section>");
  return out;
}

/** The timeline's legend; `async`: a deviation is from Node's order. */
function legend(async: boolean | undefined): string {
  return [
    '<div class="legend">',
    '<span><i style="background:var(--step);border-radius:50%;width:10px"></i>runs</span>',
    '<span><i style="background:var(--sleep)"></i>sleeping</span>',
    '<span><i style="background:var(--wait)"></i>waiting (woken by another task, a future, a lock)</span>',
    '<span><i style="background:var(--pending);opacity:.6"></i>still waiting at the end</span>',
    `<span><i style="background:var(--dev);opacity:.3"></i>a deviation from ${orderOwner(async)}'s order</span>`,
    '<span><i style="background:var(--state);width:10px"></i>a state change</span>',
    "</div>",
  ].join("\n");
}

/** The deviations from the loop's own order (asyncio's, or Node's for an async program), in words. */
function deviationsSection(failure: HtmlReportInput): string[] {
  const who = orderOwner(failure.async);
  const deviations = deviationLines(failure.schedule, failure.decisions, failure.timerJitter, failure.async);
  const body =
    deviations.length === 0
      ? [`<p>None: ${who}'s own order fails.</p>`]
      : ["<ol>", ...deviations.map((d) => `<li class="deviation">${escapeHtml(d)}</li>`), "</ol>"];
  return ['<section id="deviations">', `<h2>Deviations from ${who}'s order</h2>`, ...body, "</section>"];
}

/** Every state change of the tracked stores, as a table (none when the run tracked no store). */
function stateSection(states: readonly StateChange[], byName: ReadonlyMap<string, TaskSite>): string[] {
  if (states.length === 0) return [];
  const rows = states.map(
    (s) =>
      `<tr class="state-change"><td>${escapeHtml(String(s.time))}</td><td>${escapeHtml(taskWords(s.source, byName))}</td><td>${escapeHtml(s.store)}</td><td class="changed">${escapeHtml(s.changed.join(", "))}</td><td><code>${escapeHtml(json(s.value))}</code></td></tr>`,
  );
  return [
    '<section id="state">',
    "<h2>State changes</h2>",
    '<p class="muted">Every snapshot of the tracked stores (<code>createStore</code>), with the keys that changed.</p>',
    "<table>",
    "<thead><tr><th>t</th><th>by</th><th>store</th><th>changed</th><th>value</th></tr></thead>",
    "<tbody>",
    ...rows,
    "</tbody>",
    "</table>",
    "</section>",
  ];
}

/**
 * Writes {@link htmlReport}'s page to `path` (creating its directory) and returns the absolute path.
 * @throws {@link CheckArgumentError} for a bad failure, option or path; {@link ReportWriteError} when
 * the file cannot be written.
 *
 * @example
 * ```ts
 * const file = writeHtmlReport(result.failure, "reports/lost-update.html");
 * console.log(`open ${file}`);
 * ```
 */
export function writeHtmlReport(failure: HtmlReportInput, path: string, options: HtmlReportOptions = {}): string {
  if (typeof path !== "string" || path === "") {
    throw new CheckArgumentError(`Expected a file path for the HTML report, got ${describeValue(path)}.`);
  }
  const page = htmlReport(failure, options);
  const file = resolve(path);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, page);
  } catch (error) {
    throw new ReportWriteError(file, error);
  }
  return file;
}
