/**
 * A configuration cache as an application would write it: plain async/await, `setTimeout` and
 * `Date.now()`, nothing from simloop. `get()` serves the cached configuration until its TTL, and loads
 * it once for concurrent callers; `invalidate()` drops it when the configuration changes (a webhook).
 *
 * The seeded race: a load that started before a change and completes after its invalidation stores the
 * configuration it read before the change, which then stays until the TTL. `FixedConfigCache` counts
 * invalidations and keeps a load's value only when none happened while it was in flight.
 */

/** A configuration, with the version the backend gave it. */
export interface Config {
  readonly version: number;
  readonly flags: Readonly<Record<string, boolean>>;
}

/** The backend: a fetch reads the current configuration, and its reply arrives `latencyMs` later. */
export class ConfigBackend {
  version = 1;
  private readonly latencyMs: number;

  constructor(latencyMs = 50) {
    this.latencyMs = latencyMs;
  }

  async fetch(): Promise<Config> {
    const config: Config = { version: this.version, flags: { newCheckout: this.version > 1 } };
    await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    return config;
  }

  /** A new configuration is published (the webhook then tells the caches). */
  publish(): void {
    this.version++;
  }
}

/** The cache with the race. */
export class ConfigCache {
  protected entry: { config: Config; expiresAt: number } | undefined;
  protected loading: Promise<Config> | undefined;
  protected readonly load: () => Promise<Config>;
  protected readonly ttlMs: number;

  constructor(load: () => Promise<Config>, ttlMs: number) {
    this.load = load;
    this.ttlMs = ttlMs;
  }

  async get(): Promise<Config> {
    if (this.entry !== undefined && this.entry.expiresAt > Date.now()) return this.entry.config;
    this.loading ??= this.refresh();
    return this.loading;
  }

  invalidate(): void {
    this.entry = undefined;
  }

  protected async refresh(): Promise<Config> {
    try {
      const config = await this.load();
      this.entry = { config, expiresAt: Date.now() + this.ttlMs };
      return config;
    } finally {
      this.loading = undefined;
    }
  }
}

/** The fixed twin: a load keeps its value only when no invalidation happened while it was in flight. */
export class FixedConfigCache extends ConfigCache {
  private generation = 0;

  override invalidate(): void {
    this.generation++;
    this.entry = undefined;
    this.loading = undefined;
  }

  protected override async refresh(): Promise<Config> {
    const generation = this.generation;
    let config: Config;
    try {
      config = await this.load();
    } catch (error) {
      if (generation === this.generation) this.loading = undefined;
      throw error;
    }
    if (generation !== this.generation) return this.get(); // changed meanwhile: load again
    this.entry = { config, expiresAt: Date.now() + this.ttlMs };
    this.loading = undefined;
    return config;
  }
}
