import { TimeoutError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { asCompleted, sleep } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("asCompleted", () => {
  it("gives results in completion order and TimeoutError for the rest after the timeout (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      function* job(d: number): Coroutine<number> {
        yield* sleep(d);
        return d;
      }
      for (const next of asCompleted([job(3), job(1), job(2), job(9)], { timeout: 5 })) {
        try {
          t.note(`got ${yield* next}`);
        } catch (e) {
          if (!(e instanceof TimeoutError)) throw e;
          t.note("timeout");
        }
      }
    });
    expect(log).toEqual([
      [1, "got 1@6"],
      [2, "got 2@10"],
      [3, "got 3@14"],
      [5, "timeout@16"],
    ]);
  });

  it("does nothing until iterated, then wraps coroutines in tasks in argument order", () => {
    scenario(function* (t) {
      const it = asCompleted([sleep(1, "a"), sleep(1, "b")]);
      expect(t.loop.allTasks().size).toBe(1);
      const first = it.next();
      const names = [...t.loop.allTasks()].map((task) => task.getName());
      expect(names).toEqual(["Task-1", "Task-2", "Task-3"]);
      expect(yield* first.value as Coroutine<string>).toBe("a");
      expect(yield* it.next().value as Coroutine<string>).toBe("b");
      expect(it.next().done).toBe(true);
    });
  });
});
