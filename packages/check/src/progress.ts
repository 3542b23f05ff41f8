/**
 * Progress and summary of a campaign: while it runs, a live line on a terminal (runs, distinct
 * schedules, rate, ETA) or a plain line per interval elsewhere; when it ends, passing or failing, one
 * summary line (runs, distinct schedules, what the coverage claims).
 *
 * Who prints: `explore` prints nothing unless given an `output` (it is a library function, and test
 * suites call it by the thousand); the vitest helper `simloopTest` prints by default, through
 * `console.log` (vitest shows it under the test) with the live line on a terminal's stderr. A test that
 * must stay silent passes `output: false`, or its own {@link ProgressOutput} to read the lines.
 *
 * @module
 */
import type { Coverage } from "./exploration-policy.ts";

/** Progress of a campaign, for `onProgress`. */
export interface ExploreProgress {
  readonly run: number;
  readonly runs: number;
  readonly distinctSchedules: number;
}

/** Where a campaign's progress and summary go. */
export interface ProgressOutput {
  /** Writes one line: a plain progress line, or the summary. */
  line(text: string): void;
  /**
   * Redraws the live progress line (a terminal); `null` clears it. When absent, progress comes as plain
   * lines, one per interval.
   */
  live?(text: string | null): void;
  /** Milliseconds between progress updates, and before the first. Default 2000 (1000 for a live line). */
  readonly intervalMs?: number;
}

/** What a summary line is made of: a campaign's result, as `explore` returns it. */
export interface CampaignSummary {
  readonly ok: boolean;
  readonly runs: number;
  readonly distinctSchedules: number;
  readonly distinctSchedulesEstimated?: boolean;
  readonly coverage: Coverage;
  readonly policy: string;
  /** What the runs did not explore, and the fix (see `ExploreResult.notice`). */
  readonly notice?: string;
  readonly failure?: { readonly kind: string; readonly run: number };
}

function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * One progress line: runs done of the budget, distinct schedules, rate and the estimated time left.
 *
 * @example
 * ```ts
 * progressLine("deposits", { run: 999, runs: 10_000, distinctSchedules: 40 }, 2000, undefined);
 * // "simloop: deposits: 1,000 / 10,000 runs, 40 distinct schedules, 500 runs/s, ETA 18 s"
 * ```
 */
export function progressLine(
  name: string,
  progress: ExploreProgress,
  elapsedMs: number,
  timeBudgetMs: number | undefined,
  done: number = progress.run + 1,
): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  let left = rate > 0 ? ((progress.runs - done) * 1000) / rate : Infinity;
  if (timeBudgetMs !== undefined) left = Math.min(left, Math.max(0, timeBudgetMs - elapsedMs));
  const eta = Number.isFinite(left) ? `, ETA ${duration(left)}` : "";
  return `simloop: ${name}: ${count(done)} / ${count(progress.runs)} runs, ${count(progress.distinctSchedules)} distinct schedules, ${count(rate)} runs/s${eta}`;
}

/**
 * The one line a campaign ends with: passed or failed, runs, distinct schedules, the coverage claim.
 *
 * @example
 * ```ts
 * summaryLine("deposits", explore(program, { runs: 500 }));
 * // "simloop: deposits: passed 500 runs, 2 distinct schedules (pct(depth 2)); a bug of depth <= 2 … >= 0.99 …"
 * ```
 */
export function summaryLine(name: string, result: CampaignSummary): string {
  const distinct = `${result.distinctSchedulesEstimated === true ? "about " : ""}${count(result.distinctSchedules)} distinct schedule${result.distinctSchedules === 1 ? "" : "s"}`;
  const runs = `${count(result.runs)} run${result.runs === 1 ? "" : "s"}`;
  if (result.ok || result.failure === undefined) {
    const note = result.notice === undefined ? "" : `. Note: ${result.notice}`;
    return `simloop: ${name}: passed ${runs}, ${distinct} (${result.policy}); ${result.coverage.summary}${note}`;
  }
  return `simloop: ${name}: FAILED (${result.failure.kind}) at run ${count(result.failure.run + 1)}, after ${runs}, ${distinct} (${result.policy}); the report follows`;
}

/**
 * @internal The reporter `explore` drives: `tick` after each run (cheap: it reads the clock and writes
 * only once per interval), `end` with the result.
 */
export class ProgressReporter {
  private readonly _output: ProgressOutput;
  private readonly _name: string;
  private readonly _timeBudgetMs: number | undefined;
  private readonly _now: () => number;
  private readonly _started: number;
  private readonly _interval: number;
  private _next: number;
  private _live = false;

  constructor(
    output: ProgressOutput,
    name: string,
    timeBudgetMs: number | undefined,
    now: () => number = () => performance.now(),
  ) {
    this._output = output;
    this._name = name;
    this._timeBudgetMs = timeBudgetMs;
    this._now = now;
    this._started = now();
    this._interval = output.intervalMs ?? (output.live === undefined ? 2000 : 1000);
    this._next = this._started + this._interval;
  }

  /** After each run of the campaign. */
  tick(progress: ExploreProgress): void {
    const now = this._now();
    if (now < this._next) return;
    this._next = now + this._interval;
    const text = progressLine(this._name, progress, now - this._started, this._timeBudgetMs);
    const live = this._output.live;
    if (live === undefined) this._output.line(text);
    else {
      live.call(this._output, text);
      this._live = true;
    }
  }

  /** When the campaign ends: clears a live line and writes the summary. */
  end(result: CampaignSummary): void {
    if (this._live) this._output.live?.(null);
    this._output.line(summaryLine(this._name, result));
  }
}

/**
 * The output the vitest helper uses by default: lines through `console.log` (vitest shows them under
 * the test), the live line on stderr when it is a terminal.
 *
 * @example
 * ```ts
 * explore(program, { runs: 100_000, output: consoleOutput() });
 * ```
 */
export function consoleOutput(): ProgressOutput {
  const stderr = typeof process === "undefined" ? undefined : process.stderr;
  const output: ProgressOutput = { line: (text) => console.log(text) };
  if (stderr?.isTTY === true) {
    return {
      ...output,
      live: (text) => {
        stderr.write(text === null ? "\r\x1b[2K" : `\r\x1b[2K${text}`);
      },
    };
  }
  return output;
}
