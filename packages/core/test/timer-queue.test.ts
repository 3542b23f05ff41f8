import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventLoop, TimerHandle } from "../src/index.ts";
import { TimerQueue } from "../src/timer-queue.ts";

const loop = new EventLoop();
const make = (when: number, seq: number): TimerHandle =>
  new TimerHandle(loop, when, seq, 1, () => {}, undefined, undefined, null);

describe("TimerQueue", () => {
  it("pops timers in (when, seq) order, whatever the insertion order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (whens) => {
        const queue = new TimerQueue();
        const handles = whens.map((when, seq) => make(when, seq));
        for (const handle of handles) queue.push(handle);
        const popped: TimerHandle[] = [];
        while (queue.size > 0) popped.push(queue.pop());
        const expected = [...handles].sort((a, b) => a._when - b._when || a._seq - b._seq);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it("interleaves pushes and pops like a sorted list", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: -5, max: 5, noNaN: true }), { nil: undefined })), (ops) => {
        const queue = new TimerQueue();
        const model: TimerHandle[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op === undefined) {
            if (model.length === 0) continue;
            model.sort((a, b) => a._when - b._when || a._seq - b._seq);
            expect(queue.peekWhen()).toBe(model[0]?._when);
            expect(queue.pop()).toBe(model.shift());
          } else {
            const handle = make(op, seq++);
            queue.push(handle);
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
    for (const handle of handles) queue.push(handle);
    queue.retain((handle) => handle._seq % 3 !== 0);
    const popped: number[] = [];
    while (queue.size > 0) popped.push(queue.pop()._seq);
    const expected = handles
      .filter((h) => h._seq % 3 !== 0)
      .sort((a, b) => a._when - b._when || a._seq - b._seq)
      .map((h) => h._seq);
    expect(popped).toEqual(expected);
  });

  it("reports Infinity as the earliest deadline when empty", () => {
    expect(new TimerQueue().peekWhen()).toBe(Infinity);
  });
});
