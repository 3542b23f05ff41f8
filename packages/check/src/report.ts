/**
 * The failure report: what failed, with which seed and schedule, where the schedule deviates from
 * FIFO, a timeline of the minimal failing run, who waits on what in a deadlock, the observed state step
 * by step, and a replay line to paste back in.
 *
 * @module
 */
import {
  BadYieldError,
  DeadlockError,
  describeError,
  describeValue,
  type TaskSite,
  type TraceEvent,
} from "@simloop/core";
import type { Coverage } from "./exploration-policy.ts";
import type { FailureKind } from "./run-program.ts";
import { isDeviation, Schedule, type Decision } from "./schedule.ts";
import { formatLanes, lanesLegend, pendingOf } from "./lanes.ts";
import { eventWords, taskLegend } from "./words.ts";
import { lateTimerWords, orderOwner, timerJitterWords, type TimerJitterBounds } from "./internal/order-words.ts";

export type { TimerJitterBounds } from "./internal/order-words.ts";

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
  /** The run's tasks, with their functions and where they were created (from a run traced with sites). */
  readonly tasks?: readonly TaskSite[];
  /**
   * The program's function name, for the replay line (default `name`): printed as is when it is an
   * identifier, else as `program`, so that the line is code that runs with the program in scope.
   */
  readonly program?: string;
  /** Extra replay options to print, such as `levels: { interleave: true }`. */
  readonly replayExtra?: string;
  /** The program is an async one: the replay line calls `replayAsync`. Default false. */
  readonly async?: boolean;
  /**
   * Whether to print the run's lanes (one text row per task, see `formatLanes`). Default: when they
   * are short enough (at most 16 tasks and 100 characters wide).
   */
  readonly lanes?: boolean;
  /**
   * An async campaign's timer jitter (the install's `jitter` option): its draws are told as timers
   * firing late (`a 50 ms setTimeout fired 12 ms late`), in place of `loop.jitter`'s uncertain durations.
   */
  readonly timerJitter?: TimerJitterBounds;
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
  "unhandled-rejection": "a promise rejection was never handled",
  "uncaught-exception": "an exception escaped a callback",
  "leftover-timers": "timers were left pending",
  watchdog: "the run outlived its watchdog (real time)",
};

function firstLine(error: unknown): string {
  return describeError(error);
}

const RESERVED = new Set(
  (
    "await break case catch class const continue debugger default delete do else enum export extends false " +
    "finally for function if import in instanceof let new null return static super switch this throw true try " +
    "typeof var void while with yield arguments eval undefined"
  ).split(" "),
);

