import { type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { sleep, wait } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("wait (asyncio rule 35)", () => {
  it("returns at the first completion, the first exception, the timeout and all completed, never raising", () => {
    const log = scenario(function* (t) {
      function* job(n: number, d: number): Coroutine<number> {
        yield* sleep(d);
        t.note(`job ${n} done`);
        if (n === 2) throw new Error("x");
        return n;
      }
      const a = t.loop.createTask(job(1, 3));
      const b = t.loop.createTask(job(2, 1));
      const c = t.loop.createTask(job(3, 2));
      let r = yield* wait([a, b, c], { returnWhen: "FIRST_COMPLETED" });
      t.note(`first ${r.done.size} ${r.pending.size}`);
      r = yield* wait([a, b, c], { returnWhen: "FIRST_EXCEPTION" });
      t.note(`exc ${r.done.size} ${r.pending.size}`);
      r = yield* wait([a, c], { timeout: 1.5 });
      t.note(`timeout ${r.done.size} ${r.pending.size}`);
      r = yield* wait([a, b, c]);
      t.note(`all ${r.done.size} ${r.pending.size}`);
      r = yield* wait([a, b, c]);
      t.note(`again ${r.done.size} ${r.pending.size}`);
    });
    expect(log).toEqual([
      [1, "job 2 done@4"],
      [1, "first 1 2@6"],
      [1, "exc 1 2@8"],
      [2, "job 3 done@10"],
      [2.5, "timeout 1 1@13"],
      [3, "job 1 done@16"],
      [3, "all 3 0@18"],
      [3, "again 3 0@20"],
    ]);
  });

  it("returns insertion-ordered sets of the very futures given, duplicates removed", () => {
    scenario(function* (t) {
      const a = t.loop.createTask(sleep(2, "a"));
      const b = t.loop.createTask(sleep(1, "b"));
      const { done, pending } = yield* wait([a, b, a], { returnWhen: "FIRST_COMPLETED" });
      expect([...done]).toEqual([b]);
      expect([...pending]).toEqual([a]);
      const all = yield* wait([b, a]);
      expect([...all.done]).toEqual([b, a]);
    });
  });

  it("refuses coroutines, empty lists and unknown returnWhen values, as asyncio 3.11 does", () => {
    const log = scenario(function* (t) {
      for (const bad of [
        () => wait([sleep(1)] as never),
        () => wait([]),
        () => wait([t.loop.createFuture()], { returnWhen: "SOMETIMES" as never }),
      ]) {
        try {
          yield* bad();
        } catch (e) {
          t.note((e as Error).name);
        }
      }
    });
    expect(log.map(([, l]) => l)).toEqual(["ArgumentError@1", "ArgumentError@1", "ArgumentError@1"]);
  });
});
