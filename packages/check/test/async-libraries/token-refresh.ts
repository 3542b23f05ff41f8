/**
 * Refreshing an access token under an async-mutex `Mutex`, as an API client would, giving up on the
 * identity provider after 100 ms. The race: the timeout path returns without releasing the mutex, so
 * when a refresh is slow the next refresh waits on the mutex forever. The fixed twin releases in a
 * `finally` (as `runExclusive` does).
 */
import { Mutex } from "async-mutex";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Settles with what `work` settles with, or with `undefined` after `ms`; then aborts whichever of the
 * two is still pending (the work through its signal).
 */
async function within<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T | undefined> {
  const abandon = new AbortController();
  const deadline = new AbortController();
  try {
    return await Promise.race([
      work(abandon.signal),
      sleep(ms, undefined, { signal: deadline.signal }).catch(() => undefined),
    ]);
  } finally {
    abandon.abort();
    deadline.abort();
  }
}

/** The identity provider: a new token takes 80 ms. */
export async function fetchToken(serial: number, signal: AbortSignal): Promise<string> {
  await sleep(80, undefined, { signal });
  return `token-${serial}`;
}

/** The buggy client: the timeout path forgets the release. */
export class TokenClient {
  token: string | undefined;
  private readonly mutex = new Mutex();
  private serial = 0;

  /** Fetches a fresh token, one refresh at a time; undefined when the provider took over 100 ms. */
  async refresh(): Promise<string | undefined> {
    const release = await this.mutex.acquire();
    const token = await within((signal) => fetchToken(++this.serial, signal), 100);
    if (token === undefined) return undefined;
    this.token = token;
    release();
    return token;
  }
}

/** The fixed client: the mutex is released on every path. */
export class FixedTokenClient {
  token: string | undefined;
  private readonly mutex = new Mutex();
  private serial = 0;

  /** Fetches a fresh token, one refresh at a time; undefined when the provider took over 100 ms. */
  async refresh(): Promise<string | undefined> {
    const release = await this.mutex.acquire();
    try {
      const token = await within((signal) => fetchToken(++this.serial, signal), 100);
      if (token !== undefined) this.token = token;
      return token;
    } finally {
      release();
    }
  }
}

/** The scenario: two requests find the token expired, 50 ms apart, and both refresh it. */
export async function refreshTwice(Client: typeof TokenClient | typeof FixedTokenClient): Promise<string | undefined> {
  const client = new Client();
  await Promise.all([client.refresh(), sleep(50).then(() => client.refresh())]);
  return client.token;
}
