import { CancelledError, TimeoutError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { sleep, waitFor } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("waitFor (asyncio rule 34)", () => {
  it("cancels the inner task on timeout and waits for its cleanup before raising TimeoutError", () => {
    const log = scenario(function* (t) {
      function* inner(): Coroutine<void> {
        try {
          t.note("inner start");
          yield* sleep(10);
          t.note("inner end");
        } finally {
          t.note("inner cleanup");
          yield* sleep(1);
          t.note("inner cleaned");
        }
      }
      try {
        yield* waitFor(inner(), 2);
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        expect(e.cause).toBeInstanceOf(CancelledError);
        t.note("timeout");
      }
    });
    expect(log).toEqual([
      [0, "inner start@2"],
      [2, "inner cleanup@5"],
      [3, "inner cleaned@7"],
      [3, "timeout@9"],
    ]);
  });

  it("cancels at once when the timeout is <= 0, before the inner task ever runs", () => {
    const log = scenario(function* (t) {
      function* inner(): Coroutine<number> {
        t.note("inner ran");
        return 1;
      }
      try {
        yield* waitFor(inner(), 0);
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        t.note("timeout");
      }
    });
    expect(log).toEqual([[0, "timeout@4"]]);
  });

  it("returns the value of an inner task that swallows the cancellation", () => {
    const log = scenario(function* (t) {
      function* inner(): Coroutine<string | undefined> {
        try {
          yield* sleep(10);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          t.note("swallow");
          return "late";
        }
        return undefined;
      }
      const r = yield* waitFor(inner(), 1);
      t.note(`got ${String(r)}`);
    });
    expect(log).toEqual([
      [1, "swallow@5"],
      [1, "got late@7"],
    ]);
  });

  it("returns the result when the inner task finishes first", () => {
    const log = scenario(function* (t) {
      const r = yield* waitFor(sleep(1, "v"), 5);
      t.note(`got ${r}`);
    });
    expect(log).toEqual([[1, "got v@6"]]);
  });

  it("with a null timeout runs a coroutine inline, with no task and no extra iteration", () => {
    const log = scenario(function* (t) {
      const r = yield* waitFor(sleep(1, "v"), null);
      t.note(`got ${r} tasks=${t.loop.allTasks().size}`);
    });
    expect(log).toEqual([[1, "got v tasks=1@3"]]);
  });

  it("cancels and waits for the inner task when the caller is cancelled (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      function* inner(): Coroutine<void> {
        try {
          yield* sleep(10);
        } finally {
          t.note("inner finally");
        }
      }
      const caller = t.loop.createTask(waitFor(inner(), 5));
      yield* sleep(1);
      caller.cancel();
      try {
        yield* caller;
      } catch (e) {
        t.note(`caller ${e instanceof CancelledError ? "cancelled" : String(e)}`);
      }
    });
    expect(log).toEqual([
      [1, "inner finally@7"],
      [1, "caller cancelled@10"],
    ]);
  });

  it("refuses a non-finite timeout with an argument error", () => {
    const log = scenario(function* (t) {
      try {
        yield* waitFor(sleep(1), Number.NaN);
      } catch (e) {
        t.note((e as Error).name);
      }
    });
    expect(log).toEqual([[0, "ArgumentError@1"]]);
  });
});
