import { describe, expect, it } from "vitest";
import { EventLoop, type TraceEvent } from "@simloop/core";
import { explore, toChromeTrace, formatTimeline, runProgram, Schedule } from "../src/index.ts";
import { lockOrderDeadlockBug } from "../examples/bugs/lock-order-deadlock.ts";
import { semaphoreDoubleReleaseBug } from "../examples/bugs/semaphore-double-release.ts";

describe("the failure report", () => {
  it("shows the check, seed, shrunk schedule, deviations, state step by step, timeline and replay line", () => {
    const result = explore(semaphoreDoubleReleaseBug.buggy, { policy: "pct", runs: 50, seed: 1 });
    expect(result.failure?.report).toMatchInlineSnapshot(`
      "simloop check failed: doubleRelease: an invariant was violated
        InvariantViolationError: Invariant "permits never exceed the pool's capacity" violated at t=1: "pool" became {"capacity":1,"free":1,"inUse":1}

      Found by pct(depth 2): probabilistic concurrency testing, random task priorities with 1 priority change point per run, which finds a bug needing 2 events in a given order with the probability below; exploring ties = the order of timers due at the same instant; jitter = durations declared uncertain; io = the order in which replies requested with loop.deliver arrive; seed 1, run 1 of 1 (that run's loop seed: 3625787).
      Schedule "v2:t2=1": 1 decision point (a moment where more than one thing could run next; "t2=1" reads: a tie of 2 options, option 1 picked (0 is asyncio's)), 1 deviation (a pick other than asyncio's own order).
      Shrunk from 2 deviations in 3 runs, minimal (no single reset, pair, move or snap still fails).
      Coverage: a bug of depth <= 2 (one that needs 2 events in a given order) would have been found with probability >= 0.125 (1 run, n=4 tasks, k=2 decision points per run: >= 1/(n·k^1) = 0.125 per run)

      Tasks (the generator function each runs, and where it was created):
        Task-1  doubleRelease: the program
        Task-2  query: gather's 1st child, in doubleRelease (semaphore-double-release.ts:60)
        Task-3  healthCheck: gather's 2nd child, in doubleRelease (semaphore-double-release.ts:60)
        Task-4  query: gather's 3rd child, in doubleRelease (semaphore-double-release.ts:60)

      Deviations from asyncio's order:
        - decision #0 at t=1 (tie: timers due at the same instant; asyncio fires them in the order they were armed): ran "sleep(1) in healthCheck (semaphore-double-release.ts:48), Task-3" first, where asyncio runs "sleep(1) in query (semaphore-double-release.ts:29), Task-2"

      State, step by step:
        t=0 Task-1: pool = {"capacity":1,"free":1,"inUse":0}
        t=0 Task-2: pool = {"capacity":1,"free":0,"inUse":1}
        t=1 Task-2: pool = {"capacity":1,"free":1,"inUse":1}
        t=1 Task-2: pool = {"capacity":1,"free":2,"inUse":0}
        t=1 Task-4: pool = {"capacity":1,"free":1,"inUse":1}
        t=2 Task-4: pool = {"capacity":1,"free":2,"inUse":0}

      Lanes of the minimal failing run (a column per instant of virtual time; ▶ starts, ● runs, ✓ done; between its runs a task is ~ sleeping, . waiting (woken by another task, a future, a lock), ? still waiting when the run ended; ◆ a deviation from asyncio's order):
                                t=0  t=1  t=1.5  t=2
        decisions                    ◆
        Task-1 (doubleRelease)  ▶................●✓
        Task-2 (query)          ▶~~~~●✓
        Task-3 (healthCheck)    ▶~~~~●~~~~●✓
        Task-4 (query)          ▶....●~~~~~~~~~~~●✓

      Timeline of the minimal failing run (t = virtual time; #n = loop iteration, callbacks with one n ran in one batch):
        t=0      #1    step      Task-1 (doubleRelease) starts
        t=0      #1    note      Task-1: state:pool {"capacity":1,"free":1,"inUse":0}
        t=0      #2    step      Task-2 (query) starts
        t=0      #2    note      Task-2: state:pool {"capacity":1,"free":0,"inUse":1}
        t=0      #2    step      Task-3 (healthCheck) starts
        t=0      #2    step      Task-4 (query) starts
        t=1      #3    ◆ tie #0: sleep(1) in healthCheck (semaphore-double-release.ts:48), Task-3  (deviation)
        t=1      #3    · tie #1: sleep(1) in query (semaphore-double-release.ts:29), Task-2
        t=1      #3    timer     sleep(1) in healthCheck (semaphore-double-release.ts:48) ends, Task-3
        t=1      #3    timer     sleep(1) in query (semaphore-double-release.ts:29) ends, Task-2
        t=1      #4    step      Task-3 (healthCheck) resumes
        t=1      #4    step      Task-2 (query) resumes
        t=1      #4    note      Task-2: state:pool {"capacity":1,"free":1,"inUse":1}
        t=1      #4    note      Task-2: state:pool {"capacity":1,"free":2,"inUse":0}
        t=1      #5    step      Task-4 (query) resumes  (woken by Task-2)
        t=1      #5    note      Task-4: state:pool {"capacity":1,"free":1,"inUse":1}
        t=1      #5    done      Task-2 (query) is done: gather collects the result
        t=1.5    #6    timer     sleep(0.5) in healthCheck (semaphore-double-release.ts:50) ends, Task-3
        t=1.5    #7    step      Task-3 (healthCheck) resumes
        t=1.5    #8    done      Task-3 (healthCheck) is done: gather collects the result
        t=2      #9    timer     sleep(1) in query (semaphore-double-release.ts:29) ends, Task-4
        t=2      #10   step      Task-4 (query) resumes
        t=2      #10   note      Task-4: state:pool {"capacity":1,"free":2,"inUse":0}
        t=2      #11   done      Task-4 (query) is done: gather collects the result
        t=2      #12   step      Task-1 (doubleRelease) resumes  (woken by gather, after Task-4)
        t=2      #13   done      Task-1 (doubleRelease) is done: runUntilComplete takes the result

      Replay (runs this exact failing run again, in a test or a script):
        replay(doubleRelease, "v2:t2=1", { seed: 3625787 });"
    `);
  });

  it("shows who waits on what for a deadlock", () => {
    const result = explore(lockOrderDeadlockBug.buggy, { policy: "random", runs: 50, seed: 2 });
    expect(result.failure?.report).toMatchInlineSnapshot(`
      "simloop check failed: lockOrder: deadlock
        DeadlockError: Deadlock at t=1: nothing is ready and no timer is pending, so the loop would wait forever.
        Pending:
          - task 'Task-1' waits on <GatheringFuture pending of 2>, created by task 'Task-1'
          - task 'Task-2' waits on <Future pending Lock.acquire>, created by task 'Task-2'
          - task 'Task-3' waits on <Future pending Lock.acquire>, created by task 'Task-3'
        Resolve the awaited futures, or use runUntilIdle() when running out of events is expected.

      Found by random: a uniformly random pick at every decision point; exploring ties = the order of timers due at the same instant; jitter = durations declared uncertain; io = the order in which replies requested with loop.deliver arrive; seed 2, run 1 of 1 (that run's loop seed: 317099424).
      Schedule "v2:t2=1": 1 decision point (a moment where more than one thing could run next; "t2=1" reads: a tie of 2 options, option 1 picked (0 is asyncio's)), 1 deviation (a pick other than asyncio's own order).
      Shrunk from 2 deviations in 3 runs, minimal (no single reset, pair, move or snap still fails).
      Coverage: 1 run(s) under random

      Tasks (the generator function each runs, and where it was created):
        Task-1  lockOrder: the program
        Task-2  transfer: gather's 1st child, in lockOrder (lock-order-deadlock.ts:33)
        Task-3  audit: gather's 2nd child, in lockOrder (lock-order-deadlock.ts:33)

      Deviations from asyncio's order:
        - decision #0 at t=1 (tie: timers due at the same instant; asyncio fires them in the order they were armed): ran "sleep(1) in audit (lock-order-deadlock.ts:26), Task-3" first, where asyncio runs "sleep(1) in transfer (lock-order-deadlock.ts:16), Task-2"

      Who waits on what (t=1):
        - task 'Task-1' waits on <GatheringFuture pending of 2>, created by task 'Task-1'
        - task 'Task-2' waits on <Future pending Lock.acquire>, created by task 'Task-2'
        - task 'Task-3' waits on <Future pending Lock.acquire>, created by task 'Task-3'

      Lanes of the minimal failing run (a column per instant of virtual time; ▶ starts, ● runs, ✓ done; between its runs a task is ~ sleeping, . waiting (woken by another task, a future, a lock), ? still waiting when the run ended; ◆ a deviation from asyncio's order):
                            t=0  t=1
        decisions                ◆
        Task-1 (lockOrder)  ▶?????????
        Task-2 (transfer)   ▶~~~~●????
        Task-3 (audit)      ▶~~~~●????

      Timeline of the minimal failing run (t = virtual time; #n = loop iteration, callbacks with one n ran in one batch):
        t=0      #1    step      Task-1 (lockOrder) starts
        t=0      #2    step      Task-2 (transfer) starts
        t=0      #2    step      Task-3 (audit) starts
        t=1      #3    ◆ tie #0: sleep(1) in audit (lock-order-deadlock.ts:26), Task-3  (deviation)
        t=1      #3    · tie #1: sleep(1) in transfer (lock-order-deadlock.ts:16), Task-2
        t=1      #3    timer     sleep(1) in audit (lock-order-deadlock.ts:26) ends, Task-3
        t=1      #3    timer     sleep(1) in transfer (lock-order-deadlock.ts:16) ends, Task-2
        t=1      #4    step      Task-3 (audit) resumes
        t=1      #4    step      Task-2 (transfer) resumes

      Replay (runs this exact failing run again, in a test or a script):
        replay(lockOrder, "v2:t2=1", { seed: 317099424 });"
    `);
  });

  it("elides the middle of a long timeline", () => {
    const outcome = runProgram(lockOrderDeadlockBug.fixed);
    const lines = formatTimeline(outcome.trace, Schedule.fifo, 8);
    expect(lines).toHaveLength(9);
    expect(lines[2]).toMatch(/^… \d+ event\(s\) omitted …$/);
  });
});

