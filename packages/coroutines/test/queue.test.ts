import { ArgumentError, EventLoop, type Coroutine, type Task } from "@simloop/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  QueueTaskDoneError,
  gather,
  gatherReturnExceptions,
  sleep,
} from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("Queue (asyncio rule 42)", () => {
  it("wakes one getter per put, FIFO, but lets get() barge past waiting getters (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      const q = new Queue<number>();
      function* getter(n: number): Coroutine<void> {
        const x = yield* q.get();
        t.note(`g${n} got ${x}`);
      }
      const ts = [0, 1].map((i) => t.loop.createTask(getter(i)));
      yield* sleep(0);
      q.putNowait(1);
      t.note(`main barged ${q.getNowait()}`);
      q.putNowait(2);
      q.putNowait(3);
      yield* gather(...ts);
    });
    expect(log).toEqual([
      [0, "main barged 1@2"],
      [0, "g0 got 2@3"],
      [0, "g1 got 3@3"],
    ]);
  });

  it("blocks put() while full and join() until every item is marked done (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      const q = new Queue<number>({ maxsize: 1 });
      function* producer(): Coroutine<void> {
        for (let i = 0; i < 3; i++) {
          yield* q.put(i);
          t.note(`put ${i}`);
        }
      }
      function* consumer(): Coroutine<void> {
        for (let i = 0; i < 3; i++) {
          yield* sleep(1);
          const x = yield* q.get();
          t.note(`get ${x}`);
          q.taskDone();
        }
      }
      const p = t.loop.createTask(producer());
      const c = t.loop.createTask(consumer());
      yield* q.join();
      t.note("joined");
      yield* gather(p, c);
    });
    expect(log).toEqual([
      [0, "joined@1"],
      [0, "put 0@2"],
      [1, "get 0@4"],
      [1, "put 1@5"],
      [2, "get 1@7"],
      [2, "put 2@8"],
      [3, "get 2@11"],
    ]);
  });

  it("raises QueueFull, QueueEmpty and QueueTaskDoneError from the non-blocking twins", () => {
    const q = new Queue<number>({ maxsize: 1 });
    expect(() => q.getNowait()).toThrow(QueueEmpty);
    q.putNowait(1);
    expect(() => q.putNowait(2)).toThrow(QueueFull);
    expect(q.statistics()).toEqual({
      qsize: 1,
      maxsize: 1,
      tasksWaitingPut: 0,
      tasksWaitingGet: 0,
      unfinishedTasks: 1,
      shutdown: false,
    });
    q.getNowait();
    q.taskDone();
    expect(() => q.taskDone()).toThrow(QueueTaskDoneError);
  });

  it("a getter cancelled after being woken passes the wake-up to the next getter", () => {
    scenario(function* (t) {
      const q = new Queue<string>();
      const got: string[] = [];
      function* getter(n: number): Coroutine<void> {
        got.push(`${n}:${yield* q.get()}`);
      }
      const ts = [0, 1].map((i) => t.loop.createTask(getter(i)));
      yield* sleep(0);
      q.putNowait("x");
      ts[0]?.cancel();
      yield* gatherReturnExceptions(...ts);
      expect(got).toEqual(["1:x"]);
      expect(q.qsize()).toBe(0);
    });
  });

  it("a putter cancelled after being woken passes the wake-up to the next putter", () => {
    scenario(function* (t) {
      const q = new Queue<string>({ maxsize: 1 });
      q.putNowait("a");
      const ts = ["b", "c"].map((x) => t.loop.createTask(q.put(x)));
      yield* sleep(0);
      expect(q.getNowait()).toBe("a");
      ts[0]?.cancel();
      yield* gatherReturnExceptions(...ts);
      expect(q.getNowait()).toBe("c");
      expect(q.empty()).toBe(true);
    });
  });

  it("shutdown() makes puts fail at once and gets fail once empty, waking blocked callers (asyncio 3.13)", () => {
    scenario(function* (t) {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(1);
      const blockedPut = t.loop.createTask(q.put(2));
      yield* sleep(0);
      q.shutdown();
      const [putResult] = yield* gatherReturnExceptions(blockedPut);
      expect(putResult).toBeInstanceOf(QueueShutDown);
      expect(() => q.putNowait(3)).toThrow(QueueShutDown);
      expect(yield* q.get()).toBe(1);
      try {
        yield* q.get();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(QueueShutDown);
      }
    });
  });

  it("shutdown(true) empties the queue, counts the items done for join(), and wakes blocked getters", () => {
    scenario(function* (t) {
      const q = new Queue<number>();
      const getter = t.loop.createTask(new Queue<number>().get());
      const empty = new Queue<number>();
      const blockedGet = t.loop.createTask(empty.get());
      q.putNowait(1);
      q.putNowait(2);
      const joiner = t.loop.createTask(q.join());
      yield* sleep(0);
      q.shutdown(true);
      empty.shutdown(true);
      expect(q.qsize()).toBe(0);
      yield* joiner;
      const [r] = yield* gatherReturnExceptions(blockedGet);
      expect(r).toBeInstanceOf(QueueShutDown);
      getter.cancel();
      yield* gatherReturnExceptions(getter);
    });
  });

  it("PriorityQueue pops in CPython heapq order and LifoQueue last-in first-out", () => {
    const pq = new PriorityQueue<[number, string]>();
    for (const item of [
      [3, "c"],
      [1, "a"],
      [2, "b"],
      [1, "A"],
    ] as [number, string][])
      pq.putNowait(item);
    expect([pq.getNowait(), pq.getNowait(), pq.getNowait(), pq.getNowait()]).toEqual([
      [1, "A"],
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
    const custom = new PriorityQueue<{ p: number }>({ compare: (a, b) => b.p - a.p });
    custom.putNowait({ p: 1 });
    custom.putNowait({ p: 5 });
    expect(custom.getNowait()).toEqual({ p: 5 });
    const lifo = new LifoQueue<number>();
    lifo.putNowait(1);
    lifo.putNowait(2);
    expect(lifo.getNowait()).toBe(2);
    const bad = new PriorityQueue<object>();
    bad.putNowait({});
    expect(() => bad.putNowait({})).toThrow(/Cannot order/);
  });

  it("never loses or duplicates an item under random cancellations of producers and consumers (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 30 }), who: fc.nat(9) }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        (maxsize, cancels, seed) => {
          const loop = new EventLoop({ unhandled: "throw", seed });
          const q = new Queue<number>({ maxsize });
          const putOk: number[] = [];
          const got: number[] = [];
          const tasks: Task<void>[] = [];
          for (let p = 0; p < 5; p++) {
            tasks.push(
              loop.createTask(
                (function* (): Coroutine<void> {
                  for (let i = 0; i < 4; i++) {
                    const item = p * 100 + i;
                    yield* sleep(loop.random.integer(0, 3));
                    yield* q.put(item);
                    putOk.push(item);
                  }
                })(),
              ),
            );
          }
          for (let c = 0; c < 5; c++) {
            tasks.push(
              loop.createTask(
                (function* (): Coroutine<void> {
                  for (;;) {
                    yield* sleep(loop.random.integer(0, 3));
                    got.push(yield* q.get());
                  }
                })(),
              ),
            );
          }
          for (const { at, who } of cancels) loop.callLater(at, () => tasks[who]?.cancel());
          loop.runUntilTime(60);
          for (const task of tasks) task.cancel();
          loop.runUntilIdle();
          const leftover: number[] = [];
          while (!q.empty()) leftover.push(q.getNowait());
          expect([...got, ...leftover].sort((a, b) => a - b)).toEqual([...putOk].sort((a, b) => a - b));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("Queue maxsize (issue 11 item 19)", () => {
  it("accepts a float maxsize as asyncio does: full once qsize() >= maxsize", () => {
    const q = new Queue<number>({ maxsize: 1.3 });
    q.putNowait(1);
    expect(q.full()).toBe(false);
    q.putNowait(2);
    expect(q.full()).toBe(true);
    expect(() => q.putNowait(3)).toThrow(QueueFull);
    expect(q.maxsize).toBe(1.3);
    const unbounded = new Queue<number>({ maxsize: Infinity });
    for (let i = 0; i < 100; i++) unbounded.putNowait(i);
    expect(unbounded.full()).toBe(false);
    expect(new Queue<number>({ maxsize: -0.5 }).full()).toBe(false);
  });

  it("refuses a maxsize that is not a number, or NaN, with an ArgumentError", () => {
    expect(() => new Queue({ maxsize: Number.NaN })).toThrow(ArgumentError);
    expect(() => new Queue({ maxsize: "2" as never })).toThrow(ArgumentError);
    expect(() => new PriorityQueue({ maxsize: Object.create(null) as never })).toThrow(ArgumentError);
  });
});
