import { EventLoop, type Coroutine, type Task } from "@simloop/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FilterStore, PriorityStore, Store, gatherReturnExceptions, sleep } from "../../src/index.ts";
import { scenario } from "../support/trace.ts";

const strip = (log: [number, string][]): [number, string][] => log.map(([t, l]) => [t, l.replace(/@\d+$/, "")]);

describe("Store", () => {
  it("blocks puts while full and gets while empty, FIFO on both sides", () => {
    const log = scenario(function* (t) {
      const store = new Store<string>({ capacity: 1 });
      function* producer(): Coroutine<void> {
        for (const item of ["a", "b", "c"]) {
          yield* store.put(item);
          t.note(`put ${item}`);
        }
      }
      function* consumer(n: number): Coroutine<void> {
        yield* sleep(n + 1);
        const item = yield* store.get();
        t.note(`c${n} got ${item}`);
      }
      yield* gatherReturnExceptions(producer(), consumer(0), consumer(1), consumer(2));
      const s = store.statistics();
      expect(s.put.wait).toEqual({ count: 3, mean: 2 / 3, max: 1 }); // b and c each waited 1
      expect(s.meanItems).toBeCloseTo(1, 12);
    });
    expect(strip(log)).toEqual([
      [0, "put a"],
      [1, "c0 got a"],
      [1, "put b"],
      [2, "c1 got b"],
      [2, "put c"],
      [3, "c2 got c"],
    ]);
  });

  it("puts an item back at the front when its get was granted to a task cancelled before it resumed", () => {
    scenario(function* (t) {
      const store = new Store<number>();
      const getter = t.loop.createTask(store.get() as unknown as Coroutine<number>);
      const g = t.loop.createTask(
        (function* (): Coroutine<number> {
          return yield* store.get();
        })(),
      );
      yield* sleep(0);
      store.put(1);
      g.cancel();
      yield* gatherReturnExceptions(g);
      expect(store.items).toEqual([1]);
      getter.cancel();
    });
  });

  it("FilterStore lets a later getter take a matching item past an earlier one that matches nothing", () => {
    const log = scenario(function* (t) {
      const parts = new FilterStore<{ kind: string }>();
      function* want(kind: string): Coroutine<void> {
        const p = yield* parts.get((x) => x.kind === kind);
        t.note(`got ${p.kind}`);
      }
      const a = t.loop.createTask(want("nut"));
      const b = t.loop.createTask(want("bolt"));
      yield* sleep(1);
      yield* parts.put({ kind: "bolt" });
      yield* sleep(1);
      yield* parts.put({ kind: "nut" });
      yield* gatherReturnExceptions(a, b);
    });
    expect(strip(log)).toEqual([
      [1, "got bolt"],
      [2, "got nut"],
    ]);
  });

  it("PriorityStore gives the smallest item first", () => {
    scenario(function* () {
      const jobs = new PriorityStore<[number, string]>();
      yield* jobs.put([2, "later"]);
      yield* jobs.put([1, "first"]);
      yield* jobs.put([3, "last"]);
      expect((yield* jobs.get())[1]).toBe("first");
      expect((yield* jobs.get())[1]).toBe("later");
    });
  });

  it("never loses or duplicates an item under random cancellations and interrupts (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 30 }), who: fc.nat(7), how: fc.boolean() }), {
          maxLength: 10,
        }),
        fc.integer({ min: 0, max: 1000 }),
        (capacity, faults, seed) => {
          const loop = new EventLoop({ unhandled: "throw", seed });
          const store = new Store<number>({ capacity, loop });
          const putOk: number[] = [];
          const got: number[] = [];
          const tasks: Task<void>[] = [];
          for (let p = 0; p < 4; p++) {
            tasks.push(
              loop.createTask(
                (function* (): Coroutine<void> {
                  for (let i = 0; i < 4; i++) {
                    yield* sleep(loop.random.integer(0, 3));
                    const item = p * 100 + i;
                    const put = store.put(item);
                    try {
                      yield* put;
                    } catch (e) {
                      if (put.state === "fulfilled") putOk.push(item);
                      throw e;
                    }
                    putOk.push(item);
                  }
                })(),
              ),
            );
          }
          for (let c = 0; c < 4; c++) {
            tasks.push(
              loop.createTask(
                (function* (): Coroutine<void> {
                  for (;;) {
                    try {
                      yield* sleep(loop.random.integer(0, 3));
                      got.push(yield* store.get());
                    } catch (e) {
                      if (!(e instanceof Error && e.name === "Interrupt")) throw e;
                    }
                  }
                })(),
              ),
            );
          }
          for (const { at, who, how } of faults) {
            loop.callLater(at, () => {
              const task = tasks[who] as Task<void>;
              if (task.done()) return;
              if (how && who >= 4) task.interrupt("fault");
              else task.cancel();
            });
          }
          loop.runUntilTime(60);
          for (const task of tasks) task.cancel();
          loop.runUntilIdle();
          for (const task of tasks) if (!task.cancelled()) task.exception();
          expect([...got, ...store.items].sort((a, b) => a - b)).toEqual([...putOk].sort((a, b) => a - b));
        },
      ),
      { numRuns: 150 },
    );
  });
});
