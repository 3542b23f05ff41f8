/**
 * Interleaved fetches lose a cache entry (modelled on MetaMask/metamask-extension#10079). `fetchWithCache`
 * reads the whole cache object from async storage (1–10 ms), fetches its URL on a miss (50–500 ms), adds
 * the response to the object it read, and writes the object back (1–10 ms). A second call for another
 * URL starts 300 ms after the first: when the first fetch is slow, both work on copies of the same old
 * object and the later write drops the other's entry. The fix: one storage key per URL.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";
import { io } from "./io.ts";

type Cache = Record<string, string>;

class Storage {
  private readonly items = new Map<string, Cache>();
  private readonly loop: EventLoop;
  constructor(loop: EventLoop) {
    this.loop = loop;
  }
  *get(key: string) {
    yield* io(this.loop, 1, 10);
    return { ...this.items.get(key) };
  }
  *set(key: string, value: Cache) {
    yield* io(this.loop, 1, 10);
    this.items.set(key, { ...value });
  }
  keys(): string[] {
    return [...this.items.values()].flatMap((cache) => Object.keys(cache));
  }
}

function* fetchWithCache(loop: EventLoop, storage: Storage, url: string, perUrl: boolean) {
  const key = perUrl ? `cachedFetch:${url}` : "cachedFetch";
  const cache = yield* storage.get(key);
  if (cache[url] !== undefined) return cache[url];
  yield* io(loop, 50, 500); // the network fetch
  cache[url] = `response of ${url}`;
  yield* storage.set(key, cache);
  return cache[url];
}

function makeProgram(perUrl: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const storage = new Storage(loop);
    const gas = loop.createTask(fetchWithCache(loop, storage, "/gas-prices", perUrl), { name: "gas-prices" });
    yield* sleep(300); // the user opens the token list
    yield* fetchWithCache(loop, storage, "/token-list", perUrl);
    yield* gas;
    const cached = storage.keys().sort();
    if (cached.length !== 2) throw new Error(`a cache entry was lost: cached ${cached.join(", ")} only`);
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The whole-object cache write that drops a concurrent entry, and the per-URL keys. */
export const cacheEntryLostBug: BugCase = {
  id: "cache-entry-lost",
  summary: "two fetches update copies of the same cache object; the later write drops the other entry",
  buggy: makeProgram(false, "cacheEntryLost"),
  fixed: makeProgram(true, "cacheEntryLostFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "MetaMask/metamask-extension#10079",
  budgets: { random: 50, pct: 50 },
};
