import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { EventLoop } from "../src/index.ts";

/** A full collection, without starting the process with `--expose-gc`. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Heap bytes still held, per timer, by a loop holding `n` timers at `deadline(i)` (measured after full collections). */
function retainedPerTimer(gc: () => void, n: number, deadline: (i: number) => number): number {
  const callback = (): void => {};
  gc();
  const before = process.memoryUsage().heapUsed;
  const loop = new EventLoop();
  for (let i = 0; i < n; i++) loop.callAt(deadline(i), callback);
  gc();
  const after = process.memoryUsage().heapUsed;
  expect(loop.runUntilIdle()).toBeUndefined(); // keeps the loop (and its timers) alive until measured
  return (after - before) / n;
}

describe("a timer's deadline field (decision 0043)", () => {
  it("holds an integer deadline inline even after fractional deadlines were scheduled: no box per timer", () => {
    const gc = collector();
    const n = 100_000;
    // An integer deadline, then a fractional one: a number-only field starts as a small integer and
    // turns into a boxed double for every timer after.
    const first = new EventLoop();
    first.callAt(1, () => {});
    first.callAt(1.5, () => {});
    // Each kind is measured three times (the least kept): the first runs also keep their compiled code.
    const fractional = Math.min(...[0, 1, 2].map(() => retainedPerTimer(gc, n, (i) => i + 0.5)));
    const integer = Math.min(...[0, 1, 2].map(() => retainedPerTimer(gc, n, (i) => i)));
    // A fractional deadline needs a heap number (16 bytes on 64-bit, 12 with compressed pointers); an
    // integer one needs nothing, unless the field boxes every deadline. Same n: the arrays cancel out.
    expect(fractional - integer).toBeGreaterThan(8);
  });
});
