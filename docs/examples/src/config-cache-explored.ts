/**
 * The config cache (`config-cache.ts`, plain async/await) on virtual time and explored: the scenario a
 * test would write, run once as written, then explored by `assertExploreAsync`, which finds the stale
 * load, shrinks it and prints a replay line that `replayAsync` runs to the same failure; the fixed twin
 * passes the same exploration. `test/config-cache.test.ts` pins the same steps one by one.
 */
import { runAsync } from "@simloop/async";
import { assertExploreAsync, ExplorationFailedError, replayAsync } from "@simloop/check";
import { ConfigBackend, ConfigCache, FixedConfigCache, type Config } from "./config-cache.ts";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The scenario, in the module's own terms: a first `get()` loads (50 ms); at t=50 the configuration
 * changes and the webhook invalidates the cache. A later `get()` must serve the new configuration.
 *
 * @example
 * ```ts
 * await assertExploreAsync(scenario(FixedConfigCache), { runs: 200, seed: 1 });
 * ```
 */
export const scenario = (Cache: typeof ConfigCache): (() => Promise<Config>) =>
  async function staleAfterInvalidate(): Promise<Config> {
    const backend = new ConfigBackend(50);
    const cache = new Cache(() => backend.fetch(), 60_000);
    const first = cache.get();
    setTimeout(() => {
      backend.publish();
      cache.invalidate();
    }, 50);
    await first;
    await sleep(100);
    const served = await cache.get();
    if (served.version !== backend.version) {
      throw new Error(
        `stale configuration: the cache serves version ${served.version}, the backend has ${backend.version}`,
      );
    }
    return served;
  };

/** Runs the example, passing each printed line to `print`. */
export async function run(print: (line: string) => void): Promise<void> {
  const asWritten = await runAsync(scenario(ConfigCache));
  print(`as written (the load's reply before the webhook): serves version ${asWritten.version}`);
  const program = scenario(ConfigCache);
  const explored = await assertExploreAsync(program, { runs: 200, seed: 1, output: false }).catch((e: unknown) => e);
  if (!(explored instanceof ExplorationFailedError)) {
    print("explored: no failure (the race was not found)");
    return;
  }
  print("explored with assertExploreAsync({ runs: 200, seed: 1 }):");
  for (const line of explored.message.split("\n")) print(line === "" ? "" : `  ${line}`);
  const replay = /await replayAsync\(staleAfterInvalidate, ("[^"]*"), \{ seed: (\d+) \}\);/.exec(explored.message);
  if (replay !== null) {
    const replayed = await replayAsync(program, JSON.parse(replay[1] as string) as string, { seed: Number(replay[2]) });
    print(`the replay line, run: ${String(replayed.failure?.error)}`);
  }
  const fixed = await assertExploreAsync(scenario(FixedConfigCache), { runs: 200, seed: 1, output: false });
  print(`the fixed twin (FixedConfigCache): ${fixed.ok ? "no failure" : "FAILED"} in ${fixed.runs} runs`);
}
