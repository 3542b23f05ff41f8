import { describe, expect, it } from "vitest";
import { ArgumentError, EventLoop, type Coroutine, type Future } from "../src/index.ts";

/**
 * Issue 11 item 5: the failed futures and tasks whose exception nobody retrieved are kept in a bounded
 * list; the ones beyond the bound are counted, not kept.
 */
describe("unretrieved exceptions", () => {
  it("keeps the first maxUnretrieved and counts the rest", () => {
    const loop = new EventLoop({ maxUnretrieved: 3 });
    const futures: Future<number>[] = [];
    for (let i = 0; i < 5; i++) {
      const fut = loop.createFuture<number>(`f${i}`);
      fut.setException(new Error(`e${i}`));
      futures.push(fut);
    }
    expect(loop.unretrievedFutures().map((f) => f.label)).toEqual(["f0", "f1", "f2"]);
    expect(loop.unretrievedDropped).toBe(2);
  });

  it("a dropped one that is retrieved later no longer counts, and a kept one that is retrieved makes room", () => {
    const loop = new EventLoop({ maxUnretrieved: 2 });
    const futures: Future<number>[] = [];
    for (let i = 0; i < 4; i++) {
      const fut = loop.createFuture<number>(`f${i}`);
      fut.setException(new Error(`e${i}`));
      futures.push(fut);
    }
    futures[3]?.exception(); // dropped, now retrieved
    expect(loop.unretrievedDropped).toBe(1);
    futures[0]?.exception(); // kept, now retrieved
    expect(loop.unretrievedFutures().map((f) => f.label)).toEqual(["f1"]);
    const late = loop.createFuture<number>("late");
    late.setException(new Error("late"));
    expect(loop.unretrievedFutures().map((f) => f.label)).toEqual(["f1", "late"]);
    expect(loop.unretrievedDropped).toBe(1);
    futures[2]?.exception();
    expect(loop.unretrievedDropped).toBe(0);
  });

  it("is bounded by default: 5,000 failed tasks keep 1,000", () => {
    const loop = new EventLoop();
    function* failing(i: number): Coroutine<never> {
      throw new Error(`task ${i}`);
    }
    for (let i = 0; i < 5_000; i++) loop.createTask(failing(i));
    loop.runUntilIdle();
    expect(loop.unretrievedFutures().length).toBe(1_000);
    expect(loop.unretrievedDropped).toBe(4_000);
  });

  it("maxUnretrieved must be a non-negative integer or Infinity", () => {
    expect(() => new EventLoop({ maxUnretrieved: -1 })).toThrow(ArgumentError);
    expect(() => new EventLoop({ maxUnretrieved: 1.5 })).toThrow(ArgumentError);
    expect(() => new EventLoop({ maxUnretrieved: Number.NaN })).toThrow(ArgumentError);
    const unbounded = new EventLoop({ maxUnretrieved: Infinity });
    for (let i = 0; i < 1_500; i++) unbounded.createFuture().setException(new Error("x"));
    expect(unbounded.unretrievedFutures().length).toBe(1_500);
    const none = new EventLoop({ maxUnretrieved: 0 });
    none.createFuture().setException(new Error("x"));
    expect(none.unretrievedFutures().length).toBe(0);
    expect(none.unretrievedDropped).toBe(1);
  });
});
