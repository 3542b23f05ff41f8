/**
 * The determinism watch of an async run: what, during the run, left virtual time or drew unseeded
 * randomness. In async mode the timers and clocks are the virtual globals, so calling them is fine;
 * what is not:
 * - real resources created during the run (`async_hooks`): a real `Timeout` or `Immediate` (a timer
 *   function captured before `install`, or one `toFake` left real), real file or network I/O;
 * - the globals the installation left real: `Math.random` and crypto's random values unless
 *   `random: true`, and any clock or timer `toFake` excluded.
 *
 * @module
 */
import { AsyncResource, createHook } from "node:async_hooks";
import { ALL_VIRTUAL_GLOBALS, type InstallOptions } from "@simloop/async";
import { startWatching } from "../determinism.ts";

/** Resource types that are JavaScript semantics or the driver's own, not an escape. */
const NOT_ESCAPES: ReadonlySet<string> = new Set([
  "PROMISE",
  "TickObject",
  "Microtask",
  "MESSAGEPORT",
  "ELDHISTOGRAM",
  "PerformanceObserver",
]);

const FILE_IO: ReadonlySet<string> = new Set([
  "FSREQCALLBACK",
  "FSREQPROMISE",
  "FILEHANDLE",
  "FSEVENTWRAP",
  "STATWATCHER",
]);

/** A culprit's name for a real resource type. */
function describeResource(type: string): string {
  if (type === "Timeout") return "a real setTimeout/setInterval (captured before install, or left real by toFake)";
  if (type === "Immediate") return "a real setImmediate (captured before install, or left real by toFake)";
  if (FILE_IO.has(type)) return `real file I/O (${type})`;
  return `real I/O (${type})`;
}

/** The global names {@link startWatching} watches that the installation with `options` left real. */
function realGlobals(options: InstallOptions): Set<string> {
  const faked = new Set<string>(options.toFake ?? ALL_VIRTUAL_GLOBALS);
  const names = new Set<string>();
  if (options.random !== true) {
    for (const name of ["Math.random", "crypto.getRandomValues", "crypto.randomUUID"]) names.add(name);
  }
  if (!faked.has("Date")) for (const name of ["Date.now", "new Date()"]) names.add(name);
  if (!faked.has("performance")) names.add("performance.now");
  for (const name of ["setTimeout", "setInterval", "setImmediate"] as const) if (!faked.has(name)) names.add(name);
  return names;
}

/** @internal A watch begun by {@link watchAsyncRun}. */
export interface AsyncRunWatch {
  /** Ends the watch and names what the run was seen to use (see the module doc). */
  stop(): string[];
}

/**
 * @internal Begins watching an async run (see the module doc) under virtual globals installed with
 * `options`; `stop()` ends it (the globals are restored, the hook disabled) and names the culprits.
 */
export function watchAsyncRun(options: InstallOptions): AsyncRunWatch {
  const resources = new Set<string>();
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      // An AsyncResource is JavaScript's own context bookkeeping (p-queue's PQueueTask, AsyncResource.bind), not I/O.
      if (!NOT_ESCAPES.has(type) && !(resource instanceof AsyncResource)) resources.add(type);
    },
  });
  hook.enable();
  const globals = startWatching(realGlobals(options));
  return {
    stop: () => {
      hook.disable();
      const called = globals
        .stop()
        .map((name) => (name.startsWith("Math.random") || name.startsWith("crypto.") ? `${name} (unseeded)` : name));
      return [...called, ...[...resources].map(describeResource)];
    },
  };
}
