import { describe, expect, it } from "vitest";
import { EventLoop, Future, type Coroutine, type Instrument } from "../src/index.ts";
import { WaitableTimer } from "../src/waitable-timer.ts";

function recorder(loop: EventLoop, log: string[]): Instrument {
  return {
    scheduled: (h) => log.push(`scheduled ${h.kind} ${h.label}`),
    beforeDispatch: (h) => log.push(`before ${h.kind} ${h.label} @${loop.iteration}`),
    afterDispatch: (h) => log.push(`after ${h.kind} ${h.label}`),
    futureDone: (f) => log.push(`done ${f.toString()}`),
    beforeTaskStep: (t) => log.push(`step ${t.getName()}`),
    afterTaskStep: (t) => log.push(`stepped ${t.getName()}`),
  };
}

describe("instruments (the loop's observation hook)", () => {
  it("see scheduling, dispatches, task steps, future completions and a sleep's timer", () => {
    const log: string[] = [];
    const loop = new EventLoop();
    loop.addInstrument(recorder(loop, log));
    const future = new Future<number>(loop, "plain");
    function* main(): Coroutine<number> {
      yield* new WaitableTimer(1, undefined);
      return yield* future;
    }
    loop.createTask(main(), { name: "t" });
    loop.callLater(2, function settle() {
      future.setResult(7);
    });
    loop.runUntilIdle();
    expect(log).toEqual([
      "scheduled step t",
      "scheduled timer settle",
      "before step t @1",
      "step t",
      "scheduled timer setResultUnlessCancelled",
      "stepped t",
      "after step t",
      "before timer setResultUnlessCancelled @2",
      "scheduled step t",
      "after timer setResultUnlessCancelled",
      "before step t @3",
      "step t",
      "stepped t",
      "after step t",
      "before timer settle @4",
      "done <Future fulfilled plain>",
      "scheduled step t",
      "after timer settle",
      "before step t @5",
      "step t",
      "done <Task fulfilled name='t'>",
      "stepped t",
      "after step t",
    ]);
  });

  it("can be removed, are added once, and leave the trace (itself an instrument) working", () => {
    const log: string[] = [];
    const loop = new EventLoop({ trace: true });
    const instrument = recorder(loop, log);
    loop.addInstrument(instrument);
    loop.addInstrument(instrument);
    loop.callSoon(function a() {});
    loop.runUntilIdle();
    expect(log.filter((line) => line.startsWith("before"))).toEqual(["before callback a @1"]);
    expect(loop.removeInstrument(instrument)).toBe(true);
    expect(loop.removeInstrument(instrument)).toBe(false);
    loop.callSoon(function b() {});
    loop.runUntilIdle();
    expect(log.filter((line) => line.startsWith("before"))).toEqual(["before callback a @1"]);
    expect(loop.trace?.events().map((e) => e.label)).toEqual(["a", "b"]);
  });

  it("come from the instruments option too, and a non-object is refused", () => {
    const log: string[] = [];
    const loop: EventLoop = new EventLoop({ instruments: [{ beforeDispatch: (h) => log.push(h.label) }] });
    loop.callSoon(function hello() {});
    loop.runUntilIdle();
    expect(log).toEqual(["hello"]);
    expect(() => loop.addInstrument(null as never)).toThrow(/instrument object/);
  });
  it("are told when a task is created, once its first step is scheduled (Trio's task_spawned)", () => {
    const log: string[] = [];
    const loop = new EventLoop({
      instruments: [
        { scheduled: (h) => log.push(`scheduled ${h.kind}`), taskCreated: (t) => log.push(`created ${t.getName()}`) },
      ],
    });
    loop.createTask((function* () {})(), { name: "worker" });
    expect(log).toEqual(["scheduled step", "created worker"]);
  });
});
