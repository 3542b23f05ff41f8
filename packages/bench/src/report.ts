/**
 * Reports: the console tables, the W1 growth check, and `docs/performance.md`.
 *
 * Every rate is a median over repetitions with its spread (min–max and IQR); every ratio is simloop's
 * rate over the other system's, paired per repetition, so no absolute time stands alone.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { findRow, pairedRatio, type Row, type Skip, type WorkloadResult } from "./harness.ts";
import { GIB, type MemoryResult } from "./memory.ts";
import { W4F_PENDING, type FinderResult, type RunsToFindResult } from "./runs-to-find.ts";
import type { Summary } from "./stats.ts";
import type { TargetResult } from "./targets.ts";
import type { BoundLine } from "./bounds.ts";
import { ALLOCATION_NOISE_BYTES, allowedBytes, type AllocationResult, type AllocationRow } from "./allocation.ts";

/** The machine a run was made on. */
export interface Machine {
  readonly node: string;
  readonly cpus: number;
  readonly model: string;
}

/** Reads the node version, the CPU count and the CPU model (from /proc/cpuinfo when there is one). */
export function describeMachine(): Machine {
  let model = "unknown";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line !== undefined) model = line.split(":")[1]?.trim() ?? model;
  } catch {
    // not Linux: keep "unknown"
  }
  return { node: process.version, cpus: availableParallelism(), model };
}

/** `1.23M`, `456k`, `789`. */
export function formatCount(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 1e6) return `${(x / 1e6).toFixed(x >= 1e8 ? 0 : 2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(x >= 1e5 ? 0 : 1)}k`;
  return x.toFixed(x >= 100 ? 0 : 1);
}

/** `10^4` for powers of ten, the number otherwise. */
export function formatN(n: number): string {
  const e = Math.round(Math.log10(n));
  return 10 ** e === n && n >= 1000 ? `10^${e}` : String(n);
}

