import { EventLoop, LoopRunningError, getEventLoop, setEventLoop, type Coroutine } from "@simloop/core";
import { afterEach, describe, expect, it } from "vitest";
import { UnhandledErrorsError } from "@simloop/core";
import { run, sleep } from "../src/index.ts";

afterEach(() => setEventLoop(null));

describe("run (asyncio.run)", () => {
  it("runs main, cancels leftover tasks and runs the loop until they finish, then closes the loop (asyncio's trace)", () => {
    const log: [number, string][] = [];
    let loop: EventLoop | undefined;
    const note = (label: string): void => {
      log.push([loop?.time() ?? -1, `${label}@${loop?.iteration ?? -1}`]);
    };
    function* leftover(n: number): Coroutine<void> {
      try {
        yield* sleep(100);
      } finally {
        note(`leftover ${n} finally`);
      }
    }
    function* main(): Coroutine<number> {
      loop = getEventLoop();
      loop.createTask(leftover(1));
      loop.createTask(leftover(2));
      yield* sleep(1);
      note("main done");
      return 7;
    }
    const r = run(main(), { unhandled: "throw" });
    note(`result ${r}`);
    expect(log).toEqual([
      [1, "main done@4"],
      [1, "leftover 1 finally@6"],
      [1, "leftover 2 finally@6"],
      [1, "result 7@12"],
    ]);
    expect(loop?.isClosed()).toBe(true);
  });

  it("reports an exception never retrieved, which fails the run with unhandled: throw", () => {
    function* main(): Coroutine<void> {
      const loop = getEventLoop();
      loop.createTask(
        (function* (): Coroutine<void> {
          throw new RangeError("lost");
        })(),
      );
      yield* sleep(1);
    }
    expect(() => run(main(), { unhandled: "throw" })).toThrow(UnhandledErrorsError);
    const contexts: string[] = [];
    run(main(), {
      onLoop: (l) =>
        l.setExceptionHandler((_l, ctx) => contexts.push(`${ctx.message}: ${(ctx.exception as Error).message}`)),
    });
    expect(contexts).toEqual(["Task exception was never retrieved: lost"]);
  });

  it("says how many unretrieved exceptions the loop did not keep (maxUnretrieved, issue 11 item 5)", () => {
    function* main(): Coroutine<void> {
      const loop = getEventLoop();
      for (let i = 0; i < 5; i++) {
        loop.createTask(
          (function* (): Coroutine<void> {
            throw new RangeError(`lost ${i}`);
          })(),
        );
      }
      yield* sleep(1);
    }
    const contexts: string[] = [];
    run(main(), {
      maxUnretrieved: 2,
      onLoop: (l) =>
        l.setExceptionHandler((_l, ctx) =>
          contexts.push(
            ctx.exception === undefined ? ctx.message : `${ctx.message}: ${(ctx.exception as Error).message}`,
          ),
        ),
    });
    expect(contexts).toEqual([
      "Task exception was never retrieved: lost 0",
      "Task exception was never retrieved: lost 1",
      "3 more futures or tasks failed with an exception that was never retrieved (not listed: the loop's maxUnretrieved option bounds the list)",
    ]);
  });

  it("throws what main throws, and refuses to run inside a running loop", () => {
    function* failing(): Coroutine<void> {
      yield* sleep(1);
      throw new RangeError("main failed");
    }
    expect(() => run(failing(), { unhandled: "throw" })).toThrow("main failed");
    function* nested(): Coroutine<void> {
      expect(() => run(sleep(1))).toThrow(LoopRunningError);
      yield* sleep(0);
    }
    run(nested(), { unhandled: "throw" });
  });
});
