import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";

/**
 * Fails any test that writes to the console: a test that means to print must capture it instead.
 */
const methods = ["log", "info", "warn", "error", "debug"] as const;
let writes: string[] = [];

beforeEach(() => {
  writes = [];
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      writes.push(`console.${method}: ${args.map(String).join(" ")}`);
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  if (writes.length > 0) {
    const seen = writes.join("\n");
    writes = [];
    throw new Error(`This test wrote to the console; capture the output instead:\n${seen}`);
  }
});

/**
 * Fails an async-mode test file that leaves a real handle open: a timer, an immediate, a socket, a
 * watcher… (async mode must keep every callback on virtual time and restore the real globals, so a
 * test of it that leaks one has let something escape). Compares `process.getActiveResourcesInfo()`
 * after the file's tests with before them, by kind (requests in flight, such as a file read, end by
 * themselves and are not counted). Both are taken after 150 ms of real quiet, so that the runner's own
 * throttled report timer (100 ms) has fired; a difference is re-checked for 400 ms more before it fails.
 */
const ASYNC_SUITE =
  /[\\/](?:packages[\\/]async[\\/]test|packages[\\/]check[\\/]test[\\/](?:async-|explore-async|simloop-scheduler|loop-scheduler|promise-twins-drop-in)|docs[\\/]examples[\\/]test[\\/]config-cache)/;
/** Taken at load, before any test installs virtual globals. */
const realSetTimeout = globalThis.setTimeout;
const quiet = (ms: number): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, ms));
let resources: string[] | null = null;

/** The kinds in `after` beyond their count in `before`, such as `["Timeout"]`. */
function openedSince(before: readonly string[], after: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const kind of before) left.set(kind, (left.get(kind) ?? 0) + 1);
  const opened: string[] = [];
  for (const kind of after) {
    // A request (FSReqCallback, GetAddrInfoReqWrap, …) is an operation in flight, which ends by itself.
    if (kind.includes("Req")) continue;
    const count = left.get(kind) ?? 0;
    if (count > 0) left.set(kind, count - 1);
    else opened.push(kind);
  }
  return opened;
}

beforeAll(async ({}, suite) => {
  const file = (suite as { readonly file?: { readonly filepath?: string } }).file?.filepath ?? "";
  if (!ASYNC_SUITE.test(file)) return;
  await quiet(150);
  resources = process.getActiveResourcesInfo();
});

afterAll(async () => {
  if (resources === null) return;
  const before = resources;
  resources = null;
  await quiet(150);
  let opened = openedSince(before, process.getActiveResourcesInfo());
  for (let waited = 0; waited < 400 && opened.length > 0; waited += 50) {
    await quiet(50);
    opened = openedSince(before, process.getActiveResourcesInfo());
  }
  if (opened.length > 0) {
    throw new Error(
      `This file's tests left real handles open (process.getActiveResourcesInfo()): ${opened.join(", ")}; clear or close them before they end.`,
    );
  }
});
