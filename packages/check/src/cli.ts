/**
 * The `simloop` command (the package's `bin`): `simloop explore <module>` runs a campaign on a program
 * exported by a module and `simloop replay <module> <schedule>` re-runs one schedule, with exit codes a
 * CI job can act on ({@link EXIT}). Options are parsed with `node:util`'s `parseArgs`.
 *
 * A module is a path (relative to the working directory) or a URL; it is imported as is, so a
 * TypeScript module needs a Node that strips types (22.18+, 23.6+) or a loader
 * (`node --import tsx $(npm bin)/simloop …`); the worker threads of `--workers` get the same loader.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { CheckArgumentError, ScheduleParseError } from "./errors.ts";
import type { ExploreOptions, PolicyName } from "./explore-options.ts";
import { type HtmlReportInput, writeHtmlReport } from "./html-report.ts";
import type { LevelOptions } from "./levels.ts";
import { exploreParallel } from "./parallel.ts";
import { formatTimeline } from "./report.ts";
import { exploreProgram, isAsyncProgram } from "./program-kind.ts";
import { replay } from "./replay.ts";
import { replayAsync } from "./replay-async.ts";
import type { Program } from "./run-program.ts";
import { shardRuns } from "./simloop-test.ts";

/**
 * The exit codes of the `simloop` command: 0 the campaign found no failure (or the replayed run passed),
 * 1 it found one (or the replayed run failed), 2 the command line was wrong (a schedule that does not
 * parse included), 3 the program could not be loaded or the replay left its recording.
 *
 * @example
 * ```ts
 * if ((await main(["explore", "./bank.js"])) === EXIT.failure) console.log("a schedule fails");
 * ```
 */
export const EXIT: { readonly ok: 0; readonly failure: 1; readonly usage: 2; readonly error: 3 } = Object.freeze({
  ok: 0,
  failure: 1,
  usage: 2,
  error: 3,
});

/** Where the command writes: standard output and standard error by default (tests pass collectors). */
export interface CliOutput {
  /** Receives the report and the closing summary line. */
  readonly out: (text: string) => void;
  /** Receives usage and load errors. */
  readonly err: (text: string) => void;
  /** The directory relative module paths resolve against. Default `process.cwd()`. */
  readonly cwd?: string;
}

const USAGE = `Usage:
  simloop explore <module> [options]     explore the schedules of a program, shrink and report a failure
  simloop replay <module> <schedule>     re-run one schedule (as printed in a report) and show its timeline

Options of explore:
  --export <name>        the exported program (a generator function); default: "default", else the
                         module's only exported function
  --policy <name>        mixed (default), pct, random, exhaustive, fifo or fast-check
  --runs <n>             the run budget (default 100; 1000 for exhaustive)
  --seed <n>             the campaign's seed (default 0)
  --levels <list>        choice points to explore, comma-separated: ties, interleave, jitter, faults, io
                         (default ties,jitter,io)
  --depth <n>            PCT's bug depth, of mixed's PCT runs too (default 2)
  --reduce               exhaustive: skip orders of steps that cannot affect each other (partial-order
                         reduction)
  --shared-state <s>     with --reduce: untracked (default: any step may touch anything) or tracked (the
                         program shares state only through stores, futures, tasks and the primitives)
  --workers <n>          split the runs over worker threads (mixed, random and pct)
  --shard <i/n>          run only shard i of n of the campaign's runs (one CI job per shard)
  --time-budget <t>      stop starting runs after t of real time: 500ms, 30s, 10m (a bare number is seconds)
  --max-steps <n>        the iteration budget of each run (default 100000)
  --allow-leftover-tasks do not fail a run that leaves tasks pending
  --html <file>          on a failure, also write the HTML report (swimlanes, deviations, replay line)
Options of replay:
  --export <name>        as for explore
  --seed <n>             the loop seed of the failing run (the report's replay line prints it)
  --levels <list>        the levels of the recording (default: read from the schedule)

Exit codes: 0 no failure, 1 a failure (found, or replayed), 2 bad command line, 3 could not load or replay.`;

class UsageError extends Error {}

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || text.trim() === "") {
    throw new UsageError(`--${name} expects an integer >= ${min}, got ${JSON.stringify(text)}.`);
  }
  return value;
}

function levelsOf(text: string | undefined): LevelOptions | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const known = ["ties", "interleave", "jitter", "faults", "io"];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `--levels: unknown level(s) ${unknown.join(", ")}; use a comma-separated list of ${known.join(", ")}.`,
    );
  }
  return {
    ties: names.includes("ties"),
    interleave: names.includes("interleave"),
    jitter: names.includes("jitter"),
    faults: names.includes("faults"),
    io: names.includes("io"),
  };
}

function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null)
    throw new UsageError(`--time-budget expects a duration such as 500ms, 30s or 10m, got ${JSON.stringify(text)}.`);
  const unit = match[2] ?? "s";
  return Number(match[1]) * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000);
}

const POLICIES: readonly PolicyName[] = ["mixed", "pct", "random", "exhaustive", "fifo", "fast-check"];

