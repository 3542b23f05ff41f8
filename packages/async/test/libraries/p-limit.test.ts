import pLimit from "p-limit";
import { describe, expect, it } from "vitest";
import { runAsync } from "../../src/index.ts";

/** Waits `ms` of (virtual) time. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("p-limit, unmodified, on virtual time", () => {
  it("runs at most 2 jobs at once: each job starts the instant a slot frees, and finishes at start + duration", async () => {
    const result = await runAsync(async (loop) => {
      const limit = pLimit(2);
      const durations = { A: 40, B: 10, C: 15, D: 5, E: 20 };
      const log: Record<string, [number, number]> = {};
      await Promise.all(
        Object.entries(durations).map(([name, ms]) =>
          limit(async () => {
            const start = loop.time();
            await sleep(ms);
            log[name] = [start, loop.time()];
          }),
        ),
      );
      return { log, end: loop.time(), active: limit.activeCount, pending: limit.pendingCount };
    });
    // Slots: A 0..40 and B 0..10; B frees its slot at 10 → C 10..25; C frees at 25 → D 25..30;
    // D frees at 30 → E 30..50; A ends at 40 with nothing left to start. All done at 50.
    expect(result).toEqual({
      log: { A: [0, 40], B: [0, 10], C: [10, 25], D: [25, 30], E: [30, 50] },
      end: 50,
      active: 0,
      pending: 0,
    });
  });
});
