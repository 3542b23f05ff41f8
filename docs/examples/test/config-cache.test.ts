import { runAsync } from "@simloop/async";
import { assertExploreAsync, ExplorationFailedError, replayAsync } from "@simloop/check";
import { describe, expect, it } from "vitest";
import { scenario } from "../src/config-cache-explored.ts";
import { ConfigBackend, ConfigCache, FixedConfigCache } from "../src/config-cache.ts";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("an unmodified async module (config-cache.ts), on virtual time", () => {
  it("loads once for concurrent callers, serves the entry until its TTL, and reloads after it", async () => {
    const log = await runAsync(async (loop) => {
      const backend = new ConfigBackend(50);
      const cache = new ConfigCache(() => backend.fetch(), 1_000);
      const lines: string[] = [];
      const [a, b] = await Promise.all([cache.get(), cache.get()]);
      lines.push(`t=${loop.time()} same load: ${a === b}`);
      await sleep(999); // t=1049: the entry stored at t=50 expires at t=1050
      lines.push(`t=${loop.time()} hit: ${(await cache.get()) === a}`);
      await sleep(1);
      const reloaded = await cache.get();
      lines.push(`t=${loop.time()} reloaded: ${reloaded !== a}`);
      return lines;
    });
    expect(log).toEqual(["t=50 same load: true", "t=1049 hit: true", "t=1100 reloaded: true"]);
  });

  it("passes in the order the code was written: the load's reply comes before the webhook", async () => {
    const served = await runAsync(scenario(ConfigCache));
    expect(served.version).toBe(2);
  });
});

describe("exploring it: the race is found, shrunk and replayed", () => {
  it("assertExploreAsync finds the stale load, and the replay line of its report fails the same way", async () => {
    const program = scenario(ConfigCache);
    const error = await assertExploreAsync(program, { runs: 200, seed: 1, output: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExplorationFailedError);
    const report = (error as ExplorationFailedError).message;
    expect(report).toContain("stale configuration: the cache serves version 1, the backend has 2");
    expect(report).toContain("1 deviation");
    // The report's last line is the replay: `await replayAsync(staleAfterInvalidate, "<schedule>", { seed: <n> });`
    const line = /await replayAsync\(staleAfterInvalidate, ("[^"]*"), \{ seed: (\d+) \}\);/.exec(report);
    expect(line).not.toBeNull();
    const [, schedule, seed] = line as RegExpExecArray;
    const replayed = await replayAsync(program, JSON.parse(schedule as string) as string, { seed: Number(seed) });
    expect(String(replayed.failure?.error)).toBe(
      "Error: stale configuration: the cache serves version 1, the backend has 2",
    );
  });

  it("the fixed twin passes the same exploration", async () => {
    const result = await assertExploreAsync(scenario(FixedConfigCache), { runs: 200, seed: 1, output: false });
    expect(result.ok).toBe(true);
    expect(result.decisionPoints).toBeGreaterThan(0);
  });
});
