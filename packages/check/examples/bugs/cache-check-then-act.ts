/**
 * Check-then-act on a cache: a request looks the key up, misses, and fetches it from the backend
 * (1 s). A second request for the same key arrives when the fetch completes; if it is handled before
 * the first request stores the value, it misses too and hits the backend a second time (a thundering
 * herd in miniature). Fixed by caching the in-flight fetch (single flight).
 *
 * @module
 */
import type { EventLoop, Future } from "@simloop/core";
import { ensureFuture, gather, sleep } from "@simloop/coroutines";
import type { BugCase } from "./bug-case.ts";

class Backend {
  fetches = 0;
  *fetch(key: string) {
    this.fetches++;
    yield* sleep(1);
    return `value of ${key}`;
  }
}

function* request(cache: Map<string, string>, backend: Backend, key: string, arrival: number) {
  if (arrival > 0) yield* sleep(arrival);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = yield* backend.fetch(key);
  cache.set(key, value);
  return value;
}

function* singleFlight(cache: Map<string, Future<string>>, backend: Backend, key: string, arrival: number) {
  if (arrival > 0) yield* sleep(arrival);
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = ensureFuture(backend.fetch(key));
    cache.set(key, entry);
  }
  return yield* entry;
}

function* cacheStampede(_loop: EventLoop) {
  const backend = new Backend();
  const cache = new Map<string, string>();
  yield* gather(request(cache, backend, "user:1", 0), request(cache, backend, "user:1", 1));
  if (backend.fetches !== 1) throw new Error(`the backend was hit ${backend.fetches} times for one key`);
}

function* cacheStampedeFixed(_loop: EventLoop) {
  const backend = new Backend();
  const cache = new Map<string, Future<string>>();
  yield* gather(singleFlight(cache, backend, "user:1", 0), singleFlight(cache, backend, "user:1", 1));
  if (backend.fetches !== 1) throw new Error(`the backend was hit ${backend.fetches} times for one key`);
}

/** The check-then-act cache bug and its single-flight twin. */
export const cacheCheckThenActBug: BugCase = {
  id: "cache-check-then-act",
  summary: "a second request misses the cache while the first one's fetch is being stored",
  buggy: cacheStampede,
  fixed: cacheStampedeFixed,
  kind: "error",
  depth: 1,
  budgets: { random: 50, pct: 50, exhaustive: 10, "fast-check": 100 },
};
