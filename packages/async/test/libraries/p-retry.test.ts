import pRetry from "p-retry";
import { describe, expect, it } from "vitest";
import { AsyncDeadlockError, runAsync } from "../../src/index.ts";

/** Waits `ms` of (virtual) time. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("p-retry, unmodified, on virtual time", () => {
  it("retries with exponential backoff and succeeds at the computed instant", async () => {
    const result = await runAsync(async (loop) => {
      const starts: number[] = [];
      const value = await pRetry(
        async (attempt) => {
          starts.push(loop.time());
          await sleep(10); // every attempt takes 10 ms
          if (attempt < 4) throw new Error(`attempt ${attempt} failed`);
          return "ok";
        },
        { retries: 5, factor: 2, minTimeout: 100, randomize: false },
      );
      return { value, starts, end: loop.time() };
    });
    // p-retry waits round(minTimeout × factor^(n-1)) before retry n, measured from the failure:
    //   attempt 1: t=0..10 fails, wait 100 → attempt 2: t=110..120 fails, wait 200
    //   → attempt 3: t=320..330 fails, wait 400 → attempt 4: t=730..740 succeeds.
    expect(result).toEqual({ value: "ok", starts: [0, 110, 320, 730], end: 740 });
  });

  it("cuts the last wait to what maxRetryTime leaves (it reads performance.now) and gives up exactly then", async () => {
    const result = await runAsync(async (loop) => {
      const starts: number[] = [];
      const error = await pRetry(
        async (attempt) => {
          starts.push(loop.time());
          await sleep(10);
          throw new Error(`attempt ${attempt} failed`);
        },
        { retries: 5, factor: 2, minTimeout: 100, randomize: false, maxRetryTime: 500 },
      ).catch((e: unknown) => e as Error);
      return { message: error.message, starts, end: loop.time() };
    });
    // As above until attempt 3 fails at t=330: the next wait would be 400, but only 500 - 330 = 170 ms of the
    // retry budget remain, so p-retry waits 170 → attempt 4 at t=500..510 fails with no time left: it throws at 510.
    expect(result).toEqual({ message: "attempt 4 failed", starts: [0, 110, 320, 500], end: 510 });
  });
  it("stops waiting the instant AbortSignal.timeout aborts (the signal's own timer is unref'd, the wait keeps the run alive)", async () => {
    const result = await runAsync(async (loop) => {
      const starts: number[] = [];
      const error = await pRetry(
        async (attempt) => {
          starts.push(loop.time());
          await sleep(10);
          throw new Error(`attempt ${attempt} failed`);
        },
        { retries: 5, factor: 2, minTimeout: 100, randomize: false, signal: AbortSignal.timeout(300) },
      ).catch((e: unknown) => e as Error);
      return { name: error.name, starts, end: loop.time() };
    });
    // Attempt 2 fails at 120 and p-retry waits 200 (until 320); the signal aborts at 300, p-retry clears its
    // timer and rejects with the signal's reason, a TimeoutError, at 300.
    expect(result).toEqual({ name: "TimeoutError", starts: [0, 110], end: 300 });
  });

  it("with unref: true the backoff wait does not keep the run alive: a named deadlock, where Node would exit", async () => {
    const error = await runAsync(async () => {
      await pRetry(
        async () => {
          throw new Error("always fails");
        },
        { retries: 1, minTimeout: 100, randomize: false, unref: true },
      );
    }).catch((e: unknown) => e);
    // The first attempt fails at t=0 and the only thing left is p-retry's unref'd 100 ms timer.
    expect(error).toBeInstanceOf(AsyncDeadlockError);
    expect((error as AsyncDeadlockError).message).toMatch(/^Async deadlock at t=0:/);
    expect((error as AsyncDeadlockError).unrefTimers).toEqual(["Timeout(100 ms, anonymous) due at t=100"]);
  });
});
