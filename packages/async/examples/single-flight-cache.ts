/**
 * An ordinary async/await module, written as a TypeScript developer would, with no knowledge of
 * simloop: a cache that loads each key at most once at a time (concurrent `get`s share one load),
 * keeps values for `ttlMs` by `Date.now()`, and gives up on a load after `timeoutMs` with `setTimeout`.
 * The test next to it (test/single-flight-cache.test.ts) runs it unchanged on virtual time.
 */

/** Loads the value of a key. */
export type Loader<V> = (key: string) => Promise<V>;

/** A single-flight cache with a time-to-live and a load timeout. */
export class SingleFlightCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly load: Loader<V>;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  /** How many loads were started. */
  loads = 0;

  constructor(load: Loader<V>, ttlMs: number, timeoutMs: number) {
    this.load = load;
    this.ttlMs = ttlMs;
    this.timeoutMs = timeoutMs;
  }

  /** The cached value of `key`, loading it (once, however many callers wait) when missing or expired. */
  async get(key: string): Promise<V> {
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.expires > Date.now()) return hit.value;
    const pending = this.inflight.get(key);
    if (pending !== undefined) return pending;
    this.loads++;
    const loading = this.withTimeout(this.load(key))
      .then((value) => {
        this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
        return value;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, loading);
    return loading;
  }

  private withTimeout(promise: Promise<V>): Promise<V> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`load timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
