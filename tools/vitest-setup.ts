import { afterEach, beforeEach, vi } from "vitest";

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
