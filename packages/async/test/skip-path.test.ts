/**
 * Callbacks that queue microtasks while creating no promise: after each one the driver must still end
 * the real macrotask before dispatching the next callback. A "skip path" that dispatched the next
 * callback at once when `v8.promiseHooks` saw no promise created gets every one of these orders wrong;
 * one that also watches settles and wraps `queueMicrotask`/`process.nextTick` still gets the last three
 * wrong (decision 0027).
 *
 * In each test two timers are due at the same instant: the first queues work in a way the test names,
 * the second logs. Node runs the queued work before the second timer; so must the driver.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runAsync } from "../src/index.ts";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `first` and then a logging timer, both due at t=10; returns the log. */
async function orderAfter(
  first: (log: string[]) => void,
  before: (log: string[]) => void = () => {},
): Promise<string[]> {
  const log: string[] = [];
  await runAsync(async () => {
    before(log);
    setTimeout(() => first(log), 10);
    setTimeout(() => log.push("second timer"), 10);
    await sleep(20);
  });
  return log;
}

describe("a callback that creates no promise still gets its microtasks run before the next callback", () => {
  it("resolving a promise awaited since before the callback (a settle, no promise created)", async () => {
    let resolveWaiter: (value: string) => void = () => {};
    const log = await orderAfter(
      () => resolveWaiter("resolved"),
      (entries) => {
        void new Promise<string>((resolve) => (resolveWaiter = resolve)).then((value) => entries.push(value));
      },
    );
    expect(log).toEqual(["resolved", "second timer"]);
  });

  it("rejecting such a promise", async () => {
    let rejectWaiter: (error: Error) => void = () => {};
    const log = await orderAfter(
      () => rejectWaiter(new Error("rejected")),
      (entries) => {
        void new Promise<string>((_, reject) => (rejectWaiter = reject)).catch((error: Error) =>
          entries.push(error.message),
        );
      },
    );
    expect(log).toEqual(["rejected", "second timer"]);
  });

  it("process.nextTick", async () => {
    expect(await orderAfter((log) => process.nextTick(() => log.push("tick")))).toEqual(["tick", "second timer"]);
  });

  it("queueMicrotask", async () => {
    expect(await orderAfter((log) => queueMicrotask(() => log.push("microtask")))).toEqual([
      "microtask",
      "second timer",
    ]);
  });

  it("resolving a pending promise with a thenable object: no promise hook fires, yet V8 queues a job that calls then()", async () => {
    let resolveWaiter: (value: PromiseLike<string>) => void = () => {};
    const log = await orderAfter(
      (entries) =>
        resolveWaiter({
          then(onFulfilled) {
            entries.push("then called");
            return (onFulfilled as (value: string) => unknown)("from the thenable") as PromiseLike<never>;
          },
        }),
      (entries) => {
        void new Promise<string>((resolve) => (resolveWaiter = resolve)).then((value) => entries.push(value));
      },
    );
    // Resolving with a thenable calls its then() in a job of its own (not synchronously), and the
    // waiter's reaction runs after that: all of it before the second timer.
    expect(log).toEqual(["then called", "from the thenable", "second timer"]);
  });

  it("resolving a pending promise with a promise that existed before the callback: no promise hook fires", async () => {
    let resolveWaiter: (value: Promise<string>) => void = () => {};
    let cached: Promise<string> = Promise.resolve("");
    const log = await orderAfter(
      () => resolveWaiter(cached),
      (entries) => {
        cached = Promise.resolve("the cached value");
        void new Promise<string>((resolve) => (resolveWaiter = resolve)).then((value) => entries.push(value));
      },
    );
    expect(log).toEqual(["the cached value", "second timer"]);
  });

  it("Node's own nextTick, which a wrapped global process.nextTick never sees (a stream's 'finish' event)", async () => {
    const log = await orderAfter((entries) => {
      const stream = new PassThrough();
      stream.on("finish", () => entries.push("finish"));
      stream.resume();
      stream.end("data");
    });
    expect(log).toEqual(["finish", "second timer"]);
  });
});
