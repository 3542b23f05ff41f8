import PQueue from "p-queue";
import { describe, expect, it } from "vitest";
import { runAsync } from "../../src/index.ts";

/** Waits `ms` of (virtual) time. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("p-queue, unmodified, on virtual time", () => {
  it("starts at most intervalCap jobs per fixed window, the window anchored at the first start", async () => {
    const result = await runAsync(async (loop) => {
      const queue = new PQueue({ concurrency: 2, interval: 100, intervalCap: 2 });
      const starts: number[] = [];
      for (let i = 0; i < 5; i++) {
        void queue.add(async () => {
          starts.push(loop.time());
          await sleep(10);
        });
      }
      await queue.onIdle();
      return { starts, end: loop.time() };
    });
    // Window [0,100): jobs 1 and 2 start at 0 (they end at 10, but the window's 2 starts are used).
    // The recurring 100 ms timer opens [100,200): jobs 3 and 4 at 100; [200,300): job 5 at 200, idle at 210.
    expect(result).toEqual({ starts: [0, 0, 100, 100, 200], end: 210 });
  });

  it("a queue gone idle keeps its window: later jobs wait for the window's end, then a new window starts", async () => {
    const result = await runAsync(async (loop) => {
      const queue = new PQueue({ concurrency: 2, interval: 100, intervalCap: 2 });
      const starts: number[] = [];
      const job = async (): Promise<void> => {
        starts.push(loop.time());
        await sleep(10);
      };
      await sleep(30);
      void queue.add(job); // t=30: window [30,130) opens; job 1 runs 30..40 and the queue goes idle
      await sleep(30);
      for (let i = 0; i < 3; i++) void queue.add(job); // t=60: still in [30,130), one start left
      await queue.onIdle();
      return { starts, end: loop.time() };
    });
    // t=60: job 2 takes the window's second start; jobs 3 and 4 wait for a timeout to the window's end at
    // 130 (70 ms from 60), which starts window [130,230): both start at 130 and end at 140.
    expect(result).toEqual({ starts: [30, 60, 130, 130], end: 140 });
  });

  it("bounds concurrency when jobs outlast the window", async () => {
    const result = await runAsync(async (loop) => {
      const queue = new PQueue({ concurrency: 2, interval: 100, intervalCap: 10 });
      const starts: number[] = [];
      for (const ms of [250, 120, 60, 30]) {
        void queue.add(async () => {
          starts.push(loop.time());
          await sleep(ms);
        });
      }
      await queue.onIdle();
      return { starts, end: loop.time() };
    });
    // The cap (10 per window) never binds; concurrency 2 does: 250 and 120 start at 0, the 120 job ends at 120
    // → 60 starts at 120, ends 180 → 30 starts at 180, ends 210; the 250 job ends last, at 250.
    expect(result).toEqual({ starts: [0, 0, 120, 180], end: 250 });
  });
});
