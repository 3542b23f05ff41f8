/**
 * The failure report: what failed, with which seed and schedule, where the schedule deviates from
 * FIFO, a timeline of the minimal failing run, who waits on what in a deadlock, the observed state step
 * by step, and a replay line to paste back in.
 *
 * @module
 */
import { BadYieldError, DeadlockError, type TraceEvent } from "@simloop/core";
import type { Coverage } from "./exploration-policy.ts";
import type { FailureKind } from "./run-program.ts";
import { isDeviation, type Decision, type Schedule } from "./schedule.ts";

/** What {@link formatReport} needs. */
export interface ReportInput {
  /** The program's name, for the title and the replay line. */
  readonly name: string;
  readonly kind: FailureKind;
  readonly error: unknown;
  /** The policy's name and the enabled levels, as text. */
  readonly policy: string;
  readonly levels: string;
  /** The exploration seed, the failing run (0-based) and the loop seed of that run. */
  readonly seed: number;
  readonly run: number;
  readonly runSeed: number;
  /** Runs executed until the failure. */
  readonly runs: number;
  /** The shrunk schedule and the one first found. */
  readonly schedule: Schedule;
  readonly original: Schedule;
  readonly shrinkRuns: number;
  /** Whether shrinking showed the schedule minimal (absent: shrinking was off). */
  readonly minimal?: boolean;
  /** The minimal run's trace and its full (untrimmed) decisions. */
  readonly trace: readonly TraceEvent[];
  readonly decisions?: Schedule;
  readonly coverage?: Coverage;
  /** The largest number of timeline lines. Default 80. */
  readonly maxLines?: number;
  /** Extra replay options to print, such as `levels: { interleave: true }`. */
  readonly replayExtra?: string;
}

const KIND_TITLE: Record<FailureKind, string> = {
  error: "the program threw",
  invariant: "an invariant was violated",
  deadlock: "deadlock",
  "step-budget": "the step budget ran out (livelock?)",
  unhandled: "the exception handler was called",
  unretrieved: "an exception was never retrieved",
  "leftover-tasks": "tasks were left pending",
  policy: "the scheduling policy failed",
  nondeterminism: "the run is not deterministic",
};

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function describeDecision(decision: Decision, index: number): string {
  const where = `decision #${index}${decision.time === undefined ? "" : ` at t=${decision.time}`}`;
  if (decision.kind === "jitter") {
    return `${where} (jitter in [${decision.min}, ${decision.max}]): drew ${decision.pick} instead of ${decision.min}`;
  }
  const labels = decision.labels;
  if (labels === undefined)
    return `${where} (${decision.kind}, ${decision.options} options): picked ${decision.pick} instead of 0`;
  return `${where} (${decision.kind}): ran "${labels[decision.pick] ?? decision.pick}" instead of "${labels[0] ?? 0}" (of ${labels.map((l) => `"${l}"`).join(", ")})`;
}

function stateText(detail: unknown): string {
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

/**
 * The timeline of a run, one line per trace event: virtual time, iteration, what ran and who scheduled
 * it; decisions are marked, deviations with `◆`.
 *
 * @example
 * ```ts
 * formatTimeline(outcome.trace, outcome.schedule).join("\n");
 * ```
 */
export function formatTimeline(trace: readonly TraceEvent[], schedule: Schedule, maxLines = 80): string[] {
  const lines: string[] = [];
  let decision = 0;
  for (const event of trace) {
    const head = `${pad(`t=${event.time}`, 8)} ${pad(`#${event.iteration}`, 5)}`;
    switch (event.kind) {
      case "choice": {
        const d = schedule.decisions[decision];
        const index = decision++;
        const deviation = d !== undefined && isDeviation(d);
        const picked = d?.labels?.[d.pick] ?? String((event.detail as { pick?: unknown } | undefined)?.pick);
        lines.push(
          `${head} ${deviation ? "◆" : "·"} ${event.label} #${index}: ${picked}${deviation ? "  (deviation)" : ""}`,
        );
        break;
      }
      case "note":
        lines.push(
          `${head} ${pad("note", 9)} ${event.source}: ${event.label}${event.detail === undefined ? "" : ` ${stateText(event.detail)}`}`,
        );
        break;
      case "step":
        lines.push(
          `${head} ${pad("step", 9)} ${event.label}${event.source === event.label ? "" : `  (woken by ${event.source})`}`,
        );
        break;
      default:
        lines.push(`${head} ${pad(event.kind, 9)} ${event.label}  (from ${event.source})`);
    }
  }
  if (lines.length <= maxLines) return lines;
  const head = Math.floor(maxLines / 4);
  const tail = maxLines - head;
  return [...lines.slice(0, head), `… ${lines.length - maxLines} event(s) omitted …`, ...lines.slice(-tail)];
}

/**
 * Formats a failure report (see the module doc).
 *
 * @example
 * ```ts
 * const result = explore(program, { policy: "pct" });
 * console.log(result.failure?.report);
 * ```
 */
export function formatReport(input: ReportInput): string {
  const { schedule } = input;
  const out: string[] = [];
  out.push(`simloop check failed: ${input.name}: ${KIND_TITLE[input.kind]}`);
  out.push(`  ${firstLine(input.error).split("\n").join("\n  ")}`);
  if (input.error instanceof BadYieldError) {
    out.push("  (a task yielded something it cannot wait on: see the message above for the fix)");
  }
  out.push("");
  out.push(
    `Found by ${input.policy} (levels: ${input.levels}) with seed ${input.seed}, run ${input.run + 1} of ${input.runs} (loop seed ${input.runSeed}).`,
  );
  const fifo = schedule.deviations === 0 ? "asyncio's own FIFO order" : `${schedule.deviations} deviation(s) from FIFO`;
  out.push(
    `Schedule: "${schedule.toString()}" (${fifo}, ${schedule.length} decision(s)); shrunk from ${input.original.deviations} deviation(s) in ${input.shrinkRuns} run(s)${minimality(input.minimal)}.`,
  );
  if (input.coverage !== undefined) out.push(`Coverage: ${input.coverage.summary}`);
  const indices = schedule.deviationIndices();
  if (indices.length > 0) {
    out.push("");
    out.push("Deviations from FIFO:");
    for (const i of indices) out.push(`  - ${describeDecision(schedule.decisions[i] as Decision, i)}`);
  }
  if (input.error instanceof DeadlockError) {
    out.push("");
    out.push(`Who waits on what (t=${input.error.time}):`);
    for (const line of input.error.pending) out.push(`  - ${line}`);
  }
  const states = input.trace.filter((e) => e.kind === "note" && e.label.startsWith("state"));
  if (states.length > 0) {
    out.push("");
    out.push("State, step by step:");
    for (const e of states)
      out.push(`  t=${e.time} ${e.source}: ${e.label.slice(6) || "state"} = ${stateText(e.detail)}`);
  }
  out.push("");
  out.push("Timeline of the minimal failing run (t=virtual time, #iteration):");
  for (const line of formatTimeline(input.trace, input.decisions ?? schedule, input.maxLines ?? 80))
    out.push(`  ${line}`);
  out.push("");
  out.push("Replay:");
  const extra = input.replayExtra === undefined ? "" : `, ${input.replayExtra}`;
  out.push(`  replay(${input.name}, "${schedule.toString()}", { seed: ${input.runSeed}${extra} });`);
  return out.join("\n");
}

function minimality(minimal: boolean | undefined): string {
  if (minimal === undefined) return "";
  return minimal
    ? ", minimal (no single reset, pair, move or snap still fails)"
    : ", not shown minimal (shrink budget spent)";
}
