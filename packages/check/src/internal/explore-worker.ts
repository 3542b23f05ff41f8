/**
 * The worker side of `exploreParallel`: imports the program's module (registering a TypeScript loader
 * first when the module is TypeScript), explores its run range while publishing the run it is in, and
 * posts back a structured-clone-safe summary.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type { ExploreOptions } from "../explore-options.ts";
import { exploreProgram } from "../program-kind.ts";
import type { Program } from "../run-program.ts";
import { PHASE, PROGRESS_PHASE, PROGRESS_RUN } from "./progress.ts";
import { toWire, type WorkerRequest } from "./wire.ts";

const request = workerData as WorkerRequest & { readonly typescript: boolean; readonly progress: SharedArrayBuffer };
const progress = new Int32Array(request.progress);

/** Whether a module URL names a TypeScript file. */
function isTypeScript(url: string): boolean {
  return /\.(?:ts|mts|cts|tsx)(?:[?#].*)?$/.test(url);
}

/**
 * Registers tsx's ESM loader in this worker, resolved from the program module's own location (the
 * user's project): Node 20 does not run `--import tsx` hooks in worker threads, so `execArgv` cannot
 * do it. Returns false when tsx cannot be found there.
 */
async function registerTypeScript(moduleUrl: string): Promise<boolean> {
  let manifest: string;
  try {
    manifest = createRequire(moduleUrl).resolve("tsx/package.json");
  } catch {
    return false;
  }
  const exports = (JSON.parse(readFileSync(manifest, "utf8")) as { exports?: Record<string, unknown> }).exports;
  const api = exports?.["./esm/api"] as { import?: { default?: string } | string } | undefined;
  const target = typeof api?.import === "string" ? api.import : api?.import?.default;
  if (target === undefined) return false;
  const { register } = (await import(pathToFileURL(join(dirname(manifest), target)).href)) as { register: () => void };
  register();
  return true;
}

async function loadModule(moduleUrl: string): Promise<Record<string, unknown>> {
  const typescript = isTypeScript(moduleUrl);
  const registered = typescript && !request.typescript ? await registerTypeScript(moduleUrl) : true;
  try {
    return (await import(moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    if (typescript && (error as { code?: unknown }).code === "ERR_UNKNOWN_FILE_EXTENSION") {
      throw new Error(
        `exploreParallel: ${moduleUrl} is TypeScript, and ${registered ? "the TypeScript loader did not take it" : "tsx is not installed where it is"}. Install tsx in your project (npm i -D tsx), or pass the URL of the compiled JavaScript module.`,
      );
    }
    throw error;
  }
}

const module = await loadModule(request.moduleUrl);
// A dotted path reaches into an exported object: "lostUpdateBug.buggy".
let program: unknown = module;
for (const key of request.exportName.split(".")) program = (program as Record<string, unknown> | undefined)?.[key];
if (typeof program !== "function") {
  throw new Error(`exploreParallel: ${request.moduleUrl} has no exported program named "${request.exportName}".`);
}
Atomics.store(progress, PROGRESS_PHASE, PHASE.exploring);
// An async program (an async function) is explored with exploreAsync (decision 0030).
const result = await exploreProgram(program as Program, {
  ...(request.options as ExploreOptions),
  // The run the worker is in, for the parent's watchdog and exit report: the next one once a run ends.
  onProgress: ({ run }) => Atomics.store(progress, PROGRESS_RUN, run + 1),
});
Atomics.store(progress, PROGRESS_PHASE, PHASE.done);
parentPort?.postMessage(toWire(result));
