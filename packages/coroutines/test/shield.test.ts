import { CancelledError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { shield, sleep } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("shield (asyncio rule 36)", () => {
  it("cancelling the awaiter cancels only the outer future; the inner task runs to completion", () => {
    const log = scenario(function* (t) {
      function* inner(): Coroutine<number> {
        yield* sleep(2);
        t.note("inner done");
        return 5;
      }
      const task = t.loop.createTask(inner());
      function* waiter(): Coroutine<void> {
        try {
          yield* shield(task);
        } catch (e) {
          if (e instanceof CancelledError) t.note("waiter cancelled");
          throw e;
        }
      }
      const w = t.loop.createTask(waiter());
      yield* sleep(1);
      w.cancel();
      yield* sleep(0);
      t.note(`w cancelled ${w.cancelled()} t done ${task.done()}`);
      const r = yield* task;
      t.note(`t ${r}`);
    });
    expect(log).toEqual([
      [1, "waiter cancelled@5"],
      [1, "w cancelled true t done false@5"],
      [2, "inner done@7"],
      [2, "t 5@8"],
    ]);
  });

  it("returns a future that is already done itself", () => {
    scenario(function* (t) {
      const f = t.loop.createFuture<number>();
      f.setResult(1);
      expect(shield(f)).toBe(f);
      yield* sleep(0);
    });
  });

  it("cancels the outer future when the inner one is cancelled by other means", () => {
    scenario(function* (t) {
      const inner = t.loop.createTask(sleep(5));
      const outer = shield(inner);
      inner.cancel();
      try {
        yield* outer;
      } catch (e) {
        expect(e).toBeInstanceOf(CancelledError);
      }
      expect(outer.cancelled()).toBe(true);
    });
  });
});