/** `value instanceof type`, false where `instanceof` itself throws (a revoked Proxy). */
function isInstance(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** The program's name when it can stand for the program in code, else `program`. */
function replayTarget(name: string): string {
  return /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u.test(name) && !RESERVED.has(name) ? name : "program";
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** What each kind of decision point is, said once, at its first mention; `who` runs option 0 (asyncio or Node). */
function kindExplained(kind: Decision["kind"], who: string): string {
  switch (kind) {
    case "tie":
      return `timers due at the same instant; ${who} fires them in the order they were armed`;
    case "interleave":
      return `callbacks of different tasks ready in the same iteration; ${who} runs them in the order they were queued`;
    case "fault":
      return `a task marked cancellable has just suspended; ${who} lets it wait`;
    case "jitter":
      return `a duration the program declared uncertain with loop.jitter(min, max); ${who} would take the minimum`;
    case "delivery":
      return "replies requested with loop.deliver are pending and nothing else can run; without exploring, the oldest arrives first";
  }
}

function describeDecision(
  decision: Decision,
  index: number,
  explained: Set<string>,
  timerJitter?: TimerJitterBounds,
  async?: boolean,
): string {
  const where = `decision #${index}${decision.time === undefined ? "" : ` at t=${decision.time}`}`;
  const timers = decision.kind === "jitter" && timerJitter !== undefined;
  const explanation = timers
    ? `the install's jitter option: ${timerJitterWords(timerJitter)}; without exploring each fires on time`
    : kindExplained(decision.kind, orderOwner(async));
  const kind = explained.has(decision.kind) ? decision.kind : `${decision.kind}: ${explanation}`;
  explained.add(decision.kind);
  if (timers) return `${where} (${kind}): ${lateTimerWords(decision)}`;
  if (decision.kind === "jitter") {
    return `${where} (${kind}): drew ${decision.pick} in [${decision.min}, ${decision.max}] instead of ${decision.min}`;
  }
  const labels = decision.labels;
  if (labels === undefined)
    return `${where} (${kind}, ${decision.options} options): picked ${decision.pick} instead of 0`;
  const picked = labels[decision.pick] ?? String(decision.pick);
  const fifo = labels[0] ?? "0";
  const others = labels.filter((_, i) => i !== 0 && i !== decision.pick);
  return (
    `${where} (${kind}): ran "${picked}" first, where ${orderOwner(async)} runs "${fifo}"` +
    (others.length === 0 ? "" : ` (other options: ${others.map((l) => `"${l}"`).join(", ")})`)
  );
}

/**
 * @internal The deviations of `schedule` from the loop's own order in words (asyncio's, or Node's when
 * `async`), one line each, each kind of decision point explained at its first mention; labelled from
 * `decisions` (the report's run, traced with the user's call sites) when given; `timerJitter` (an async
 * campaign's) tells jitter draws as late timers.
 */
export function deviationLines(
  schedule: Schedule,
  decisions?: Schedule,
  timerJitter?: TimerJitterBounds,
  async?: boolean,
): string[] {
  const explained = new Set<string>();
  const labelled = decisions?.decisions ?? schedule.decisions;
  return schedule.deviationIndices().map((i) => {
    const decision = schedule.decisions[i] as Decision;
    const labels = labelled[i]?.labels;
    return describeDecision(
      labels === undefined ? decision : { ...decision, labels },
      i,
      explained,
      timerJitter,
      async,
    );
  });
}

function stateText(detail: unknown): string {
  try {
    return JSON.stringify(detail);
  } catch {
    return describeValue(detail);
  }
}

/**
 * The timeline of a run, one line per trace event, in the user's words: virtual time, iteration, then
 * a task starting or resuming (with the function it runs), a timer by the call that armed it, a done
 * callback by what it does; decisions are marked, deviations with `◆`. `tasks` (the run's task sites)
 * adds each task's function to its name; `timerJitter` (an async campaign's) tells jitter draws as late timers.
 *
 * @example
 * ```ts
 * formatTimeline(outcome.trace, outcome.schedule).join("\n");
 * ```
 */
export function formatTimeline(
  trace: readonly TraceEvent[],
  schedule: Schedule,
  maxLines = 80,
  tasks: readonly TaskSite[] = [],
  timerJitter?: TimerJitterBounds,
): string[] {
  const lines: string[] = [];
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const started = new Set<string>();
  let decision = 0;
  for (const event of trace) {
    const head = `${pad(`t=${event.time}`, 8)} ${pad(`#${event.iteration}`, 5)}`;
    switch (event.kind) {
      case "choice": {
        const d = schedule.decisions[decision];
        const index = decision++;
        const deviation = d !== undefined && isDeviation(d);
        const picked =
          d?.kind === "jitter" && timerJitter !== undefined
            ? lateTimerWords(d)
            : (d?.labels?.[d.pick] ?? String((event.detail as { pick?: unknown } | undefined)?.pick));
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
      default:
        lines.push(`${head} ${pad(event.kind, 9)} ${eventWords(event, byName, started)}`);
    }
  }
  if (lines.length <= maxLines) return lines;
  const head = Math.floor(maxLines / 4);
  const tail = maxLines - head;
  return [...lines.slice(0, head), `… ${lines.length - maxLines} event(s) omitted …`, ...lines.slice(-tail)];
}

/** What a policy's name means, said where the report first names it. */
function policyExplained(policy: string): string {
  const depth = /^pct\(depth (\d+)\)$/.exec(policy);
  if (depth !== null) {
    const d = Number(depth[1]);
    return `${policy}: probabilistic concurrency testing, random task priorities with ${plural(d - 1, "priority change point")} per run, which finds a bug needing ${d} events in a given order with the probability below`;
  }
  if (policy.startsWith("random")) return `${policy}: a uniformly random pick at every decision point`;
  if (policy.startsWith("exhaustive")) return `${policy}: every schedule in turn, fewest deviations first`;
  if (policy === "fast-check") return "fast-check: schedules generated and shrunk by fast-check";
  return policy;
}

const LEVEL_EXPLAINED: Record<string, string> = {
  ties: "ties = the order of timers due at the same instant",
  interleave: "interleave = the order of different tasks' callbacks in one iteration",
  jitter: "jitter = durations declared uncertain",
  faults: "faults = cancelling cancellable tasks where they wait",
  io: "io = the order in which replies requested with loop.deliver arrive",
};

function levelsExplained(levels: string, timerJitter: TimerJitterBounds | undefined): string {
  const parts = levels
    .split(", ")
    .map((l) =>
      l === "jitter" && timerJitter !== undefined
        ? `jitter = how late each timer fires (${timerJitterWords(timerJitter)})`
        : (LEVEL_EXPLAINED[l] ?? l),
    );
  return parts.join("; ");
}

const KIND_NOUN: Record<Decision["kind"], string> = {
  tie: "a tie",
  interleave: "an interleaving",
  fault: "a fault point",
  jitter: "an uncertain duration",
  delivery: "an I/O delivery",
};

/** How to read the schedule's text, on its first deviation: `; "t2=1" reads: a tie of 2 options, option 1 picked`. */
function readingOf(schedule: Schedule, timerJitter: TimerJitterBounds | undefined, async?: boolean): string {
  const first = schedule.deviationIndices()[0];
  const decision = first === undefined ? undefined : schedule.decisions[first];
  if (decision === undefined) return "";
  const text = new Schedule([decision]).body();
  if (decision.kind === "jitter" && timerJitter !== undefined)
    return `; "${text}" reads: a timer of ${decision.min} ms fires after ${decision.pick} ms (at most ${decision.max})`;
  if (decision.kind === "jitter")
    return `; "${text}" reads: an uncertain duration in [${decision.min}, ${decision.max}], ${decision.pick} drawn`;
  return `; "${text}" reads: ${KIND_NOUN[decision.kind]} of ${decision.options} options, option ${decision.pick} picked (0 is ${orderOwner(async)}'s)`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
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
  if (isInstance(input.error, BadYieldError)) {
    out.push("  (a task yielded something it cannot wait on: see the message above for the fix)");
  }
  out.push("");
  out.push(
    `Found by ${policyExplained(input.policy)}; exploring ${levelsExplained(input.levels, input.timerJitter)}; seed ${input.seed}, run ${input.run + 1} of ${input.runs} (that run's loop seed: ${input.runSeed}).`,
  );
  const deviations = schedule.deviations;
  const who = orderOwner(input.async);
  const fifo =
    deviations === 0
      ? `no deviation: ${who}'s own order fails`
      : `${plural(deviations, "deviation")} (a pick other than ${who}'s own order)`;
  out.push(
    `Schedule "${schedule.toString()}": ${plural(schedule.length, "decision point")} (a moment where more than one thing could run next${readingOf(schedule, input.timerJitter, input.async)}), ${fifo}.`,
  );
  out.push(
    `Shrunk from ${plural(input.original.deviations, "deviation")} in ${plural(input.shrinkRuns, "run")}${input.minimal === undefined ? " (shrinking looks for the fewest deviations that still fail)" : minimality(input.minimal)}.`,
  );
  if (input.coverage !== undefined) out.push(`Coverage: ${input.coverage.summary}`);
  const tasks = input.tasks ?? [];
  if (tasks.length > 0) {
    out.push("");
    out.push("Tasks (the generator function each runs, and where it was created):");
    for (const line of taskLegend(tasks)) out.push(`  ${line}`);
  }
  const deviationWords = deviationLines(schedule, input.decisions, input.timerJitter, input.async);
  if (deviationWords.length > 0) {
    out.push("");
    out.push(`Deviations from ${who}'s order:`);
    for (const line of deviationWords) out.push(`  - ${line}`);
  }
  if (isInstance(input.error, DeadlockError)) {
    const deadlock = input.error as DeadlockError;
    out.push("");
    out.push(`Who waits on what (t=${deadlock.time}):`);
    for (const line of deadlock.pending) out.push(`  - ${line}`);
  }
  const states = input.trace.filter((e) => e.kind === "note" && e.label.startsWith("state"));
  if (states.length > 0) {
    out.push("");
    out.push("State, step by step:");
    for (const e of states)
      out.push(`  t=${e.time} ${e.source}: ${e.label.slice(6) || "state"} = ${stateText(e.detail)}`);
  }
  const lanes = lanesSection(input);
  if (lanes.length > 0) {
    out.push("");
    out.push(`Lanes of the minimal failing run (a column per instant of virtual time; ${lanesLegend(input.async)}):`);
    for (const line of lanes) out.push(`  ${line}`);
  }
  out.push("");
  out.push(
    "Timeline of the minimal failing run (t = virtual time; #n = loop iteration, callbacks with one n ran in one batch):",
  );
  const timeline = formatTimeline(
    input.trace,
    input.decisions ?? schedule,
    input.maxLines ?? 80,
    tasks,
    input.timerJitter,
  );
  for (const line of timeline) out.push(`  ${line}`);
  out.push("");
  out.push("Replay (runs this exact failing run again, in a test or a script):");
  out.push(`  ${replayLine(input)}`);
  return out.join("\n");
}

/**
 * The report's replay line: code that runs the failing run again, with the program in scope.
 *
 * @example
 * ```ts
 * replayLine(input); // 'replay(buggy, "v2:t2=1", { seed: 3713564832 });'
 * ```
 */
export function replayLine(
  input: Pick<ReportInput, "name" | "program" | "schedule" | "runSeed" | "replayExtra" | "async">,
): string {
  const extra = input.replayExtra === undefined ? "" : `, ${input.replayExtra}`;
  const program = replayTarget(input.program ?? input.name);
  const call = input.async === true ? "await replayAsync" : "replay";
  return `${call}(${program}, ${JSON.stringify(input.schedule.toString())}, { seed: ${input.runSeed}${extra} });`;
}

/** The lanes for the report: when asked for, or by default when short enough; else none. */
function lanesSection(input: ReportInput): string[] {
  if (input.lanes === false) return [];
  const pending = isInstance(input.error, DeadlockError)
    ? pendingOf((input.error as DeadlockError).pending)
    : undefined;
  const lines = formatLanes(input.trace, {
    ...(input.tasks === undefined ? {} : { tasks: input.tasks }),
    decisions: (input.decisions ?? input.schedule).decisions,
    ...(pending === undefined ? {} : { pending }),
  });
  // No lane below the header and the decisions row: nothing to draw.
  if (!lines.some((line, i) => i > 0 && !line.startsWith("decisions"))) return [];
  if (input.lanes === true) return lines;
  const short = lines.length <= 18 && lines.every((line) => line.length <= 100);
  return short ? lines : [];
}

function minimality(minimal: boolean | undefined): string {
  if (minimal === undefined) return "";
  return minimal
    ? ", minimal (no single reset, pair, move or snap still fails)"
    : ", not shown minimal (shrink budget spent)";
}
