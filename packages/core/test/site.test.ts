import { describe, expect, it } from "vitest";
import { EventLoop, describeSite, siteOf, WaitableTimer, taskSiteOf, type Coroutine } from "../src/index.ts";

function* deposit(): Coroutine<void> {
  yield* new WaitableTimer(1, undefined);
  getLoop().callSoon(function flush() {});
}

let current: EventLoop | null = null;
function getLoop(): EventLoop {
  return current as EventLoop;
}

function* program(loop: EventLoop): Coroutine<void> {
  loop.callLater(0.5, function tick() {});
  const a = loop.createTask(deposit());
  const b = loop.createTask(deposit());
  yield* a;
  yield* b;
}

function run(trace: boolean | { sites: boolean }): EventLoop {
  const loop = new EventLoop({ trace });
  current = loop;
  loop.runUntilComplete(program(loop));
  current = null;
  return loop;
}

describe("sites: where the user's code asked for each timer, callback and task", () => {
  it("are off unless the trace asks for them", () => {
    expect(run(true).trace?.sites).toBeNull();
    expect(
      run(true)
        .trace?.events()
        .some((e) => e.site !== undefined),
    ).toBe(false);
  });

  it("name a sleep, a timer and a callback by the call and the user's function and line", () => {
    const events = run({ sites: true }).trace?.events() ?? [];
    const sites = events.filter((e) => e.site !== undefined).map((e) => `${e.kind} ${e.site} (${e.source})`);
    expect(sites).toEqual([
      expect.stringMatching(/^timer callLater\(0\.5, tick\) in program \(site\.test\.ts:15\) \(Task-1\)$/),
      expect.stringMatching(/^timer sleep\(1\) in deposit \(site\.test\.ts:5\) \(Task-2\)$/),
      expect.stringMatching(/^timer sleep\(1\) in deposit \(site\.test\.ts:5\) \(Task-3\)$/),
      expect.stringMatching(/^callback callSoon\(flush\) in deposit \(site\.test\.ts:6\) \(Task-2\)$/),
      expect.stringMatching(/^callback callSoon\(flush\) in deposit \(site\.test\.ts:6\) \(Task-3\)$/),
    ]);
  });

  it("tell each task's generator function, who created it, where, and its place in a row of creations", () => {
    const loop = run({ sites: true });
    expect(loop.trace?.sites?.tasks()).toEqual([
      expect.objectContaining({ name: "Task-1", fn: "program", via: "runUntilComplete", parent: null, nth: 1 }),
      {
        name: "Task-2",
        fn: "deposit",
        via: "createTask",
        creator: "program",
        at: "site.test.ts:16",
        parent: "Task-1",
        nth: 1,
      },
      {
        name: "Task-3",
        fn: "deposit",
        via: "createTask",
        creator: "program",
        at: "site.test.ts:17",
        parent: "Task-1",
        nth: 1,
      },
    ]);
  });

  it("are looked up by handle and by task", () => {
    const loop = new EventLoop({ trace: { sites: true } });
    const handle = loop.callLater(1, function later() {});
    expect(siteOf(handle)).toEqual({
      call: "callLater(1, later)",
      fn: "",
      at: expect.stringMatching(/^site\.test\.ts:\d+$/),
      task: null,
    });
    expect(describeSite(siteOf(handle)!)).toMatch(/^callLater\(1, later\) \(site\.test\.ts:\d+\)$/);
    const task = loop.createTask(deposit(), { name: "depositor" });
    expect(taskSiteOf(task)).toMatchObject({ name: "depositor", via: "createTask", parent: null });
    expect(siteOf(new EventLoop({ trace: true }).callSoon(() => {}))).toBeUndefined();
  });

  it("change nothing in the run: the same trace, event for event, with or without them", () => {
    const plain = (run(true).trace?.events() ?? []).map(({ site: _site, ...e }) => e);
    const withSites = (run({ sites: true }).trace?.events() ?? []).map(({ site: _site, ...e }) => e);
    expect(withSites).toEqual(plain);
  });
  it("are recorded by the trace's instrument: callAt and callLater named as called, a sleep by its delay", () => {
    const loop = new EventLoop({ trace: { sites: true } });
    expect(siteOf(loop.callAt(7, function alarm() {}))?.call).toBe("callAt(7, alarm)");
    expect(siteOf(loop.callLater(2, () => {}))?.call).toBe("callLater(2, <anonymous>)");
    const task = loop.createTask(
      (function* nap(): Coroutine<void> {
        yield* new WaitableTimer(1.5, undefined);
      })(),
    );
    loop.step();
    expect(siteOf(task.waitingOn() as WaitableTimer<void>)?.call).toBe("sleep(1.5)");
    expect(taskSiteOf(task)?.via).toBe("createTask");
    loop.runUntilIdle();
  });
});
