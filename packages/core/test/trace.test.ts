import { describe, expect, it } from "vitest";
import { EventLoop, Trace, type Coroutine } from "../src/index.ts";
import { nap } from "./helpers.ts";

describe("the trace", () => {
  it("is off by default", () => {
    expect(new EventLoop().trace).toBeNull();
  });

  it("records every dispatch with time, iteration, kind, source and label, and who woke each step", () => {
    const loop = new EventLoop({ trace: true });
    function* worker(): Coroutine<void> {
      yield* nap(1);
      loop.callSoon(function reply() {});
    }
    const task = loop.createTask(worker(), { name: "worker" });
    task.addDoneCallback(function finished() {});
    loop.callLater(0.5, function tick() {});
    loop.note("hello", { n: 1 });
    loop.runUntilIdle();
    expect(loop.trace?.events().map(({ index: _i, ...rest }) => rest)).toEqual([
      { time: 0, iteration: 0, kind: "note", source: "main", label: "hello", detail: { n: 1 } },
      { time: 0, iteration: 1, kind: "step", source: "worker", label: "worker", cause: "main" },
      { time: 0.5, iteration: 2, kind: "timer", source: "main", label: "tick" },
      { time: 1, iteration: 3, kind: "timer", source: "worker", label: "<anonymous>" },
      { time: 1, iteration: 4, kind: "step", source: "worker", label: "worker", cause: "<anonymous> (worker)" },
      { time: 1, iteration: 5, kind: "callback", source: "worker", label: "reply" },
      { time: 1, iteration: 5, kind: "done", source: "worker", label: "finished" },
    ]);
  });

  it("keeps only the last `limit` events when limited, counting all", () => {
    const trace = new Trace({ limit: 3 });
    for (let i = 0; i < 5; i++) trace.record({ time: i, iteration: i, kind: "note", source: "main", label: `e${i}` });
    expect(trace.count).toBe(5);
    expect(trace.events().map((e) => e.label)).toEqual(["e2", "e3", "e4"]);
    expect(trace.events().map((e) => e.index)).toEqual([2, 3, 4]);
  });

  it("notifies subscribers until they unsubscribe", () => {
    const loop = new EventLoop({ trace: true });
    const seen: string[] = [];
    const stop = loop.trace?.subscribe((e) => seen.push(e.label));
    loop.callSoon(function one() {});
    loop.runUntilIdle();
    stop?.();
    loop.callSoon(function two() {});
    loop.runUntilIdle();
    expect(seen).toEqual(["one"]);
  });
});
