/**
 * Saving a user's display name with retries (p-retry), as a client library would. The race: a save whose
 * first attempt failed is retried after a backoff; meanwhile the user saved a newer name, and the retry
 * lands after it, so the server keeps the older name. The fixed twin sends a version with every save and
 * the server ignores a save older than the one it holds (an `If-Match`-style conditional write).
 */
import pRetry from "p-retry";

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The server: a request travels 25 ms and the reply 25 ms; the first request it sees fails with a 503. */
export class ProfileServer {
  name = "";
  private version = 0;
  private failures = 1;

  /** Stores `name`; with a `version`, only if it is newer than the stored one. */
  async put(name: string, version?: number): Promise<void> {
    await delay(25);
    const unavailable = this.failures > 0;
    if (unavailable) this.failures -= 1;
    else if (version === undefined || version > this.version) {
      this.name = name;
      this.version = version ?? this.version;
    }
    await delay(25);
    if (unavailable) throw new Error("503 Service Unavailable");
  }
}

const retryOptions = { retries: 3, minTimeout: 100, factor: 2, randomize: false } as const;

/** The buggy client: every save retried as is. */
export class ProfileClient {
  readonly server: ProfileServer = new ProfileServer();

  /** Saves `name`, retrying on failure. */
  save(name: string): Promise<void> {
    return pRetry(() => this.server.put(name), retryOptions);
  }
}

/** The fixed client: every save carries a version the server compares. */
export class VersionedProfileClient {
  readonly server: ProfileServer = new ProfileServer();
  private versions = 0;

  /** Saves `name`, retrying on failure; a retry never overwrites a newer save. */
  save(name: string): Promise<void> {
    const version = ++this.versions;
    return pRetry(() => this.server.put(name, version), retryOptions);
  }
}

/**
 * The scenario: the user saves "Ada" (its first attempt fails and is retried 100 ms after the failure),
 * then "Ada Lovelace" 200 ms after the first save. Throws when the server is left with the older name.
 */
export async function renameTwice(Client: typeof ProfileClient | typeof VersionedProfileClient): Promise<string> {
  const client = new Client();
  await Promise.all([client.save("Ada"), delay(200).then(() => client.save("Ada Lovelace"))]);
  if (client.server.name !== "Ada Lovelace") throw new Error(`the server kept "${client.server.name}"`);
  return client.server.name;
}
