// Starts an exploreParallel worker: registers the TypeScript loader when running from sources, then
// imports the worker entry. Plain JavaScript, so Node can start it before any loader is in place.
import { workerData } from "node:worker_threads";

if (workerData.typescript) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