function ms(seconds: number): string {
  const x = seconds * 1000;
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function times(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** The cells of one table row. */
function cells(result: WorkloadResult, row: Row): string[] {
  const simloop = findRow(result, "simloop", row.n);
  let ratio = "—";
  if (simloop !== undefined && row.system.id !== "simloop") {
    const r = pairedRatio(simloop, row);
    ratio = `${times(r.median)}× (${times(r.min)}–${times(r.max)})`;
  }
  return [
    formatN(row.n),
    row.system.name + (row.system.role === "baseline" ? " [baseline]" : ""),
    row.size === row.n ? formatN(row.size) : `${formatN(row.size)}*`,
    `${ms(row.time.median)} (${ms(row.time.min)}–${ms(row.time.max)})`,
    `${formatCount(row.rate.median)}/s`,
    `${formatCount(row.rate.q1)}–${formatCount(row.rate.q3)}`,
    ratio,
  ];
}

const HEADER = ["N", "system", "run at", "ms: median (min–max)", "rate", "rate IQR", "simloop ÷ system"];

function skipLine(skip: Skip): string {
  return Number.isNaN(skip.n)
    ? `${skip.system.name}: not measured — ${skip.reason}`
    : `${skip.system.name} at N=${formatN(skip.n)}: skipped — ${skip.reason}`;
}

function uniqueSkips(skips: readonly Skip[]): Skip[] {
  const seen = new Set<string>();
  return skips.filter((skip) => {
    const key = `${skip.system.id}:${Number.isNaN(skip.n) ? "all" : skip.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The W1 growth check: per-event cost at the largest N over the smallest, per system. */
export interface Growth {
  readonly system: string;
  readonly costRatio: number;
}

/** Computes W1's growth of per-event cost from the smallest to the largest N. */
export function growthOf(result: WorkloadResult): { growth: Growth[]; logFactor: number; from: number; to: number } {
  const sizes = result.workload.sizes;
  const from = Math.min(...sizes);
  const to = Math.max(...sizes);
  const growth: Growth[] = [];
  for (const row of result.rows) {
    if (row.n !== to) continue;
    const small = findRow(result, row.system.id, from);
    if (small === undefined) continue;
    growth.push({ system: row.system.name, costRatio: row.time.median / to / (small.time.median / from) });
  }
  return { growth, logFactor: Math.log2(to) / Math.log2(from), from, to };
}

function pad(row: readonly string[], widths: readonly number[]): string {
  return row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ");
}

/** The console report of one workload. */
export function consoleWorkload(result: WorkloadResult): string {
  const w = result.workload;
  const lines: string[] = [];
  lines.push("", `${w.id} — ${w.title} (${w.unit}/s)`);
  const rows = result.rows.map((row) => cells(result, row));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  lines.push(`  ${pad(HEADER, widths)}`);
  for (const r of rows) lines.push(`  ${pad(r, widths)}`);
  if (result.rows.some((row) => row.size !== row.n)) {
    lines.push("  * run at a smaller size (too slow for the full one); its rate per event is compared");
  }
  for (const skip of uniqueSkips(result.skips)) lines.push(`  - ${skipLine(skip)}`);
  if (w.id === "W1" && w.sizes.length > 1) {
    const g = growthOf(result);
    lines.push(
      `  per-event cost, N=${formatN(g.to)} over N=${formatN(g.from)} (a log factor alone gives ×${g.logFactor.toFixed(2)}):`,
    );
    for (const x of g.growth) lines.push(`    ${x.system}: ×${x.costRatio.toFixed(2)}`);
  }
  return lines.join("\n");
}

/** The console lines of the memory measure. */
export function consoleMemory(memory: MemoryResult): string {
  const lines = [
    "",
    `W3 memory — heap bytes per suspended task (K=${formatN(memory.k)}, after a full GC${memory.exactGc ? "" : "; GC NOT exposed: run with --expose-gc"})`,
    `  simloop (task + generators + sleep timer): ${memory.simloop.toFixed(0)} B`,
    `  bare generator scheduler: ${memory.bare.toFixed(0)} B`,
    `  fake-timers + async function: ${memory.fakeTimers.toFixed(0)} B`,
    ...(memory.userGenerator === undefined
      ? []
      : [`  of which the user's own generator, in every system: ${memory.userGenerator.toFixed(0)} B`]),
    `  10^6 sleeping simloop tasks: ${millionLine(memory)}`,
  ];
  return lines.join("\n");
}

function millionLine(memory: MemoryResult): string {
  const extrapolated = memory.simloop * 1e6;
  const measured = memory.simloopMillion;
  const basis =
    measured === null
      ? `${(extrapolated / 2 ** 20).toFixed(0)} MiB extrapolated from K=${formatN(memory.k)}`
      : `${((measured * 1e6) / 2 ** 20).toFixed(0)} MiB measured (${measured.toFixed(0)} B/task)`;
  const total = measured === null ? extrapolated : measured * 1e6;
  return `${basis}: ${total < GIB ? "fits" : "does NOT fit"} in 1 GiB`;
}

/** The console lines of the targets. */
export function consoleTargets(targets: readonly TargetResult[]): string {
  const lines = ["", "Targets"];
  for (const t of targets) {
    const mark = t.status === "met" ? "met    " : t.status === "not met" ? "NOT MET" : "n/a    ";
    lines.push(`  [${mark}] ${t.workload} ${t.description}: ${t.measured}`);
  }
  return lines.join("\n");
}

function allowedText(row: AllocationRow): string {
  return row.allowed.map((a) => `${a.what} ${a.bytes.toFixed(0)} B`).join(" + ");
}

/** The console lines of the allocation per event (see `allocation.ts`). */
export function consoleAllocation(result: AllocationResult): string {
  const lines = ["", `Allocation per event (heap bytes, runs of ${formatN(result.n)} events without a GC)`];
  for (const row of result.rows) {
    const bytes = row.bytes === null ? "no exact measure" : `${row.bytes.toFixed(1)} B`;
    lines.push(
      `  ${row.workload} ${row.event}: ${bytes}; allowed: ${allowedText(row)} (+${ALLOCATION_NOISE_BYTES} B noise) = ${allowedBytes(row).toFixed(0)} B`,
    );
  }
  return lines.join("\n");
}

/** The console lines of the bounds (see `bounds.ts`). */
export function consoleBounds(bounds: readonly BoundLine[]): string {
  if (bounds.length === 0) return "";
  const lines = ["", "What bounds them (measured in this run)"];
  for (const b of bounds) lines.push(`  ${b.workload} ${b.description}: ${b.measured}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------- W4f: runs to find

function count(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

function spread(summary: Summary | null, format: (x: number) => string): string {
  return summary === null ? "—" : `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}

const RUNS_TO_FIND_HEADER = [
  "system",
  "runs to find: median (min–max)",
  "wall ms to find: median (min–max)",
  "found",
  "fc.scheduler ÷ system: runs",
  "fc.scheduler ÷ system: wall time",
];

function runsToFindCells(result: RunsToFindResult, finder: FinderResult): string[] {
  const ratio = (r: Summary | null): string =>
    finder.role === "peer" || r === null ? "—" : `${times(r.median)}× (${times(r.min)}–${times(r.max)})`;
  return [
    finder.name,
    spread(finder.runs, count),
    spread(finder.ms, (x) => ms(x / 1000)),
    `${finder.found}/${result.seeds}`,
    ratio(finder.runsRatio),
    ratio(finder.msRatio),
  ];
}

function runsToFindTitle(result: RunsToFindResult): string {
  return `${result.id} — runs to find the ${result.bug} bug (depth ${result.depth}): simloop explore vs fc.scheduler on its Promise twin`;
}

/** The notes under W4f's table: what is counted, timed and compared. */
export function runsToFindNotes(result: RunsToFindResult): string[] {
  return [
    `Seeds 1–${result.seeds}, budget ${result.budget} runs per campaign. simloop: \`explore(bug.buggy, { policy, runs: ${result.budget}, seed, depth: ${result.depth}, shrink: false${result.levels === null ? "" : `, levels: ${JSON.stringify(result.levels)}`} })\` on the corpus program (packages/check/examples/bugs/${result.bug}.ts${result.levels === null ? ", at explore's default levels: ties" : ""}); runs to find = \`result.runs\` of a failing result. fast-check: \`fc.check(fc.asyncProperty(fc.scheduler(), twin.buggy), { seed, numRuns: ${result.budget}, endOnFailure: true })\` on its Promise twin (packages/check/examples/promise-twins.ts); runs to find = \`numRuns\` of a failing result (it includes the failing run).`,
    "Wall time is the whole call, timed with `performance.now()`: for `explore` that includes analysing the failure it found (a traced re-run of the failing run, two replays for its determinism self-check, and the report; `shrink: false` skips only shrinking), for `fc.check` building its run details. Medians and min–max are over the seeds that found the bug.",
    `Ratios are fc.scheduler's figure ÷ the simloop policy's, computed per seed (both found the bug on it) and summarised as median (min–max) of the per-seed ratios; above 1 means simloop needed fewer runs or less time. The two sides draw from different PRNGs, so a seed pairs campaigns, not schedules; exhaustive does not depend on the seed.`,
    `Each system made ${result.warmup} untimed campaigns first; then, per seed, every system ran once, in an order that rotates with the seed.`,
  ];
}

/** The console report of W4f, or its pending line. */
export function consoleRunsToFind(result: RunsToFindResult | "pending"): string {
  if (result === "pending") return `\nW4f — runs to find: ${W4F_PENDING}`;
  const lines = ["", runsToFindTitle(result)];
  const rows = result.finders.map((finder) => runsToFindCells(result, finder));
  const widths = RUNS_TO_FIND_HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  lines.push(`  ${pad(RUNS_TO_FIND_HEADER, widths)}`);
  for (const r of rows) lines.push(`  ${pad(r, widths)}`);
  for (const note of runsToFindNotes(result)) lines.push(`  - ${note}`);
  return lines.join("\n");
}

function markdownRunsToFind(result: RunsToFindResult | "pending"): string[] {
  if (result === "pending") return ["", "## W4f — runs to find", "", W4F_PENDING];
  const out = ["", `## ${runsToFindTitle(result)}`, ""];
  out.push(`| ${RUNS_TO_FIND_HEADER.join(" | ")} |`, `|${RUNS_TO_FIND_HEADER.map(() => " --- ").join("|")}|`);
  for (const finder of result.finders) out.push(`| ${runsToFindCells(result, finder).join(" | ")} |`);
  out.push("");
  for (const note of runsToFindNotes(result)) out.push(`- ${note}`);
  return out;
}

// ---------------------------------------------------------------- docs/performance.md

function markdownTable(result: WorkloadResult): string {
  const rows = result.rows.map((row) => cells(result, row));
  const out = [`| ${HEADER.join(" | ")} |`, `|${HEADER.map(() => " --- ").join("|")}|`];
  for (const r of rows) out.push(`| ${r.join(" | ")} |`);
  return out.join("\n");
}

/** Everything `docs/performance.md` is made of. */
export interface MarkdownInput {
  readonly machine: Machine;
  readonly command: string;
  readonly results: readonly WorkloadResult[];
  readonly memory: MemoryResult | null;
  /** The allocation per event, when measured. */
  readonly allocation?: AllocationResult | null;
  readonly targets: readonly TargetResult[];
  /** The bounds measured in the same run (see `bounds.ts`). */
  readonly bounds?: readonly BoundLine[];
  readonly w4Note: string | null;
  /** W4f's measurements, `"pending"` while its inputs are missing, or absent/`null` when not run. */
  readonly runsToFind?: RunsToFindResult | "pending" | null;
  readonly seconds: number;
}

/** The note under W5's table: what each system runs and what the floor stands for. */
const W5_NOTE =
  "Every system runs the same program: N timers at pseudo-random whole-millisecond delays below 10^6, each callback " +
  "an async function awaiting three chained `Promise.resolve` steps. simloop: `runAsync` of a main that calls the " +
  "virtual global `setTimeout` N times and awaits the last chain (the driver dispatches each virtual callback from " +
  "a real `MessageChannel` macrotask of its own: exact quiescence). fake-timers: `createClock`, `clock.setTimeout` " +
  "N times, `await clock.runAllAsync()` (it yields to the real loop once per timer). The floor: the same callbacks " +
  "in `(delay, index)` order from a sorted index array, each called from its own real `MessageChannel` macrotask " +
  "and nothing else: what exact quiescence costs, with no clock, no loop and no globals. No skip path is measured: " +
  "every W5 callback queues promise jobs, so a skip (no macrotask after a callback that queued nothing) could not " +
  "apply to it.";

/** The note under W6's table: what is run, and what bounds the drop-in. */
const W6_NOTE =
  "Both systems run `fc.assert(fc.asyncProperty(scheduler, twin), { numRuns, seed: 1 })` on the lost-update Promise " +
  "twin of the corpus (recording the balance instead of throwing, so every run executes); only the scheduler differs. " +
  "What bounds the drop-in: each run drives a fresh loop in async mode, so every virtual callback (each release, the " +
  "twin's `setImmediate`, the idle check) costs a real `MessageChannel` macrotask, and each decision is recorded; " +
  "`fc.scheduler()` releases from microtasks (50 ticks per release) and pays a real `setImmediate` per settle round.";

/** Renders `docs/performance.md`. */
export function renderMarkdown(input: MarkdownInput): string {
  const { machine } = input;
  const lines: string[] = [
    "# Performance",
    "",
    "<!-- Generated by `pnpm bench --write` (packages/bench/src/run.ts); edit the bench, not this file. -->",
    "",
    "simloop's hot path (a packed `(when, seq)` heap, a ring-buffer ready queue, one handle per event) measured",
    "against bare baselines written in the benchmark and against peers, **in one process, alternating systems**",
    "(the order rotates every repetition). Rates are medians over the repetitions, with the min–max of the",
    "times and the IQR of the rates; **ratios are simloop's rate ÷ the system's, paired per repetition**",
    "(median and min–max of the per-repetition ratios), so they do not depend on how fast this machine is.",
    "",
    "## Machine and command",
    "",
    `- node ${machine.node}, ${machine.cpus} CPUs (nproc), ${machine.model}`,
    `- \`${input.command}\` (${input.seconds.toFixed(0)} s for the whole suite)`,
    "- GC is forced before every timed run (`--expose-gc`); each timing is kept only if the system ran the expected number of events.",
    "- simloop is measured from its built packages (`pnpm build` first: the JavaScript its users import), as the peers are from theirs.",
    "",
    "## Targets",
    "",
    "| workload | target | status | measured (median, min–max) |",
    "| --- | --- | --- | --- |",
  ];
  for (const t of input.targets) lines.push(`| ${t.workload} | ${t.description} | ${t.status} | ${t.measured} |`);
  if (input.bounds !== undefined && input.bounds.length > 0) {
    lines.push(
      "",
      "## What bounds them",
      "",
      "Measured in the same run: bare baselines that do only what asyncio's API obliges (a handle object per",
      "timer or callback, the user's own generator, the program run without exploring), against the baseline",
      "a target is set on, and simloop against that floor.",
      "",
      "| workload | bound | measured (median, min–max) |",
      "| --- | --- | --- |",
    );
    for (const b of input.bounds) lines.push(`| ${b.workload} | ${b.description} | ${b.measured} |`);
  }
  for (const result of input.results) {
    const w = result.workload;
    lines.push("", `## ${w.id} — ${w.title}`, "", `Rates in ${w.unit}/s.`, "", markdownTable(result));
    if (result.rows.some((row) => row.size !== row.n)) {
      lines.push("", "\\* run at a smaller size (too slow for the full one); its rate per event is compared.");
    }
    const skips = uniqueSkips(result.skips);
    if (skips.length > 0) {
      lines.push("");
      for (const skip of skips) lines.push(`- ${skipLine(skip)}`);
    }
    if (w.id === "W1" && w.sizes.length > 1) {
      const g = growthOf(result);
      lines.push(
        "",
        `Per-event cost at N=${formatN(g.to)} over N=${formatN(g.from)} (the heap's log factor alone predicts ×${g.logFactor.toFixed(2)}; the packed baseline shows what the memory hierarchy adds):`,
        "",
      );
      for (const x of g.growth) lines.push(`- ${x.system}: ×${x.costRatio.toFixed(2)}`);
      lines.push("", "![W1: events/s against N](performance-growth.svg)");
    }
    if (w.id === "W5") lines.push("", W5_NOTE);
    if (w.id === "W6") lines.push("", W6_NOTE);
    if (w.id === "W3b" && input.memory !== null) {
      const m = input.memory;
      lines.push(
        "",
        `### Memory per suspended task (K=${formatN(m.k)}, heapUsed after a full GC, minus before, ÷ K)`,
        "",
        "| system | bytes per sleeping task |",
        "| --- | --- |",
        `| simloop (task + generators + sleep timer) | ${m.simloop.toFixed(0)} |`,
        `| bare generator scheduler | ${m.bare.toFixed(0)} |`,
        `| fake-timers + async function | ${m.fakeTimers.toFixed(0)} |`,
        ...(m.userGenerator === undefined
          ? []
          : [`| of which the user's own generator, in every system | ${m.userGenerator.toFixed(0)} |`]),
        "",
        `10^6 sleeping simloop tasks: ${millionLine(m)}.`,
      );
    }
  }
  if (input.allocation !== undefined && input.allocation !== null) {
    lines.push(
      "",
      "## Allocation per event",
      "",
      `Heap bytes allocated per event, from runs of ${formatN(input.allocation.n)} events during which no garbage collection ran`,
      "(the minimum over several attempts), against the objects asyncio's design allocates for that event, each",
      "measured the same way (with 8 bytes for measuring noise).",
      "",
      "| workload | event | bytes measured | allowed: asyncio's objects |",
      "| --- | --- | --- | --- |",
    );
    for (const row of input.allocation.rows) {
      const bytes = row.bytes === null ? "no exact measure" : row.bytes.toFixed(1);
      lines.push(
        `| ${row.workload} | ${row.event} | ${bytes} | ${allowedText(row)} = ${allowedBytes(row).toFixed(0)} |`,
      );
    }
  }
  if (input.w4Note !== null) lines.push("", "## W4 — exploration", "", input.w4Note);
  if (input.runsToFind !== undefined && input.runsToFind !== null) lines.push(...markdownRunsToFind(input.runsToFind));
  lines.push("");
  return lines.join("\n");
}
