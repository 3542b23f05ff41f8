import { EventLoop, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { gather, gatherReturnExceptions, sleep, type GatheringFuture } from "../src/index.ts";

/** Runs `make()` (which calls gather) inside the loop, as a program would, and returns its result. */
function within<T>(loop: EventLoop, make: () => Coroutine<T>): T {
  return loop.runUntilComplete(make());
}

function* value<T>(delay: number, result: T, log: string[]): Coroutine<T> {
  log.push(`start ${String(result)}`);
  yield* sleep(delay);
  return result;
}

describe("gather (asyncio rules C28–C33; the ordering itself is pinned by the conformance scenarios)", () => {
  it("returns the results in argument order, whatever order the children finish in", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const results = within(loop, function* () {
      return yield* gather(value(3, "a", log), value(1, "b", log), value(2, "c", log));
    });
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "start b", "start c"]);
    expect(loop.time()).toBe(3);
  });

  it.each([
    ["a few arguments (matched by a scan)", 5],
    ["many arguments (matched through a map)", 12],
  ])("awaits an awaitable passed twice once, and repeats its result: %s", (_, count) => {
    const loop = new EventLoop();
    const log: string[] = [];
    const shared = loop.createTask(value(1, "shared", log));
    const coroutine = value(2, "coro", log);
    const args = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? shared : i % 3 === 1 ? coroutine : i));
    const results = within(loop, function* () {
      const outer = gather(
        ...args.map((arg) => (typeof arg === "number" ? value(0, arg, log) : arg)),
      ) as GatheringFuture<unknown[]>;
      // The task passed several times is one child; so is the coroutine (one task); then each number's.
      expect(outer.children().filter((child) => child === shared)).toHaveLength(Math.ceil(count / 3));
      expect(new Set(outer.children()).size).toBe(2 + Math.floor(count / 3));
      return yield* outer;
    });
    expect(results).toEqual(args.map((arg) => (arg === shared ? "shared" : arg === coroutine ? "coro" : arg)));
    expect(log.filter((line) => line === "start coro")).toHaveLength(1);
  });

  it("fails at the first failure, and the other children keep running", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    function* failing(): Coroutine<never> {
      yield* sleep(1);
      throw new Error("boom");
    }
    const slow = loop.createTask(value(5, "slow", log));
    expect(() =>
      within(loop, function* () {
        return yield* gather(failing(), slow);
      }),
    ).toThrow("boom");
    expect(loop.time()).toBe(1);
    expect(slow.done()).toBe(false);
    expect(loop.runUntilComplete(slow)).toBe("slow");
  });

  it("with gatherReturnExceptions, returns failures in place of results", () => {
    const loop = new EventLoop();
    function* failing(): Coroutine<never> {
      yield* sleep(1);
      throw new Error("boom");
    }
    const results = within(loop, function* () {
      return yield* gatherReturnExceptions(failing(), value(2, 7, []));
    });
    expect(results[0]).toBeInstanceOf(Error);
    expect(results[1]).toBe(7);
  });

  it("of nothing is an already finished future with an empty list", () => {
    const loop = new EventLoop();
    loop.runUntilComplete(
      (function* (): Coroutine<void> {
        const outer = gather();
        expect(outer.done()).toBe(true);
        expect(yield* outer).toEqual([]);
      })(),
    );
  });
});
