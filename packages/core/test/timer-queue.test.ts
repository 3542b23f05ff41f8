import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventLoop, TimerHandle } from "../src/index.ts";
import { TimerQueue } from "../src/timer-queue.ts";

const loop = new EventLoop();
/** Each handle's insertion counter (the queue keeps it in its keys; handles no longer carry it). */
const seqOf = new Map<TimerHandle, number>();
const make = (when: number, seq: number): TimerHandle => {
  const handle = new TimerHandle(loop, when, 1, () => {}, undefined, undefined, null);
  seqOf.set(handle, seq);
  return handle;
};
const seq = (handle: TimerHandle): number => seqOf.get(handle) as number;
const push = (queue: TimerQueue, handle: TimerHandle): void => queue.push(handle, seq(handle));

describe("TimerQueue", () => {
  it("pops timers in (when, seq) order, whatever the insertion order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (whens) => {
        const queue = new TimerQueue();
        const handles = whens.map((when, seq) => make(when, seq));
        for (const handle of handles) push(queue, handle);
        const popped: TimerHandle[] = [];
        while (queue.size > 0) popped.push(queue.pop());
        const expected = [...handles].sort((a, b) => a._when - b._when || seq(a) - seq(b));
        expect(popped).toEqual(expected);
      }),
    );
  });

  it("interleaves pushes and pops like a sorted list", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: -5, max: 5, noNaN: true }), { nil: undefined })), (ops) => {
        const queue = new TimerQueue();
        const model: TimerHandle[] = [];
        let next = 0;
        for (const op of ops) {
          if (op === undefined) {
            if (model.length === 0) continue;
            model.sort((a, b) => a._when - b._when || seq(a) - seq(b));
            expect(queue.peekWhen()).toBe(model[0]?._when);
            expect(queue.peekSeq()).toBe(seq(model[0] as TimerHandle));
            expect(queue.pop()).toBe(model.shift());
          } else {
            const handle = make(op, next++);
            push(queue, handle);
            model.push(handle);
          }
          expect(queue.size).toBe(model.length);
        }
      }),
    );
  });

  it("retain keeps the heap order", () => {
    const queue = new TimerQueue();
    const handles = Array.from({ length: 50 }, (_, i) => make((i * 7) % 13, i));
    for (const handle of handles) push(queue, handle);
    queue.retain((handle) => seq(handle) % 3 !== 0);
    const popped: number[] = [];
    while (queue.size > 0) popped.push(seq(queue.pop()));
    const expected = handles
      .filter((h) => seq(h) % 3 !== 0)
      .sort((a, b) => a._when - b._when || seq(a) - seq(b))
      .map((h) => seq(h));
    expect(popped).toEqual(expected);
  });

  it("keeps a handed-back group as a front run: pops, peeks, retain and toArray see it in (when, seq) order", () => {
    // Ops: push a timer at `when`; pop; hand back the earliest group (pop every timer of the earliest
    // deadline, then restore them as the front run, as a deferring policy does); retain a third.
    const op = fc.oneof(
      fc.record({ push: fc.integer({ min: 0, max: 6 }) }),
      fc.constant("pop" as const),
      fc.constant("defer" as const),
      fc.constant("retain" as const),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const queue = new TimerQueue();
        let model: TimerHandle[] = [];
        let next = 0;
        // The timers of the front run not popped yet: a new group is handed back only once it is empty.
        let front = new Set<TimerHandle>();
        const sort = (): void => void model.sort((a, b) => a._when - b._when || seq(a) - seq(b));
        for (const o of ops) {
          if (typeof o === "object") {
            const handle = make(o.push, next++);
            push(queue, handle);
            model.push(handle);
          } else if (o === "pop") {
            if (model.length === 0) continue;
            sort();
            expect(queue.peek()).toBe(model[0]);
            expect(queue.peekWhen()).toBe(model[0]?._when);
            const popped = queue.pop();
            expect(popped).toBe(model.shift());
            front.delete(popped);
          } else if (o === "defer") {
            if (model.length === 0 || front.size > 0) continue;
            sort();
            const when = (model[0] as TimerHandle)._when;
            const group: TimerHandle[] = [];
            while (queue.size > 0 && queue.peekWhen() === when) group.push(queue.pop());
            expect(group).toEqual(model.filter((h) => h._when === when));
            queue.restoreFront(group);
            front = new Set(group);
          } else {
            queue.retain((handle) => seq(handle) % 3 !== 0);
            model = model.filter((handle) => seq(handle) % 3 !== 0);
            front = new Set();
          }
          expect(queue.size).toBe(model.length);
          expect(new Set(queue.toArray())).toEqual(new Set(model));
        }
        sort();
        const rest: TimerHandle[] = [];
        while (queue.size > 0) rest.push(queue.pop());
        expect(rest).toEqual(model);
      }),
    );
  });

  it("gives the front run back whole, the same array, when its head is the earliest timer", () => {
    const queue = new TimerQueue();
    const group = [make(3, 1), make(3, 2), make(3, 3)];
    queue.restoreFront(group);
    push(queue, make(3, 10)); // same deadline, pushed later: after the front run
    push(queue, make(5, 11));
    expect(queue.takeFront()).toBe(group);
    expect(queue.takenMaybeCancelled).toBe(false);
    expect(queue.size).toBe(2);
    expect(seq(queue.pop())).toBe(10);
  });

  it("does not give the front run back while an earlier timer waits, and says when a timer was cancelled since", () => {
    const queue = new TimerQueue();
    queue.restoreFront([make(3, 1), make(3, 2)]);
    push(queue, make(2, 12)); // earlier deadline (a callAt in the past): comes first
    expect(queue.takeFront()).toBeNull();
    expect(seq(queue.pop())).toBe(12);
    queue.cancels++;
    expect(queue.takeFront()).not.toBeNull();
    expect(queue.takenMaybeCancelled).toBe(true);
  });

  it("reports Infinity as the earliest deadline when empty", () => {
    expect(new TimerQueue().peekWhen()).toBe(Infinity);
  });
});
