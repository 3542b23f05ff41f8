/**
 * The path of a sleep and of a timer through simloop's files: `yield* sleep(d)` and `callLater` each enter
 * no source file twice on their way to dispatch (returning to a caller does not count).
 *
 * How it is observed: every method of the loop's classes (the loop, futures, tasks, handles, the
 * waitable timer, the timer heap, the ready queue, the instruments) is wrapped, for this test only, by a
 * probe that records the call stack at its entry; an instrument records it at every hook too. In each
 * recorded stack, the frames between two frames of the user's code (the test's callbacks and
 * coroutines), or between the loop's iteration (`_runOnce`, where a queued handle's way to its dispatch
 * begins) and the next user frame, form one chain of calls; consecutive frames in one file are one
 * visit, and no file may be visited twice in a chain. A file re-entered anywhere on the path is on the
 * stack of the next probed call above it, so any re-entry through a method shows.
 */
import { EventLoop, Future, Handle, Task, TimerHandle, WaitableTimer, type Instrument } from "@simloop/core";
import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../src/index.ts";

const PROBE = "simloopPathProbe";
const SOURCE = /[\\/]packages[\\/]([\w-]+)[\\/]src[\\/](.+?\.ts)(?::\d+)+\)?$/;
const restores: (() => void)[] = [];
const stacks: string[] = [];

function record(): void {
  stacks.push(new Error().stack ?? "");
}

/**
 * Wraps every plain method of `proto` (own properties only) with the probe. The stack it records ends
 * with a frame for the method itself, in `file` (where the class is defined), so a method that calls
 * no other probed method still counts as a visit to its file.
 */
function probe(proto: object, file: string): void {
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === "constructor") continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, name) as PropertyDescriptor;
    const original = descriptor.value as unknown;
    if (typeof original !== "function") continue;
    const callee = `    at ${name} (/packages/core/src/${file}:1:1)`;
    const wrapped = {
      [PROBE](this: unknown, ...args: unknown[]): unknown {
        const stack = new Error().stack ?? "";
        const newline = stack.indexOf("\n");
        stacks.push(`${stack.slice(0, newline)}\n${callee}${stack.slice(newline)}`);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      },
    }[PROBE] as (...args: unknown[]) => unknown;
    Object.defineProperty(proto, name, { ...descriptor, value: wrapped });
    restores.push(() => Object.defineProperty(proto, name, descriptor));
  }
}

const recorder: Instrument = {
  scheduled: record,
  beforeDispatch: record,
  afterDispatch: record,
  futureDone: record,
  beforeTaskStep: record,
  afterTaskStep: record,
};

function probedLoop(): EventLoop {
  const loop = new EventLoop({ instruments: [recorder] });
  const instruments = (loop as unknown as { _instruments: object })._instruments;
  const internals = loop as unknown as { _timers: object; _ready: object };
  const classes: [object, string][] = [
    [EventLoop.prototype, "event-loop.ts"],
    [Future.prototype, "future.ts"],
    [Task.prototype, "task.ts"],
    [Handle.prototype, "handle.ts"],
    [TimerHandle.prototype, "handle.ts"],
    [WaitableTimer.prototype, "waitable-timer.ts"],
    [Object.getPrototypeOf(internals._timers) as object, "timer-queue.ts"],
    [Object.getPrototypeOf(internals._ready) as object, "ready-queue.ts"],
    [Object.getPrototypeOf(instruments) as object, "instrument.ts"],
  ];
  for (const [proto, file] of classes) probe(proto, file);
  return loop;
}

/** One stack as chains of library files, split at the user's frames and at the loop's iteration. */
function chains(stack: string): string[][] {
  const frames = stack.split("\n").slice(1).reverse(); // outermost first
  const result: string[][] = [];
  let chain: string[] = [];
  for (const frame of frames) {
    if (frame.includes(PROBE)) continue;
    const source = SOURCE.exec(frame);
    if (source === null) {
      if (frame.includes("(native)") || frame.includes("<anonymous>")) continue; // a generator's next(), say
      if (chain.length > 0) result.push(chain); // the user's code, the test runner, the runtime
      chain = [];
      continue;
    }
    const file = `${source[1]}/src/${source[2]}`;
    if (/\b_runOnce\b/.test(frame) && file === "core/src/event-loop.ts") {
      if (chain.length > 0) result.push(chain);
      chain = [];
    }
    if (chain[chain.length - 1] !== file) chain.push(file);
  }
  if (chain.length > 0) result.push(chain);
  return result;
}

/** The chains that visit a file twice, written as `a.ts → b.ts → a.ts`. */
function reentries(): string[] {
  const found = new Set<string>();
  for (const stack of stacks) {
    for (const chain of chains(stack)) {
      if (new Set(chain).size !== chain.length) found.add(chain.join(" → "));
    }
  }
  return [...found];
}

describe("the path to dispatch", () => {
  const limit = Error.stackTraceLimit;

  afterEach(() => {
    for (const restore of restores.splice(0).reverse()) restore();
    stacks.length = 0;
    Error.stackTraceLimit = limit;
  });

  it("yield* sleep(d): no source file is entered twice between the sleep and the task's wake-up", () => {
    Error.stackTraceLimit = 200;
    const loop = probedLoop();
    function* sleeper() {
      const value = yield* sleep(2, "rested");
      return value;
    }
    // The task is created here, not by runUntilComplete: creating it is not on the sleep's path.
    const task = loop.createTask(sleeper());
    expect(loop.runUntilComplete(task)).toBe("rested");
    expect(stacks.length).toBeGreaterThan(20);
    expect(stacks.some((stack) => stack.includes("waitable-timer.ts"))).toBe(true);
    expect(reentries()).toEqual([]);
  });

  it("callLater: no source file is entered twice between the call and the callback", () => {
    Error.stackTraceLimit = 200;
    const loop = probedLoop();
    const ran: number[] = [];
    loop.callSoon(() => loop.callLater(3, () => ran.push(loop.time())));
    loop.runUntilIdle();
    expect(ran).toEqual([3]);
    expect(stacks.some((stack) => stack.includes("timer-queue.ts"))).toBe(true);
    expect(reentries()).toEqual([]);
  });

  it("a chain that calls back into a file it came from is a re-entry; returning to a caller is not", () => {
    const stack = (...frames: string[]) => ["Error", ...frames.map((f) => `    at ${f}`).reverse()].join("\n");
    // Written innermost last, as read from the outermost call: user → loop → handle → loop.
    const reentered = stack(
      "userCode (/x/packages/coroutines/test/call-path.test.ts:40:1)",
      "EventLoop._dispatch (/x/packages/core/src/event-loop.ts:30:1)",
      "Handle._run (/x/packages/core/src/handle.ts:20:1)",
      "EventLoop.callSoon (/x/packages/core/src/event-loop.ts:10:1)",
    );
    expect(chains(reentered)).toEqual([["core/src/event-loop.ts", "core/src/handle.ts", "core/src/event-loop.ts"]]);
    const split = stack(
      "EventLoop._runOnce (/x/packages/core/src/event-loop.ts:30:1)",
      "EventLoop._dispatch (/x/packages/core/src/event-loop.ts:40:1)",
      "callback (/x/packages/coroutines/test/call-path.test.ts:50:1)",
      "EventLoop.callLater (/x/packages/core/src/event-loop.ts:10:1)",
    );
    expect(chains(split)).toEqual([["core/src/event-loop.ts"], ["core/src/event-loop.ts"]]);
  });
});
