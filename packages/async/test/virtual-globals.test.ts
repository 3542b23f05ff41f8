import cryptoModule from "node:crypto";
import timersModule from "node:timers";
import { setTimeout as sleepFromTimersPromises } from "node:timers/promises";
import timersPromisesModule from "node:timers/promises";
import { setTimeout as setTimeoutFromTimers } from "node:timers";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_EPOCH,
  DEFAULT_PERFORMANCE_ORIGIN,
  VirtualGlobalsError,
  VirtualTimeout,
  install,
  installedGlobals,
  runAsync,
} from "../src/index.ts";

/** Every value install() may replace, read where code reads it. */
function snapshot(): unknown[] {
  const g = globalThis as unknown as Record<string, unknown>;
  const timers = timersModule as unknown as Record<string, unknown>;
  const promises = timersPromisesModule as unknown as Record<string, unknown>;
  const node = cryptoModule as unknown as Record<string, unknown>;
  return [
    ...["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", "Date"].map(
      (key) => g[key],
    ),
    ...["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate"].map(
      (key) => timers[key],
    ),
    ...["setTimeout", "setImmediate", "setInterval", "scheduler"].map((key) => promises[key]),
    Object.getOwnPropertyDescriptor(performance, "now"),
    performance.now,
    process.hrtime,
    process.hrtime.bigint,
    AbortSignal.timeout,
    Math.random,
    Object.getOwnPropertyDescriptor(crypto, "randomUUID"),
    Object.getOwnPropertyDescriptor(crypto, "getRandomValues"),
    node["randomUUID"],
    node["randomBytes"],
    setTimeoutFromTimers,
    sleepFromTimersPromises,
    process.env["TZ"],
  ];
}

