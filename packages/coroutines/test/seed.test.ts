import { EventLoop, setEventLoop, getEventLoop, type Coroutine } from "@simloop/core";
import { afterEach, describe, expect, it } from "vitest";
import { ensureFuture, gather, isCoroutineFunction, sleep } from "../src/index.ts";

/** The seed's six scenarios, end to end, with virtual timestamps. */
describe("the seed scenarios", () => {
  let log: string[] = [];
  let loop: EventLoop;

  function* task(s: number): Coroutine<string> {
    log.push(`${loop.time()} please wait ${s} seconds`);
    yield* sleep(s);
    return "task is over";
  }

  function fresh(): void {
    log = [];
    loop = new EventLoop({ unhandled: "throw" });
    setEventLoop(loop);
  }

  afterEach(() => setEventLoop(null));

  it("1: a coroutine is a generator function", () => {
    fresh();
    expect(isCoroutineFunction(task)).toBe(true);
    expect(isCoroutineFunction(() => 1)).toBe(false);
  });

  it("2: runUntilComplete(task(3)) returns at t=3", () => {
    fresh();
    expect(getEventLoop()).toBe(loop);
    expect(loop.runUntilComplete(task(3))).toBe("task is over");
    expect(loop.time()).toBe(3);
    expect(log).toEqual(["0 please wait 3 seconds"]);
  });

  it("3: ensureFuture + addDoneCallback prints the result", () => {
    fresh();
    const fut = ensureFuture(task(3));
    fut.addDoneCallback((f) => log.push(`${loop.time()} ${f.result()}`));
    loop.runUntilComplete(fut);
    expect(log).toEqual(["0 please wait 3 seconds", "3 task is over"]);
  });

  it("4: gather(task(1), task(3)) prints both waits first, then finishes at t=3", () => {
    fresh();
    const result = loop.runUntilComplete(gather(task(1), task(3)));
    expect(result).toEqual(["task is over", "task is over"]);
    expect(log).toEqual(["0 please wait 1 seconds", "0 please wait 3 seconds"]);
    expect(loop.time()).toBe(3);
  });

  it("5: runForever returns once a task calls stop()", () => {
    fresh();
    loop.createTask(
      (function* () {
        yield* sleep(3);
        loop.stop();
      })(),
    );
    loop.runForever();
    expect(loop.time()).toBe(3);
  });

  it("6: stop() in gather's done callback does not truncate siblings in the batch", () => {
    fresh();
    const all = gather(task(1), task(3));
    all.addDoneCallback(() => {
      log.push(`${loop.time()} stop`);
      loop.stop();
    });
    all.addDoneCallback(() => log.push(`${loop.time()} sibling`));
    loop.runForever();
    expect(log).toEqual(["0 please wait 1 seconds", "0 please wait 3 seconds", "3 stop", "3 sibling"]);
  });
});
