import { E_TIMEOUT, Mutex, Semaphore, withTimeout } from "async-mutex";
import { describe, expect, it } from "vitest";
import { runAsync } from "../../src/index.ts";

/** Waits `ms` of (virtual) time. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("async-mutex, unmodified, on virtual time", () => {
  it("a Mutex withTimeout: the waiter times out exactly timeout ms after it asked, the holder is unaffected", async () => {
    const result = await runAsync(async (loop) => {
      const mutex = withTimeout(new Mutex(), 100);
      const log: string[] = [];
      const holder = mutex.runExclusive(async () => {
        log.push(`holder in at ${loop.time()}`);
        await sleep(250);
        log.push(`holder out at ${loop.time()}`);
      });
      await sleep(20);
      const waiter = mutex.acquire().then(
        (release) => {
          log.push(`waiter in at ${loop.time()}`);
          release();
        },
        (error: unknown) => log.push(`waiter ${error === E_TIMEOUT ? "timed out" : String(error)} at ${loop.time()}`),
      );
      await Promise.all([holder, waiter]);
      log.push(`locked after: ${mutex.isLocked()}`);
      return log;
    });
    // The waiter asks at t=20 with a 100 ms timeout: it rejects with E_TIMEOUT at 120, while the holder keeps the
    // lock until 250 and then releases it to nobody.
    expect(result).toEqual(["holder in at 0", "waiter timed out at 120", "holder out at 250", "locked after: false"]);
  });

  it("a waiter whose timeout is later than the release gets the lock at the release instant", async () => {
    const result = await runAsync(async (loop) => {
      const mutex = withTimeout(new Mutex(), 300);
      const release = await mutex.acquire(); // t=0
      setTimeout(release, 250);
      await sleep(20);
      await mutex.acquire(); // asked at 20, would time out at 320, released at 250
      return loop.time();
    });
    expect(result).toBe(250);
  });

  it("a Semaphore(2) withTimeout: the third acquirer times out at its own deadline, the fourth gets a freed slot", async () => {
    const result = await runAsync(async (loop) => {
      const semaphore = withTimeout(new Semaphore(2), 50, new Error("semaphore timeout"));
      const log: string[] = [];
      const hold = (name: string, ms: number): Promise<void> =>
        semaphore.runExclusive(async () => {
          log.push(`${name} in at ${loop.time()}`);
          await sleep(ms);
        });
      const tries = [hold("A", 100), hold("B", 70)]; // both slots taken at t=0
      await sleep(10);
      tries.push(hold("C", 5).catch((e: Error) => void log.push(`C: ${e.message} at ${loop.time()}`))); // deadline 60
      await sleep(30);
      tries.push(hold("D", 5)); // t=40, deadline 90: B frees a slot at 70
      await Promise.all(tries);
      return { log, end: loop.time() };
    });
    // C asks at 10 and both slots stay held past 60: it rejects with the given error at 60. D asks at 40; B
    // releases at 70 (< 90), so D runs 70..75; A releases at 100, the end of the run.
    expect(result).toEqual({
      log: ["A in at 0", "B in at 0", "C: semaphore timeout at 60", "D in at 70"],
      end: 100,
    });
  });
});