describe("toChromeTrace", () => {
  it("exports one thread per task, complete events for callbacks, instants for choices and notes", () => {
    const result = explore(semaphoreDoubleReleaseBug.buggy, { policy: "pct", runs: 50, seed: 1 });
    const chrome = toChromeTrace(result.failure!.trace);
    expect(JSON.parse(JSON.stringify(chrome))).toEqual(chrome);
    const threads = chrome.traceEvents.filter((e) => e.ph === "M").map((e) => e.args?.["name"]);
    expect(threads).toEqual(["Task-1", "Task-2", "Task-3", "Task-4", "loop"]);
    const named = toChromeTrace(result.failure!.trace, { tasks: result.failure!.tasks });
    expect(named.traceEvents.filter((e) => e.ph === "M").map((e) => e.args?.["name"])).toEqual([
      "Task-1 (doubleRelease)",
      "Task-2 (query)",
      "Task-3 (healthCheck)",
      "Task-4 (query)",
      "loop",
    ]);
    expect(chrome.traceEvents.filter((e) => e.cat === "choice").length).toBeGreaterThan(0);
    expect(chrome.traceEvents.filter((e) => e.cat === "note").map((e) => e.name)).toContain("state:pool");
    const stamps = chrome.traceEvents.filter((e) => e.ph !== "M").map((e) => e.ts as number);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(chrome.traceEvents.filter((e) => e.ph !== "M").slice(0, 3)).toMatchInlineSnapshot(`
      [
        {
          "args": {
            "cause": "main",
            "iteration": 1,
            "source": "Task-1",
          },
          "cat": "step",
          "dur": 1,
          "name": "Task-1",
          "ph": "X",
          "pid": 1,
          "tid": 1,
          "ts": 0,
        },
        {
          "args": {
            "detail": {
              "capacity": 1,
              "free": 1,
              "inUse": 0,
            },
            "iteration": 1,
            "source": "Task-1",
          },
          "cat": "note",
          "name": "state:pool",
          "ph": "i",
          "pid": 1,
          "s": "t",
          "tid": 1,
          "ts": 1,
        },
        {
          "args": {
            "from": 0,
            "state": "waiting",
            "to": 2,
          },
          "cat": "wait",
          "dur": 2003,
          "name": "waits, woken by gather, after Task-4",
          "ph": "X",
          "pid": 1,
          "tid": 1,
          "ts": 1,
        },
      ]
    `);
  });

  it("draws a task's waits as spans from its suspension to its wake, named by the sleep or the waker", () => {
    const result = explore(semaphoreDoubleReleaseBug.buggy, { policy: "pct", runs: 50, seed: 1 });
    const chrome = toChromeTrace(result.failure!.trace, { tasks: result.failure!.tasks });
    const tid = (name: string): number =>
      chrome.traceEvents.find((e) => e.ph === "M" && String(e.args?.["name"]).startsWith(`${name} `))!.tid;
    const waits = (name: string) =>
      chrome.traceEvents
        .filter((e) => e.cat === "wait" && e.tid === tid(name))
        .map((e) => ({ name: e.name, from: e.args?.["from"], to: e.args?.["to"], state: e.args?.["state"] }));
    expect(waits("Task-3")).toEqual([
      { name: "sleep(1) in healthCheck (semaphore-double-release.ts:48)", from: 0, to: 1, state: "sleeping" },
      { name: "sleep(0.5) in healthCheck (semaphore-double-release.ts:50)", from: 1, to: 1.5, state: "sleeping" },
    ]);
    expect(waits("Task-1")).toEqual([
      { name: "waits, woken by gather, after Task-4", from: 0, to: 2, state: "waiting" },
    ]);
    // A span covers virtual time: Task-3's second sleep lasts half a unit (500 µs at the default scale).
    const half = chrome.traceEvents.find((e) => e.cat === "wait" && e.name.startsWith("sleep(0.5)"))!;
    expect(half.dur).toBeGreaterThan(490);
    expect(half.dur).toBeLessThanOrEqual(500);
    expect(half.ph).toBe("X");
  });

  it("names a choice by the candidate it picked, with the candidates and the deviation marked", () => {
    const result = explore(semaphoreDoubleReleaseBug.buggy, { policy: "pct", runs: 50, seed: 1 });
    const failure = result.failure!;
    const choices = toChromeTrace(failure.trace, { decisions: failure.decisions }).traceEvents.filter(
      (e) => e.cat === "choice",
    );
    expect(choices.map((e) => e.name)).toEqual([
      "◆ tie #0: sleep(1) in healthCheck (semaphore-double-release.ts:48), Task-3",
      "tie #1: sleep(1) in query (semaphore-double-release.ts:29), Task-2",
    ]);
    expect(choices[0]?.args?.["candidates"]).toEqual([
      "sleep(1) in query (semaphore-double-release.ts:29), Task-2",
      "sleep(1) in healthCheck (semaphore-double-release.ts:48), Task-3",
    ]);
    expect(choices[0]?.args?.["deviation"]).toBe(true);
    // Without the decisions, the pick number is all there is.
    expect(toChromeTrace(failure.trace).traceEvents.find((e) => e.cat === "choice")?.name).toBe("tie #0: pick 1");
  });

  it("keeps more than 1,000 events at one instant inside that instant, in trace order", () => {
    const loop = new EventLoop({ trace: true });
    for (let i = 0; i < 2500; i++) loop.callSoon(() => {});
    loop.callLater(1, () => {});
    loop.callLater(1.001, () => {});
    loop.runUntilIdle();
    const events: readonly TraceEvent[] = loop.trace!.events();
    for (const scale of [1000, 1]) {
      const stamps = toChromeTrace(events, { scale })
        .traceEvents.filter((e) => e.ph === "X")
        .map((e) => e.ts as number);
      expect(stamps).toHaveLength(2502);
      for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThan(stamps[i - 1] as number);
      // Every event at t=0 stays before the instant t=1 starts; t=1 and t=1.001 stay apart too.
      expect(stamps[2499]).toBeLessThan(1 * scale);
      expect(stamps[2500]).toBe(1 * scale);
      expect(stamps[2501]).toBe(1.001 * scale);
    }
  });
});
