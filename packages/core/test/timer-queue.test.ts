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

  it("reports Infinity as the earliest deadline when empty", () => {
    expect(new TimerQueue().peekWhen()).toBe(Infinity);
  });
});