async function loadProgram(
  specifier: string,
  exportName: string | undefined,
  cwd: string,
): Promise<{ url: string; name: string; program: Program }> {
  const url =
    /^[a-z][a-z0-9+.-]*:/i.test(specifier) && !isAbsolute(specifier)
      ? specifier
      : pathToFileURL(resolve(cwd, specifier)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new CheckArgumentError(
      `Cannot import the module ${specifier} (${url}): ${error instanceof Error ? error.message : String(error)}. A TypeScript module needs a Node that strips types or a loader (node --import tsx).`,
    );
  }
  const functions = Object.keys(module).filter((key) => typeof module[key] === "function");
  const name =
    exportName ??
    (typeof module["default"] === "function" ? "default" : functions.length === 1 ? functions[0] : undefined);
  if (name === undefined) {
    throw new CheckArgumentError(
      `${specifier} has no default export and ${functions.length === 0 ? "no exported function" : `several exported functions (${functions.join(", ")})`}: name the program with --export <name>.`,
    );
  }
  const program = name
    .split(".")
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], module);
  if (typeof program !== "function") {
    throw new CheckArgumentError(
      `${specifier} exports no function ${JSON.stringify(name)}${functions.length > 0 ? ` (its exported functions: ${functions.join(", ")})` : ""}: --export names the generator function to run.`,
    );
  }
  return { url, name, program: program as Program };
}

function quote(text: string): string {
  return /^[\w./:@=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The explore command's flags, parsed. */
function parseExploreArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      export: { type: "string" },
      policy: { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      levels: { type: "string" },
      depth: { type: "string" },
      reduce: { type: "boolean" },
      "shared-state": { type: "string" },
      workers: { type: "string" },
      shard: { type: "string" },
      "time-budget": { type: "string" },
      "max-steps": { type: "string" },
      "allow-leftover-tasks": { type: "boolean" },
      html: { type: "string" },
    },
  });
}

/** The options of `--reduce` and `--shared-state`, checked against the policy. */
function reductionOf(
  reduce: boolean | undefined,
  sharedState: string | undefined,
  policy: PolicyName,
): Pick<ExploreOptions, "reduce" | "sharedState"> {
  if (sharedState !== undefined && sharedState !== "tracked" && sharedState !== "untracked")
    throw new UsageError(`--shared-state expects tracked or untracked, got ${JSON.stringify(sharedState)}.`);
  if ((reduce === true || sharedState !== undefined) && policy !== "exhaustive")
    throw new UsageError(`--reduce and --shared-state apply to --policy exhaustive only.`);
  if (sharedState !== undefined && reduce !== true) throw new UsageError(`--shared-state applies with --reduce only.`);
  return { ...(reduce === true ? { reduce: true } : {}), ...(sharedState === undefined ? {} : { sharedState }) };
}