describe("virtual globals", () => {
  it("are all the originals again after a run that throws, as after one that returns", async () => {
    const before = snapshot();
    let during: unknown[] = [];
    const failing = runAsync(
      async () => {
        during = snapshot();
        throw new Error("main failed");
      },
      { random: true, timeZone: "Asia/Tokyo" },
    );
    await expect(failing).rejects.toThrow("main failed");
    const after = snapshot();
    expect(after.length).toBe(before.length);
    after.forEach((value, i) => expect(value, `entry ${i}`).toBe(before[i]));
    // and every entry was replaced during the run (the TZ and performance.now descriptors included)
    const unchanged = during.map((value, i) => (value === before[i] ? i : -1)).filter((i) => i >= 0);
    expect(unchanged).toEqual([]);
    expect(installedGlobals()).toBeNull();
  });

  it("start Date at a fixed documented epoch and performance.now at a non-zero origin, moving with the loop", async () => {
    const seen = await runAsync(async (loop) => {
      const first = [Date.now(), new Date().getTime(), performance.now()];
      await new Promise((resolve) => setTimeout(resolve, 250));
      return [...first, Date.now(), performance.now(), loop.time()];
    });
    expect(seen).toEqual([
      DEFAULT_EPOCH,
      DEFAULT_EPOCH,
      DEFAULT_PERFORMANCE_ORIGIN,
      DEFAULT_EPOCH + 250,
      DEFAULT_PERFORMANCE_ORIGIN + 250,
      250,
    ]);
    expect(new Date(DEFAULT_EPOCH).toISOString()).toBe("2025-01-01T00:00:00.000Z");
  });

  it("keep Date's other forms real: parsing, UTC, explicit values, instanceof both ways, Date() as a string", async () => {
    const RealDate = Date;
    await runAsync(
      async () => {
        expect(new Date(0).toISOString()).toBe("1970-01-01T00:00:00.000Z");
        expect(Date.parse("2000-01-01T00:00:00Z")).toBe(946_684_800_000);
        expect(Date.UTC(2000, 0, 1)).toBe(946_684_800_000);
        expect(new Date() instanceof RealDate).toBe(true);
        expect(new RealDate() instanceof Date).toBe(true);
        class Stamp extends Date {}
        expect(new Stamp().toISOString()).toBe("2030-06-01T12:00:00.000Z");
        expect(typeof Date()).toBe("string");
        expect(new Date().getHours()).toBe(21); // 12:00 UTC in Tokyo
      },
      { now: new Date("2030-06-01T12:00:00Z"), timeZone: "Asia/Tokyo" },
    );
  });

  it("serve process.hrtime and hrtime.bigint from the virtual clock", async () => {
    await runAsync(async () => {
      const start = process.hrtime();
      const startBig = process.hrtime.bigint();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(process.hrtime(start)).toEqual([1, 500_000_000]);
      expect(process.hrtime.bigint() - startBig).toBe(1_500_000_000n);
    });
  });

  it("reach ES module bindings of node:timers and node:timers/promises imported before install", async () => {
    const times = await runAsync(async (loop) => {
      await sleepFromTimersPromises(40);
      const at = loop.time();
      await new Promise((resolve) => setTimeoutFromTimers(resolve, 2));
      return [at, loop.time()];
    });
    expect(times).toEqual([40, 42]);
  });

  it("reject an aborted timers/promises wait with Node's AbortError, and AbortSignal.timeout with a TimeoutError", async () => {
    const results = await runAsync(async (loop) => {
      const controller = new AbortController();
      const reason = new Error("stop");
      const wait = sleepFromTimersPromises(100, "late", { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 10);
      const aborted = (await wait.catch((error: unknown) => error)) as Error & { code: string; cause: unknown };
      const signal = AbortSignal.timeout(25);
      const start = loop.time();
      // AbortSignal.timeout's timer is unref'd, as in Node: alone it would not keep the run alive.
      const keepAlive = setTimeout(() => undefined, 1_000);
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      clearTimeout(keepAlive);
      return {
        name: aborted.name,
        code: aborted.code,
        cause: aborted.cause === reason,
        message: aborted.message,
        at: start,
        timeoutAfter: loop.time() - start,
        timeout: [(signal.reason as DOMException).name, (signal.reason as DOMException).message],
      };
    });
    expect(results).toEqual({
      name: "AbortError",
      code: "ABORT_ERR",
      cause: true,
      message: "The operation was aborted",
      at: 10,
      timeoutAfter: 25,
      timeout: ["TimeoutError", "The operation was aborted due to timeout"],
    });
  });

  it("iterate timers/promises setInterval on virtual time", async () => {
    const ticks = await runAsync(async (loop) => {
      const { setInterval: every } = await import("node:timers/promises");
      const seen: number[] = [];
      for await (const _ of every(15)) {
        seen.push(loop.time());
        if (seen.length === 3) break;
      }
      return seen;
    });
    expect(ticks).toEqual([15, 30, 45]);
  });

  it("give timers Node's object API: ref, unref, hasRef, refresh, close, a primitive id clearTimeout accepts", async () => {
    const log: string[] = [];
    await runAsync(async (loop) => {
      const timeout = setTimeout(() => log.push(`fired at ${loop.time()}`), 10) as unknown as VirtualTimeout;
      expect(timeout).toBeInstanceOf(VirtualTimeout);
      expect(timeout.hasRef()).toBe(true);
      expect(timeout.unref().hasRef()).toBe(false);
      expect(timeout.ref().hasRef()).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
      timeout.refresh(); // now due at 15
      await new Promise((resolve) => setTimeout(resolve, 20));
      timeout.refresh(); // fired already: re-armed, due at 35
      await new Promise((resolve) => setTimeout(resolve, 20));
      const byId = setTimeout(() => log.push("never"), 1);
      clearTimeout(+byId as unknown as NodeJS.Timeout);
      const closed = setTimeout(() => log.push("never"), 1) as unknown as VirtualTimeout;
      closed.close();
      closed.refresh(); // a cleared timer stays cleared
      const immediate = setImmediate(() => log.push("never"));
      clearImmediate(immediate);
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    expect(log).toEqual(["fired at 15", "fired at 35"]);
  });

  it("draw Math.random and crypto from the loop's seed under random: true, the same for the same seed", async () => {
    const draw = (seed: number): Promise<unknown[]> =>
      runAsync(
        async () => [
          Math.random(),
          crypto.randomUUID(),
          cryptoModule.randomBytes(4).toString("hex"),
          [...cryptoModule.getRandomValues(new Uint8Array(4))],
        ],
        {
          random: true,
          seed,
        },
      );
    const [a, b, c] = [await draw(1), await draw(1), await draw(2)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("replace only the globals toFake selects", async () => {
    const realSetTimeout = globalThis.setTimeout;
    await runAsync(
      async () => {
        expect(globalThis.setTimeout).toBe(realSetTimeout);
        expect(Date.now()).toBe(DEFAULT_EPOCH);
      },
      { toFake: ["Date"] },
    );
    expect(() => install({ toFake: ["sleep" as never] })).toThrow(VirtualGlobalsError);
  });

  it("install once per campaign: each run binds the globals to its fresh loop; a second install is refused", async () => {
    const globals = install();
    try {
      expect(() => install()).toThrow(VirtualGlobalsError);
      const times: number[] = [];
      for (let run = 0; run < 3; run++) {
        times.push(
          await runAsync(
            async (loop) => {
              await new Promise((resolve) => setTimeout(resolve, 10 * (run + 1)));
              return loop.time();
            },
            { globals },
          ),
        );
        expect(globals.loop).toBeNull();
      }
      expect(times).toEqual([10, 20, 30]);
      // Between runs the installed globals behave as the real ones.
      expect(typeof Date.now()).toBe("number");
      expect(Date.now()).toBeGreaterThan(DEFAULT_EPOCH);
    } finally {
      globals.uninstall();
    }
  });
});
