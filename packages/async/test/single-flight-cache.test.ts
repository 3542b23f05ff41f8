import { describe, expect, it } from "vitest";
import { SingleFlightCache } from "../examples/single-flight-cache.ts";
import { runAsync } from "../src/index.ts";

/** A backend that answers after `latency` ms of (virtual) time. */
const backend =
  (latency: number) =>
  (key: string): Promise<string> =>
    new Promise((resolve) => setTimeout(() => resolve(`${key}@${Date.now()}`), latency));

describe("an unmodified async module on virtual time: the single-flight cache", () => {
  it("shares one load between concurrent gets, serves hits until the TTL, and reloads exactly at expiry", async () => {
    const log = await runAsync(async (loop) => {
      const cache = new SingleFlightCache(backend(100), 1_000, 5_000);
      const start = Date.now();
      const at = (): number => Date.now() - start;
      const lines: string[] = [];
      const first = await Promise.all([cache.get("a"), cache.get("a"), cache.get("a")]);
      lines.push(`t=${at()} loads=${cache.loads} ${first.every((v) => v === first[0])}`);
      await new Promise((resolve) => setTimeout(resolve, 999)); // t=1099: one ms before the entry of t=100 expires
      lines.push(`t=${at()} hit=${(await cache.get("a")) === first[0]} loads=${cache.loads}`);
      await new Promise((resolve) => setTimeout(resolve, 1)); // t=1100: expired, so this get loads again (100 ms)
      const reloaded = await cache.get("a");
      lines.push(`t=${at()} loads=${cache.loads} fresh=${reloaded !== first[0]} loop.time()=${loop.time()}`);
      return lines;
    });
    expect(log).toEqual([
      "t=100 loads=1 true",
      "t=1099 hit=true loads=1",
      "t=1200 loads=2 fresh=true loop.time()=1200",
    ]);
  });

  it("times a slow load out at exactly its timeout, and lets the next get load again", async () => {
    const result = await runAsync(
      async () => {
        const cache = new SingleFlightCache(backend(10_000), 1_000, 250);
        const start = Date.now();
        const error = await cache.get("slow").catch((e: unknown) => e as Error);
        return [error instanceof Error ? error.message : "no error", Date.now() - start, cache.loads];
      },
      { allowLeftoverTimers: true },
    ); // the abandoned backend call's timer is still pending
    expect(result).toEqual(["load timed out after 250 ms", 250, 1]);
  });
});
