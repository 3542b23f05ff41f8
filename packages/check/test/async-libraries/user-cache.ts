/**
 * A read-through cache of user names on lru-cache with a 1 s TTL, as a service would write it. The race:
 * a read that missed (the entry's TTL ran out) fetches the row, and a rename lands in the database and
 * the cache while that fetch is in flight; the fetch then stores the name it read before the rename,
 * and the cache serves the old name for a whole TTL. The fixed twin reads through lru-cache's own
 * `fetch` (a `fetchMethod`): a `set` while a fetch is in flight replaces it, and the stale result is
 * dropped.
 */
import { LRUCache } from "lru-cache";

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The database: a read sees the row 5 ms after it is sent and replies 20 ms later; a write applies after 10 ms and replies 10 ms later. */
export class UserTable {
  private readonly names = new Map<string, string>([["u1", "Ada"]]);

  /** Reads a user's name. */
  async read(id: string): Promise<string> {
    await delay(5);
    const name = this.names.get(id) ?? "?";
    await delay(20);
    return name;
  }

  /** Writes a user's name. */
  async write(id: string, name: string): Promise<void> {
    await delay(10);
    this.names.set(id, name);
    await delay(10);
  }
}

/** The buggy cache: get, on a miss read and set. */
export class UserCache {
  private readonly cache = new LRUCache<string, string>({ max: 100, ttl: 1_000 });
  private readonly table: UserTable;

  constructor(table: UserTable) {
    this.table = table;
  }

  /** A user's name, from the cache or the database. */
  async name(id: string): Promise<string> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const name = await this.table.read(id);
    this.cache.set(id, name);
    return name;
  }

  /** Renames a user: the database, then the cache. */
  async rename(id: string, name: string): Promise<void> {
    await this.table.write(id, name);
    this.cache.set(id, name);
  }
}

/** The fixed cache: reads through `cache.fetch`, so a rename replaces a fetch in flight. */
export class FetchingUserCache {
  private readonly cache: LRUCache<string, string>;
  private readonly table: UserTable;

  constructor(table: UserTable) {
    this.table = table;
    this.cache = new LRUCache<string, string>({
      max: 100,
      ttl: 1_000,
      fetchMethod: (id) => this.table.read(id),
    });
  }

  /** A user's name, from the cache or the database. */
  async name(id: string): Promise<string> {
    for (;;) {
      try {
        return (await this.cache.fetch(id)) as string;
      } catch (error) {
        // The fetch in flight was replaced by a rename: read again (the new name is cached now).
        if (!(error instanceof Error) || error.message !== "replaced") throw error;
      }
    }
  }

  /** Renames a user: the database, then the cache. */
  async rename(id: string, name: string): Promise<void> {
    await this.table.write(id, name);
    this.cache.set(id, name);
  }
}

/**
 * The scenario: the name is cached at t≈25 ms; at t=1100 (after its TTL) a request reads it again and at
 * t=1130 an admin renames the user; a request at t=1500 must see the new name.
 */
export async function renameDuringRefresh(Cache: typeof UserCache | typeof FetchingUserCache): Promise<string> {
  const users = new Cache(new UserTable());
  await users.name("u1");
  await Promise.all([
    delay(1_100).then(() => users.name("u1")),
    delay(1_130).then(() => users.rename("u1", "Ada Lovelace")),
  ]);
  await delay(1_500 - 1_100);
  const seen = await users.name("u1");
  if (seen !== "Ada Lovelace") throw new Error(`after the rename the cache still serves "${seen}"`);
  return seen;
}
