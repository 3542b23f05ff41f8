/**
 * The worker side of `exploreParallel`: imports the program's module, explores its run range, and posts
 * back a structured-clone-safe summary.
 *
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { explore, type ExploreOptions } from "../explore.ts";
import type { Program } from "../run-program.ts";
import { toWire, type WorkerRequest } from "./wire.ts";

const request = workerData as WorkerRequest;
const module = (await import(request.moduleUrl)) as Record<string, unknown>;
// A dotted path reaches into an exported object: "lostUpdateBug.buggy".
let program: unknown = module;
for (const key of request.exportName.split(".")) program = (program as Record<string, unknown> | undefined)?.[key];
if (typeof program !== "function") {
  throw new Error(`exploreParallel: ${request.moduleUrl} has no exported program named "${request.exportName}".`);
}
const result = explore(program as Program, request.options as ExploreOptions);
parentPort?.postMessage(toWire(result));
