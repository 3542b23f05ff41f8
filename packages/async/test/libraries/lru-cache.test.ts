import { LRUCache } from "lru-cache";
import { describe, expect, it } from "vitest";
import { runAsync } from "../../src/index.ts";

/** Waits `ms` of (virtual) time. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// lru-cache reads its clock through `performance.now()` (it keeps the `performance` object and calls `.now()`
// on it each time, so the virtual one installed by async mode is what it reads). An entry is stale when its
// age is strictly greater than its ttl: at age === ttl it is still served. It treats a start of 0 as "no
// ttl", which is why async mode's `performance.now()` starts at 1000, not 0.

describe("lru-cache, unmodified, on virtual time", () => {
  it("serves an entry until its age equals the ttl and misses 1 ms later (ttlResolution 0: the clock is read on every get)", async () => {
    const hits = await runAsync(async () => {
      const cache = new LRUCache<string, string>({ max: 10, ttl: 1_000, ttlResolution: 0 });
      cache.set("a", "A"); // t=0
      const seen: Array<[number, string | undefined]> = [];
      for (const t of [999, 1_000, 1_001]) {
        await sleep(t - (seen.at(-1)?.[0] ?? 0));
        seen.push([t, cache.get("a")]);
      }
      return seen;
    });
    // age 999 and age 1000 are not > ttl: hits; age 1001 > 1000: stale, so get misses (and deletes it).
    expect(hits).toEqual([
      [999, "A"],
      [1_000, "A"],
      [1_001, undefined],
    ]);
  });

  it("with the default ttlResolution (1 ms) expires at the same instant: the cached clock is reset by an unref'd 1 ms timer", async () => {
    const hits = await runAsync(async () => {
      const cache = new LRUCache<string, string>({ max: 10, ttl: 1_000 });
      cache.set("a", "A");
      const seen: Array<[number, string | undefined]> = [];
      for (const t of [999, 1_000, 1_001]) {
        await sleep(t - (seen.at(-1)?.[0] ?? 0));
        seen.push([t, cache.get("a")]);
      }
      return seen;
    });
    // Each get caches now and arms an unref'd setTimeout(reset, 1). That timer was armed before our own 1 ms
    // sleep, so at the same virtual instant it fires first and the next get reads a fresh clock.
    expect(hits).toEqual([
      [999, "A"],
      [1_000, "A"],
      [1_001, undefined],
    ]);
  });

  it("with a coarse ttlResolution serves an entry past its ttl until the cached clock is reset", async () => {
    const hits = await runAsync(async () => {
      const cache = new LRUCache<string, string>({ max: 10, ttl: 1_000, ttlResolution: 100 });
      cache.set("a", "A"); // t=0; set reads performance.now() directly
      const seen: Array<[number, string | undefined]> = [];
      for (const t of [950, 1_001, 1_049, 1_050]) {
        await sleep(t - (seen.at(-1)?.[0] ?? 0));
        seen.push([t, cache.get("a")]);
      }
      return seen;
    });
    // The get at t=950 caches the clock (age 950) and arms a 100 ms reset: until t=1050 every get sees age 950,
    // so t=1001 and t=1049 still hit although the entry is 1001 and 1049 ms old. At t=1050 the reset (armed at
    // 950, before our sleep to 1050) has fired: age 1050 > 1000, a miss.
    expect(hits).toEqual([
      [950, "A"],
      [1_001, "A"],
      [1_049, "A"],
      [1_050, undefined],
    ]);
  });

  it("ttlAutopurge deletes the entry at ttl + 1 ms with reason 'expire', on an unref'd timer", async () => {
    const result = await runAsync(async (loop) => {
      const disposed: Array<[number, string, string]> = [];
      const cache = new LRUCache<string, string>({
        max: 10,
        ttl: 500,
        ttlAutopurge: true,
        dispose: (_value, key, reason) => disposed.push([loop.time(), key, reason]),
      });
      await sleep(20);
      cache.set("a", "A"); // t=20: purge timer setTimeout(ttl + 1 = 501) → t=521
      await sleep(600); // the purge timer is unref'd: this ref'd sleep keeps the run alive past it
      return { disposed, size: cache.size };
    });
    // At t=521 the entry's age is 501 > 500, so the purge timer deletes it.
    expect(result).toEqual({ disposed: [[521, "a", "expire"]], size: 0 });
  });
});
