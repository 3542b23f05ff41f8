import { stat } from "node:fs";
import { installedGlobals } from "@simloop/async";
import type { EventLoop } from "@simloop/core";
import { describe, expect, it } from "vitest";
import {
  assertExploreAsync,
  ExplorationFailedError,
  exploreAsync,
  replayAsync,
  type ExploreResult,
  type PolicyName,
} from "../src/index.ts";
// A stale overwrite, as written without simloop, and its fixed twin (a write never replaces a newer version).
import { guardedOverwrite, staleOverwrite } from "./fixtures/async-programs.ts";

// Taken at import, before any install: a real timer, outside virtual time.
const realSetTimeout = globalThis.setTimeout;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The globals a campaign replaces, as they are now. */
function globalsNow(): unknown[] {
  return [
    globalThis.setTimeout,
    globalThis.clearTimeout,
    globalThis.setInterval,
    globalThis.setImmediate,
    globalThis.Date,
    globalThis.performance.now,
    process.hrtime,
    Math.random,
    globalThis.crypto.randomUUID,
    AbortSignal.timeout,
  ];
}

describe("exploreAsync", () => {
  it("finds a seeded race in plain async code, shrinks it to one deviation, and replayAsync fails the same way", async () => {
    const result = await exploreAsync(staleOverwrite, { runs: 200, seed: 1 });
    expect(result.ok).toBe(false);
    const failure = result.failure!;
    expect(failure.kind).toBe("error");
    expect(String(failure.error)).toContain("stale value: cache holds version 1 of 2");
    expect(failure.schedule.deviations).toBe(1);
    expect(failure.minimal).toBe(true);
    expect(failure.report).toContain(
      `await replayAsync(staleOverwrite, ${JSON.stringify(failure.schedule.toString())}, { seed: ${failure.runSeed} });`,
    );
    const replayed = await replayAsync(staleOverwrite, failure.schedule.toString(), { seed: failure.runSeed });
    expect(replayed.failure?.kind).toBe("error");
    expect(String(replayed.failure?.error)).toBe(String(failure.error));
    expect(replayed.divergence).toBeNull();
    // And FIFO (the empty schedule) passes: the race needs the deviation.
    expect((await replayAsync(staleOverwrite, "", { seed: failure.runSeed })).failure).toBeUndefined();
  });

  it("passes the fixed twin under every policy", async () => {
    for (const policy of ["pct", "random", "exhaustive", "fast-check"] as const satisfies readonly PolicyName[]) {
      const result = await exploreAsync(guardedOverwrite, { policy, runs: 30, seed: 2 });
      expect([policy, result.ok, result.warnings]).toEqual([policy, true, []]);
      expect(result.decisionPoints).toBeGreaterThan(0);
    }
  });

  it("finds the race under every policy", async () => {
    for (const policy of ["pct", "random", "exhaustive", "fast-check"] as const satisfies readonly PolicyName[]) {
      const result = await exploreAsync(staleOverwrite, { policy, runs: 100, seed: 3 });
      expect([policy, result.failure?.kind, result.failure?.schedule.deviations]).toEqual([policy, "error", 1]);
    }
  });

  it("rejects with the report from assertExploreAsync, and resolves for the fixed twin", async () => {
    const error = await assertExploreAsync(staleOverwrite, { runs: 100, seed: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExplorationFailedError);
    expect((error as Error).message).toContain("await replayAsync(staleOverwrite");
    await expect(assertExploreAsync(guardedOverwrite, { runs: 20 })).resolves.toMatchObject({ ok: true });
  });

  it("explores jittered timer delays given by the install option, without touching the code", async () => {
    // 10 ms then 12 ms: in order at fixed delays; 50 % jitter lets the first reply arrive last.
    const ordered = async (): Promise<void> => {
      const order: string[] = [];
      await Promise.all([sleep(10).then(() => order.push("first")), sleep(12).then(() => order.push("second"))]);
      if (order[0] !== "first") throw new Error(`replies out of order: ${order.join(", ")}`);
    };
    expect((await exploreAsync(ordered, { runs: 50 })).ok).toBe(true);
    const result = await exploreAsync(ordered, { runs: 200, jitter: { relative: 0.5 }, levels: { jitter: true } });
    expect(result.failure?.kind).toBe("error");
    const replayed = await replayAsync(ordered, result.failure!.schedule, {
      seed: result.failure!.runSeed,
      jitter: { relative: 0.5 },
    });
    expect(String(replayed.failure?.error)).toBe("Error: replies out of order: second, first");
  });

  it("prints a replay line that carries the install options, and that line replays the failure as printed", async () => {
    const ordered = async (): Promise<void> => {
      const order: string[] = [];
      await Promise.all([sleep(10).then(() => order.push("first")), sleep(12).then(() => order.push("second"))]);
      if (order[0] !== "first") throw new Error(`replies out of order: ${order.join(", ")}`);
    };
    const options = { runs: 200, seed: 3, jitter: { relative: 0.5 }, now: new Date(Date.UTC(2030, 0, 1)) };
    const failure = (await exploreAsync(ordered, options)).failure!;
    const line = failure.report.split("\n").find((l) => l.includes("await replayAsync("))!;
    expect(line).toContain(`now: new Date(${Date.UTC(2030, 0, 1)})`);
    expect(line).toContain(`jitter: {"relative":0.5}`);
    // The line as printed: its options object, evaluated.
    const printed = /, (\{ seed: .*\})\);$/.exec(line)![1]!;
    const replayOptions = new Function(`return (${printed});`)() as Parameters<typeof replayAsync>[2];
    const replayed = await replayAsync(ordered, failure.schedule, replayOptions);
    expect(String(replayed.failure?.error)).toBe("Error: replies out of order: second, first");
  });

  it("tells an async campaign that met no choice point how to jitter its timers", async () => {
    const result = await exploreAsync(guardedOverwrite, { runs: 5, levels: { ties: false } });
    expect(result.notice).toContain("give exploreAsync a jitter option");
  });

  it("reports the async failures: leftover timers, an unhandled rejection, a deadlock, leftover tasks", async () => {
    const kinds: string[] = [];
    const run = async (program: (loop: EventLoop) => Promise<unknown>): Promise<void> => {
      const result: ExploreResult = await exploreAsync(program, { runs: 3, shrink: false });
      kinds.push(result.failure?.kind ?? "ok");
    };
    await run(async () => {
      setTimeout(() => {}, 1_000);
    });
    await run(async () => {
      void Promise.reject(new Error("nobody listens"));
      await sleep(1);
    });
    await run(() => new Promise(() => {}));
    await run(async (loop) => {
      loop.createTask(
        (function* forgotten() {
          yield* loop.createFuture();
        })(),
      );
    });
    expect(kinds).toEqual(["leftover-timers", "unhandled-rejection", "deadlock", "leftover-tasks"]);
    const allowed = await exploreAsync(
      async () => {
        setTimeout(() => {}, 1_000);
      },
      { runs: 3, allowLeftoverTimers: true },
    );
    expect(allowed.ok).toBe(true);
  });

  it("ends a run that outlives its watchdog", async () => {
    const result = await exploreAsync(
      async () => {
        for (;;) await new Promise((resolve) => setImmediate(resolve)); // virtual time never advances
      },
      { runs: 1, watchdog: 20, shrink: false },
    );
    expect(result.failure?.kind).toBe("watchdog");
  });

  it("installs the globals once per campaign and restores them after it, and when it throws mid-campaign", async () => {
    const before = globalsNow();
    const timeZone = process.env["TZ"];
    let runs = 0;
    await exploreAsync(
      async () => {
        expect(globalThis.setTimeout).not.toBe(before[0]);
        await sleep(1);
      },
      { runs: 5, onProgress: () => void runs++ },
    );
    expect(runs).toBe(5);
    expect(globalsNow()).toEqual(before);
    expect(installedGlobals()).toBeNull();
    const thrown = await exploreAsync(guardedOverwrite, {
      runs: 10,
      random: true,
      timeZone: "Asia/Tokyo",
      onProgress: ({ run }) => {
        if (run === 3) throw new Error("the test gives up mid-campaign");
      },
    }).catch((e: unknown) => e);
    expect(String(thrown)).toBe("Error: the test gives up mid-campaign");
    expect(globalsNow()).toEqual(before);
    expect(process.env["TZ"]).toBe(timeZone);
    expect(installedGlobals()).toBeNull();
  });

  it("self-checks passing runs: names unseeded randomness, real timers and real I/O", async () => {
    const random = await exploreAsync(
      async () => {
        if (Math.random() > 2) throw new Error("never");
        await sleep(1);
      },
      { runs: 2 },
    );
    expect(random.warnings[0]?.culprits).toEqual(["Math.random (unseeded)"]);
    expect(random.warnings[0]?.message).toContain("install with random: true");
    const seeded = await exploreAsync(
      async () => {
        if (Math.random() > 2) throw new Error("never");
        await sleep(1);
      },
      { runs: 2, random: true },
    );
    expect(seeded.warnings).toEqual([]);
    const escapes = await exploreAsync(
      async () => {
        realSetTimeout(() => {}, 0).unref();
        stat(".", () => {});
        await sleep(1);
      },
      { runs: 2 },
    );
    expect(escapes.warnings[0]?.culprits).toEqual([
      "a real setTimeout/setInterval (captured before install, or left real by toFake)",
      "real file I/O (FSREQCALLBACK)",
    ]);
  });
});