/** Prints a campaign's failure: its report, the command that replays it and, with `--html`, where its HTML report went. */
function printFailure(
  failure: HtmlReportInput,
  specifier: string,
  values: {
    readonly export?: string | undefined;
    readonly levels?: string | undefined;
    readonly html?: string | undefined;
  },
  cwd: string,
  output: CliOutput,
): void {
  const exportFlag = values.export === undefined ? "" : ` --export ${quote(values.export)}`;
  const levelsFlag = values.levels === undefined ? "" : ` --levels ${quote(values.levels)}`;
  output.out(failure.report);
  output.out(
    `\nReplay from the command line:\n  simloop replay ${quote(specifier)} ${quote(`${failure.schedule}`)} --seed ${failure.runSeed}${exportFlag}${levelsFlag}`,
  );
  if (values.html !== undefined) {
    // The failure stays the result (exit 1): a report that cannot be written is said on standard error.
    try {
      output.out(`\nHTML report: ${writeHtmlReport(failure, resolve(cwd, values.html))}`);
    } catch (error) {
      output.err(`simloop: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }
}

async function exploreCommand(args: readonly string[], output: CliOutput, cwd: string): Promise<number> {
  const { values, positionals } = parseExploreArgs(args);
  if (positionals.length !== 1) throw new UsageError(`explore takes one module, got ${positionals.length}.`);
  const policy = (values.policy ?? "mixed") as PolicyName;
  if (!POLICIES.includes(policy))
    throw new UsageError(
      `--policy: unknown policy ${JSON.stringify(values.policy)}; use one of ${POLICIES.join(", ")}.`,
    );
  const workers = integer("workers", values.workers, 1);
  if (workers !== undefined && workers > 1 && policy !== "mixed" && policy !== "pct" && policy !== "random") {
    throw new UsageError(
      `--workers splits mixed, pct and random campaigns only; ${policy} campaigns run in one thread.`,
    );
  }
  const seed = integer("seed", values.seed, 0) ?? 0;
  let runs = integer("runs", values.runs, 1) ?? (policy === "exhaustive" ? 1000 : 100);
  let firstRun = 0;
  if (values.shard !== undefined) {
    if (policy !== "mixed" && policy !== "pct" && policy !== "random")
      throw new UsageError(`--shard splits mixed, pct and random campaigns only, by run index.`);
    try {
      ({ firstRun, runs } = shardRuns(runs, values.shard));
    } catch (error) {
      throw new UsageError(`--shard: ${(error as Error).message}`);
    }
  }
  const levels = levelsOf(values.levels);
  const depth = integer("depth", values.depth, 1);
  const reduction = reductionOf(values.reduce, values["shared-state"], policy);
  const maxSteps = integer("max-steps", values["max-steps"], 1);
  const timeBudgetMs = durationMs(values["time-budget"]);
  if (values.html !== undefined && values.html.trim() === "")
    throw new UsageError(`--html expects the path of the HTML report to write, got an empty one.`);
  const specifier = positionals[0] as string;
  const { url, name, program } = await loadProgram(specifier, values.export, cwd);
  const options: ExploreOptions = {
    policy,
    runs,
    seed,
    firstRun,
    ...(levels === undefined ? {} : { levels }),
    ...(depth === undefined ? {} : { depth }),
    ...reduction,
    ...(maxSteps === undefined ? {} : { maxSteps }),
    ...(timeBudgetMs === undefined ? {} : { timeBudgetMs }),
    ...(values["allow-leftover-tasks"] === true ? { allowLeftoverTasks: true } : {}),
  };
  const shard = values.shard === undefined ? "" : `, shard ${values.shard}: runs ${firstRun}..${firstRun + runs - 1}`;
  let ok: boolean;
  let summary: string;
  let failure: HtmlReportInput | undefined;
  if (workers !== undefined && workers > 1) {
    const { policy: _p, ...rest } = options;
    const result = await exploreParallel(url, name, {
      ...rest,
      policy: policy as "mixed" | "pct" | "random",
      workers,
      execArgv: process.execArgv,
    });
    ok = result.ok;
    failure = result.failure;
    summary = `${result.totalRuns} runs on ${workers} workers, ${result.distinctSchedules} distinct schedules (${result.policy}, seed ${seed}${shard})`;
  } else {
    // An async program (an async function) is explored with exploreAsync (decision 0030).
    const result = await exploreProgram(program, options);
    ok = result.ok;
    failure = result.failure;
    summary = `${result.runs} runs, ${result.distinctSchedules} distinct schedules (${result.policy}, seed ${seed}${shard}); ${result.coverage.summary}`;
  }
  if (ok || failure === undefined) {
    output.out(`simloop explore: passed: ${summary}`);
    return EXIT.ok;
  }
  printFailure(failure, specifier, values, cwd, output);
  output.out(`simloop explore: FAILED: ${summary}`);
  return EXIT.failure;
}

async function replayCommand(args: readonly string[], output: CliOutput, cwd: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { export: { type: "string" }, seed: { type: "string" }, levels: { type: "string" } },
  });
  if (positionals.length !== 2)
    throw new UsageError(`replay takes a module and a schedule, got ${positionals.length} argument(s).`);
  const [specifier, schedule] = positionals as [string, string];
  const seed = integer("seed", values.seed, 0) ?? 0;
  const levels = levelsOf(values.levels);
  const { program } = await loadProgram(specifier, values.export, cwd);
  const replayOptions = { seed, ...(levels === undefined ? {} : { levels }) };
  const outcome = isAsyncProgram(program)
    ? await replayAsync(program, schedule, replayOptions)
    : replay(program, schedule, replayOptions);
  output.out(`Timeline (t=virtual time, #iteration):\n${formatTimeline(outcome.trace, outcome.schedule).join("\n")}`);
  if (outcome.failure === undefined) {
    output.out(`simloop replay: passed: schedule ${JSON.stringify(schedule)} with seed ${seed} ran without failure`);
    return EXIT.ok;
  }
  const error = outcome.failure.error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  output.out(`simloop replay: FAILED (${outcome.failure.kind}): ${message}`);
  return EXIT.failure;
}

/**
 * Runs the `simloop` command with `argv` (the arguments after the command name) and returns its exit
 * code ({@link EXIT}); it never calls `process.exit`, so it can be tested in-process. Usage errors print
 * the usage; a program that cannot be loaded, or a replay that leaves its recording, prints why.
 *
 * @example
 * ```ts
 * process.exitCode = await main(["explore", "./bank.js", "--runs", "1000", "--seed", "7"]);
 * ```
 */
export async function main(argv: readonly string[], output: CliOutput = defaultOutput()): Promise<number> {
  const [command, ...rest] = argv;
  const cwd = output.cwd ?? process.cwd();
  try {
    if (command === "explore") return await exploreCommand(rest, output, cwd);
    if (command === "replay") return await replayCommand(rest, output, cwd);
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      (command === undefined ? output.err : output.out)(USAGE);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    throw new UsageError(`Unknown command ${JSON.stringify(command)}: use explore or replay.`);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      output.err(`simloop: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof ScheduleParseError) {
      output.err(`simloop: ${error.message}`);
      return EXIT.usage;
    }
    output.err(`simloop: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return EXIT.error;
  }
}

function defaultOutput(): CliOutput {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}
