import { EventLoop } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { AsyncDeadlockError, WatchdogTimeoutError, runAsync, runUntilCompleteAsync } from "../src/index.ts";

// Captured before any install, as a module that kept a reference at import time would.
const capturedSetTimeout = globalThis.setTimeout;
const capturedClearTimeout = globalThis.clearTimeout;

describe("named escapes", () => {
  it("names a deadlock: main awaits a promise nothing will settle, and no real resource is pending", async () => {
    const failure = await runAsync(async () => {
      await new Promise(() => undefined);
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AsyncDeadlockError);
    expect((failure as AsyncDeadlockError).realResources).toEqual([]);
    expect((failure as Error).message).toMatch(/nothing will ever settle/);
  });

  it("names an escape: main awaits a real timer captured before install, listed as a real Timeout", async () => {
    let timer: ReturnType<typeof capturedSetTimeout> | undefined;
    const failure = await runAsync(async () => {
      await new Promise((resolve) => {
        timer = capturedSetTimeout(resolve, 60_000);
      });
    }).catch((error: unknown) => error);
    capturedClearTimeout(timer);
    expect(failure).toBeInstanceOf(AsyncDeadlockError);
    expect((failure as AsyncDeadlockError).realResources).toEqual(["Timeout"]);
    expect((failure as Error).message).toMatch(/captured before install/);
  });

  it("lists the tasks still waiting on the loop in the deadlock", async () => {
    const loop = new EventLoop();
    const future = loop.createFuture<void>("never");
    const failure = await runUntilCompleteAsync(loop, future).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AsyncDeadlockError);
    expect((failure as Error).message).toMatch(/runUntilComplete\(\) waits on <Future pending never>/);
  });

  it("ends a run that exceeds its wall-clock watchdog (a livelock of immediates)", async () => {
    const failure = await runAsync(
      async () => {
        for (;;) await new Promise((resolve) => setImmediate(resolve));
      },
      { watchdog: 30 },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WatchdogTimeoutError);
    expect((failure as WatchdogTimeoutError).limit).toBe(30);
  });
});

describe("unref'd timers do not keep a run alive, as they do not keep Node's process alive", () => {
  it("fails at once when main is pending and only unref'd timers are left, naming them", async () => {
    const failure = await runAsync(async () => {
      setInterval(function heartbeat() {}, 10).unref();
      await new Promise(() => undefined);
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AsyncDeadlockError);
    expect((failure as AsyncDeadlockError).unrefTimers).toEqual(["Interval(10 ms, heartbeat) due at t=10"]);
    expect((failure as Error).message).toMatch(/only unref\(\)'d timers are scheduled on virtual time/);
  });

  it("fires unref'd timers while something ref'd keeps the run going", async () => {
    const beats = await runAsync(async () => {
      let count = 0;
      const heartbeat = setInterval(() => count++, 10);
      heartbeat.unref();
      await new Promise((resolve) => setTimeout(resolve, 35));
      clearInterval(heartbeat);
      return count;
    });
    expect(beats).toBe(3);
  });
});
