import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ArgumentError,
  CloseRunningLoopError,
  DeadlockError,
  EventLoop,
  LoopClosedError,
  LoopRunningError,
  LoopStoppedError,
  StepBudgetExceededError,
  UnhandledErrorsError,
  WrongLoopError,
  getEventLoop,
  getRunningLoop,
  newEventLoop,
  setEventLoop,
  NoRunningLoopError,
  type Coroutine,
  type Handle,
} from "../src/index.ts";
import { nap, recorder } from "./helpers.ts";

afterEach(() => setEventLoop(null));

describe("callSoon", () => {
  it("runs callbacks FIFO, with their arguments (rule 2)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callSoon((a: string, b: number) => log.push(`${a}${b}`), "x", 1);
    loop.callSoon(() => log.push("y"));
    loop.callSoon((a: string) => log.push(a), "z");
    loop.runUntilIdle();
    expect(log).toEqual(["x1", "y", "z"]);
  });

  it("runs callbacks scheduled during a batch in the next iteration (rule 1)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callSoon(() => {
      log.push(`a@${loop.iteration}`);
      loop.callSoon(() => log.push(`c@${loop.iteration}`));
    });
    loop.callSoon(() => log.push(`b@${loop.iteration}`));
    loop.runUntilIdle();
    expect(log).toEqual(["a@1", "b@1", "c@2"]);
  });

  it("skips a cancelled handle, even one cancelled by an earlier callback of the same batch", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callSoon(() => {
      log.push("a");
      second.cancel();
    });
    const second = loop.callSoon(() => log.push("b"));
    loop.callSoon(() => log.push("c"));
    loop.runUntilIdle();
    expect(log).toEqual(["a", "c"]);
    expect(second.cancelled()).toBe(true);
  });

  it("refuses a non-function, a generator object and a generator function with a named error", () => {
    const loop = new EventLoop();
    function* worker(): Coroutine<void> {}
    expect(() => loop.callSoon(42 as never)).toThrow(ArgumentError);
    expect(() => loop.callSoon(worker() as never)).toThrow(/createTask/);
    expect(() => loop.callSoon(worker as never)).toThrow(/loop.createTask\(worker\(\)\)/);
    loop.callSoon(() => {});
    loop.runUntilIdle();
  });

  it("checks every callback, before and after a valid one is rescheduled (the check is memoised per function)", () => {
    const loop = new EventLoop();
    function* worker(): Coroutine<void> {}
    // Before any valid callback: a value equal to nothing passed so far.
    expect(() => loop.callSoon(null as never)).toThrow(ArgumentError);
    expect(() => loop.callSoon(undefined as never)).toThrow(ArgumentError);
    const tick = (): void => {};
    loop.callSoon(tick);
    loop.callSoon(tick);
    expect(() => loop.callSoon(worker as never)).toThrow(ArgumentError);
    expect(() => loop.callAt(1, worker as never)).toThrow(ArgumentError);
    loop.callLater(1, tick);
    loop.runUntilIdle();
    loop.close();
    // The memoised callback is still refused by a closed loop.
    expect(() => loop.callSoon(tick)).toThrow(LoopClosedError);
    expect(() => loop.callLater(1, tick)).toThrow(LoopClosedError);
  });

  it("records the scheduling handle as the source only when the interleave level or a trace can tell", () => {
    const sources = (loop: EventLoop): unknown[] => {
      const seen: unknown[] = [];
      let first: Handle | null = null;
      first = loop.callSoon(() => {
        seen.push(loop.callSoon(() => {}).source === first);
        seen.push(loop.callSoon(() => {}).task);
      });
      loop.runUntilIdle();
      return seen;
    };
    // Untraced, without a policy: the source is the scheduling handle's task (none here).
    expect(sources(new EventLoop())).toEqual([false, null]);
    // Traced: the scheduling handle itself, as the trace names it.
    expect(sources(new EventLoop({ trace: true }))).toEqual([true, null]);
  });
});

describe("timers", () => {
  it("fire in deadline order and advance virtual time to each deadline (rules 3, 7)", () => {
    const loop = new EventLoop();
    const { log, at } = recorder(loop);
    loop.callLater(3, at, "c");
    loop.callLater(1, at, "a");
    loop.callAt(2, at, "b");
    loop.runUntilIdle();
    expect(log).toEqual(["1 a", "2 b", "3 c"]);
    expect(loop.time()).toBe(3);
  });

  it("fire equal deadlines in scheduling order (simloop's deliberate difference from asyncio, rule 5)", () => {
    const loop = new EventLoop();
    const log: number[] = [];
    for (let i = 0; i < 8; i++) loop.callAt(5, () => log.push(i));
    loop.callAt(6, () => log.push(99));
    loop.runUntilIdle();
    expect(log).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 99]);
  });

  it("queue due timers behind callbacks that are already ready (rule 6)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callLater(0, () => log.push("timer"));
    loop.callSoon(() => log.push("soon"));
    loop.runUntilIdle();
    expect(log).toEqual(["soon", "timer"]);
  });

  it("fire a timer in the past at once without moving the clock back (rule 4)", () => {
    const loop = new EventLoop({ startTime: 10 });
    const { log, at } = recorder(loop);
    loop.callAt(3, at, "past");
    loop.callLater(-5, at, "negative");
    loop.runUntilIdle();
    expect(log).toEqual(["10 past", "10 negative"]);
  });

  it("compare deadlines in doubles: 0.1 + 0.2 fires after callAt(0.3) (rule 3)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callLater(0.1, () => loop.callLater(0.2, () => log.push("0.1+0.2")));
    loop.callAt(0.3, () => log.push("0.3"));
    loop.runUntilIdle();
    expect(log).toEqual(["0.3", "0.1+0.2"]);
    expect(loop.time()).toBe(0.1 + 0.2);
  });

  it("never run a cancelled timer, and compact the heap when cancelled timers dominate", () => {
    const loop = new EventLoop();
    const log: number[] = [];
    const handles = Array.from({ length: 1000 }, (_, i) => loop.callLater(i + 1, () => log.push(i)));
    handles.forEach((handle, i) => {
      if (i % 10 !== 0) handle.cancel();
    });
    loop.runUntilIdle();
    expect(log).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
    expect(loop.time()).toBe(991);
  });

  it("refuse NaN and infinite delays and deadlines with a named error, scheduling nothing", () => {
    const loop = new EventLoop();
    expect(() => loop.callLater(Number.NaN, () => {})).toThrow(ArgumentError);
    expect(() => loop.callLater(Infinity, () => {})).toThrow(/finite number/);
    expect(() => loop.callAt(-Infinity, () => {})).toThrow(ArgumentError);
    expect(() => loop.callLater("1" as never, () => {})).toThrow(/string/);
    expect(loop.peek()).toBe(Infinity);
  });

  it("report their deadline with when()", () => {
    const loop = new EventLoop({ startTime: 2 });
    expect(loop.callLater(3, () => {}).when()).toBe(5);
  });
});

describe("stop", () => {
  it("never truncates the batch it is called in (rule 8)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callSoon(() => log.push("a"));
    loop.callSoon(() => {
      log.push("stop");
      loop.stop();
      loop.callSoon(() => log.push("next run"));
    });
    loop.callSoon(() => log.push("sibling"));
    loop.runForever();
    expect(log).toEqual(["a", "stop", "sibling"]);
    loop.stop();
    loop.runForever();
    expect(log).toEqual(["a", "stop", "sibling", "next run"]);
  });

  it("before runForever runs exactly one iteration without advancing the clock (rule 9)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callLater(5, () => log.push("timer"));
    loop.callSoon(() => log.push("soon"));
    loop.stop();
    loop.runForever();
    expect(log).toEqual(["soon"]);
    expect(loop.time()).toBe(0);
    expect(loop.iteration).toBe(1);
  });

  it("is idempotent and does not leak into the next run (rule 10)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.stop();
    loop.stop();
    loop.runForever();
    expect(loop.iteration).toBe(1);
    loop.callLater(1, () => log.push("one"));
    loop.callLater(2, () => {
      log.push("two");
      loop.stop();
    });
    loop.runForever();
    expect(log).toEqual(["one", "two"]);
  });
});

describe("runUntilComplete", () => {
  it("stops at the end of the iteration in which the future's callbacks run (rule 11)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    loop.callLater(1, () => fut.setResult(7));
    fut.addDoneCallback(() => {
      log.push(`cb@${loop.iteration}`);
      loop.callSoon(() => log.push("later"));
    });
    loop.callLater(1, () => loop.callSoon(() => log.push(`sibling@${loop.iteration}`)));
    expect(loop.runUntilComplete(fut)).toBe(7);
    expect(log).toEqual(["cb@2", "sibling@2"]);
    loop.runUntilIdle();
    expect(log).toEqual(["cb@2", "sibling@2", "later"]);
  });

  it("of a done future runs one iteration (rule 11)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const fut = loop.createFuture<string>();
    fut.setResult("ready");
    loop.callSoon(() => log.push("a"));
    expect(loop.runUntilComplete(fut)).toBe("ready");
    expect(loop.iteration).toBe(1);
    expect(log).toEqual(["a"]);
  });

  it("throws the future's exception", () => {
    const loop = new EventLoop();
    function* fails(): Coroutine<never> {
      yield* nap(1);
      throw new Error("boom");
    }
    expect(() => loop.runUntilComplete(fails())).toThrow("boom");
    expect(loop.unretrievedFutures()).toHaveLength(0);
  });

  it("throws LoopStoppedError when stopped before the future completed, and stays usable", () => {
    const loop = new EventLoop();
    const fut = loop.createFuture<number>();
    loop.callLater(1, () => loop.stop());
    loop.callLater(2, () => fut.setResult(2));
    expect(() => loop.runUntilComplete(fut)).toThrow(LoopStoppedError);
    expect(() => loop.runUntilComplete(fut)).not.toThrow();
    expect(loop.time()).toBe(2);
  });

  it("refuses a future of another loop", () => {
    const a = new EventLoop();
    const b = new EventLoop();
    expect(() => a.runUntilComplete(b.createFuture())).toThrow(WrongLoopError);
    expect(a.isRunning()).toBe(false);
  });

  it("refuses a generator function, a Promise and other values with a hint", () => {
    const loop = new EventLoop();
    function* worker(): Coroutine<number> {
      return 1;
    }
    expect(() => loop.runUntilComplete(worker as never)).toThrow(/worker\(\)/);
    expect(() => loop.runUntilComplete(Promise.resolve(1) as never)).toThrow(/Promise/);
    expect(() => loop.runUntilComplete(3 as never)).toThrow(ArgumentError);
    expect(loop.runUntilComplete(worker())).toBe(1);
  });
});

describe("misuse", () => {
  it("running while running is an error reported to the handler; the loop goes on (rule 12)", () => {
    const loop = new EventLoop({ unhandled: "collect" });
    const log: string[] = [];
    loop.callSoon(() => loop.runForever());
    loop.callSoon(() => log.push("after"));
    loop.runUntilIdle();
    expect(log).toEqual(["after"]);
    expect(loop.unhandledErrors()[0]?.exception).toBeInstanceOf(LoopRunningError);
  });

  it("running a loop while another runs is an error", () => {
    const outer = new EventLoop({ unhandled: "collect" });
    const inner = new EventLoop();
    outer.callSoon(() => inner.runUntilIdle());
    outer.runUntilIdle();
    expect(outer.unhandledErrors()[0]?.exception).toBeInstanceOf(LoopRunningError);
    expect(String((outer.unhandledErrors()[0]?.exception as Error).message)).toMatch(/another loop/);
    inner.callSoon(() => {});
    inner.runUntilIdle();
  });

  it("closing while running is an error; closing twice is harmless (rule 12)", () => {
    const loop = new EventLoop({ unhandled: "collect" });
    loop.callSoon(() => loop.close());
    loop.runUntilIdle();
    expect(loop.unhandledErrors()[0]?.exception).toBeInstanceOf(CloseRunningLoopError);
    expect(loop.isClosed()).toBe(false);
    loop.close();
    loop.close();
    expect(loop.isClosed()).toBe(true);
  });

  it("a closed loop refuses to schedule or run, but stop, close and createFuture stay harmless", () => {
    const loop = new EventLoop();
    loop.callLater(1, () => {});
    loop.close();
    expect(() => loop.callSoon(() => {})).toThrow(LoopClosedError);
    expect(() => loop.callLater(1, () => {})).toThrow(LoopClosedError);
    expect(() => loop.runForever()).toThrow(/Event loop is closed/);
    expect(() => loop.runUntilComplete(loop.createFuture())).toThrow(LoopClosedError);
    expect(() => loop.createTask((function* () {})())).toThrow(LoopClosedError);
    loop.stop();
    expect(loop.createFuture().done()).toBe(false);
    expect(loop.peek()).toBe(Infinity);
  });
});

describe("deadlock", () => {
  it("is reported where asyncio would block forever, listing each task and what it waits on", () => {
    const loop = new EventLoop();
    const never = loop.createFuture<void>("reply");
    function* waiter(): Coroutine<void> {
      yield* never;
    }
    const task = loop.createTask(waiter(), { name: "client" });
    let error: unknown;
    try {
      loop.runUntilComplete(task);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeadlockError);
    const deadlock = error as DeadlockError;
    expect(deadlock.pending).toEqual(["task 'client' waits on <Future pending reply>, created outside any task"]);
    expect(deadlock.message).toMatch(/Deadlock at t=0/);
    expect(deadlock.waiters).toHaveLength(1);
    expect(deadlock.waiters[0]?.task).toBe(task);
    expect(deadlock.waiters[0]?.waitsOn).toBe(never);
    expect(loop.tasksCreated).toBe(1);
    never.setResult();
    expect(() => loop.runUntilComplete(task)).not.toThrow();
  });

  it("is reported by runForever with nothing scheduled (rule 14)", () => {
    const loop = new EventLoop();
    expect(() => loop.runForever()).toThrow(DeadlockError);
    expect(loop.isRunning()).toBe(false);
  });

  it("names a plain future that runUntilComplete waits on", () => {
    const loop = new EventLoop();
    expect(() => loop.runUntilComplete(loop.createFuture("lonely"))).toThrow(
      /runUntilComplete\(\) waits on <Future pending lonely>/,
    );
  });

  it("is not reported by runUntilIdle, which returns instead", () => {
    const loop = new EventLoop();
    loop.createTask(
      (function* () {
        yield* loop.createFuture<void>();
      })(),
    );
    expect(() => loop.runUntilIdle()).not.toThrow();
    expect(loop.allTasks().size).toBe(1);
  });
});

describe("maxSteps", () => {
  it("stops a livelock with the last callbacks, and the loop stays usable", () => {
    const loop = new EventLoop({ maxSteps: 50 });
    let spins = 0;
    function spin(): void {
      spins++;
      if (spins < 1000) loop.callSoon(spin);
    }
    loop.callSoon(spin);
    let error: unknown;
    try {
      loop.runForever();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StepBudgetExceededError);
    expect((error as StepBudgetExceededError).recent.at(-1)).toBe("t=0 callback spin");
    expect(spins).toBe(50);
    expect(() => loop.runUntilIdle()).toThrow(StepBudgetExceededError); // the budget counts per run call
    expect(spins).toBe(100);
  });

  it("rejects a budget that is not a positive integer", () => {
    expect(() => new EventLoop({ maxSteps: 0 })).toThrow(ArgumentError);
    expect(() => new EventLoop({ maxSteps: 1.5 })).toThrow(ArgumentError);
  });
});

describe("exceptions in callbacks (rule 13)", () => {
  it("go to the exception handler with asyncio's context, and the rest of the batch and later timers run", () => {
    const loop = new EventLoop();
    const seen: string[] = [];
    loop.setExceptionHandler((l, context) => {
      expect(l).toBe(loop);
      seen.push(`${context.message}: ${(context.exception as Error).message}`);
      expect(context.handle?.kind).toBe("callback");
    });
    loop.callSoon(function bad() {
      throw new Error("oops");
    });
    loop.callSoon(() => seen.push("sibling"));
    loop.callLater(1, () => seen.push("timer"));
    loop.runUntilIdle();
    expect(seen).toEqual(["Exception in callback bad: oops", "sibling", "timer"]);
  });

  it("in done callbacks too", () => {
    const loop = new EventLoop({ unhandled: "collect" });
    const fut = loop.createFuture<number>();
    fut.addDoneCallback(() => {
      throw new Error("in done");
    });
    const log: string[] = [];
    fut.addDoneCallback(() => log.push("second"));
    fut.setResult(1);
    loop.runUntilIdle();
    expect(log).toEqual(["second"]);
    expect(loop.unhandledErrors().map((c) => (c.exception as Error).message)).toEqual(["in done"]);
  });

  it("a throwing handler is reported by the default handler", () => {
    const loop = new EventLoop({ unhandled: "collect" });
    loop.setExceptionHandler(() => {
      throw new Error("handler broke");
    });
    loop.callSoon(() => {
      throw new Error("first");
    });
    loop.runUntilIdle();
    const [context] = loop.unhandledErrors();
    expect(context?.message).toBe("Unhandled error in exception handler");
    expect((context?.context?.exception as Error).message).toBe("first");
  });

  it('are thrown at the end of the run call in "throw" mode, once', () => {
    const loop = new EventLoop({ unhandled: "throw" });
    loop.callSoon(() => {
      throw new Error("late");
    });
    expect(() => loop.runUntilIdle()).toThrow(UnhandledErrorsError);
    expect(() => loop.runUntilIdle()).not.toThrow();
  });

  it('are written to console.error in the default "log" mode', () => {
    const loop = new EventLoop();
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    loop.callSoon(() => {
      throw new Error("logged");
    });
    loop.runUntilIdle();
    expect(spy).toHaveBeenCalledOnce();
    expect(String(spy.mock.calls[0]?.[0])).toMatch(/Exception in callback/);
    spy.mockRestore();
  });
});

describe("time control", () => {
  it("runUntilTime runs everything due at or before the time, then sets the clock to it", () => {
    const loop = new EventLoop();
    const { log, at } = recorder(loop);
    loop.callLater(1, at, "one");
    loop.callLater(3, () => {
      at("three");
      loop.callSoon(at, "chained at three");
    });
    loop.callLater(4, at, "four");
    loop.runUntilTime(3);
    expect(log).toEqual(["1 one", "3 three", "3 chained at three"]);
    loop.runFor(0.5);
    expect(loop.time()).toBe(3.5);
    loop.runFor(10);
    expect(log.at(-1)).toBe("4 four");
    expect(loop.time()).toBe(13.5);
    expect(() => loop.runUntilTime(1)).toThrow(ArgumentError);
    expect(() => loop.runFor(-1)).toThrow(ArgumentError);
  });

  it("runUntilTime returns early without moving the clock when stop() is called", () => {
    const loop = new EventLoop();
    loop.callLater(1, () => loop.stop());
    loop.callLater(2, () => {});
    loop.runUntilTime(10);
    expect(loop.time()).toBe(1);
  });

  it("step runs one batch; peek tells the next event's time", () => {
    const loop = new EventLoop();
    const { log, at } = recorder(loop);
    expect(loop.peek()).toBe(Infinity);
    expect(loop.step()).toBe(false);
    loop.callLater(2, at, "b");
    loop.callSoon(at, "a");
    expect(loop.peek()).toBe(0);
    expect(loop.step()).toBe(true);
    expect(log).toEqual(["0 a"]);
    expect(loop.peek()).toBe(2);
    expect(loop.step()).toBe(true);
    expect(log).toEqual(["0 a", "2 b"]);
    expect(loop.step()).toBe(false);
  });

  it("peek skips cancelled timers", () => {
    const loop = new EventLoop();
    loop.callLater(1, () => {}).cancel();
    loop.callLater(5, () => {});
    expect(loop.peek()).toBe(5);
  });
});

describe("module functions (exactness rule)", () => {
  it("getEventLoop creates the current loop once; setEventLoop replaces it; the running loop wins", () => {
    setEventLoop(null);
    const first = getEventLoop();
    expect(getEventLoop()).toBe(first);
    const other = newEventLoop();
    expect(other).not.toBe(first);
    setEventLoop(other);
    expect(getEventLoop()).toBe(other);
    const seen: unknown[] = [];
    first.callSoon(() => seen.push(getEventLoop(), getRunningLoop()));
    first.runUntilIdle();
    expect(seen).toEqual([first, first]);
  });

  it("getRunningLoop outside a run call is a named error", () => {
    expect(() => getRunningLoop()).toThrow(NoRunningLoopError);
  });
});

describe("determinism", () => {
  it("gives one distinct trace over 10 runs of the same seeded program", () => {
    const traces = new Set<string>();
    for (let run = 0; run < 10; run++) {
      const loop = new EventLoop({ seed: 7, trace: true });
      function* worker(i: number): Coroutine<void> {
        for (let k = 0; k < 5; k++) yield* nap(loop.random.exponential(1 + i));
      }
      for (let i = 0; i < 4; i++) loop.createTask(worker(i));
      loop.runUntilIdle();
      traces.add(JSON.stringify(loop.trace?.events()));
    }
    expect(traces.size).toBe(1);
  });
});

describe("runUntilTime(t, { inclusive: false }): SimPy's run(until=t)", () => {
  it("leaves the timers due at t pending, runs those before, and sets the clock to t", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    loop.callLater(4, () => log.push(`4 at ${loop.time()}`));
    loop.callLater(5, () => log.push(`5 at ${loop.time()}`));
    loop.runUntilTime(5, { inclusive: false });
    expect(log).toEqual(["4 at 4"]);
    expect(loop.time()).toBe(5);
    loop.runUntilTime(5);
    expect(log).toEqual(["4 at 4", "5 at 5"]);
  });

  it("runFor takes the same option", () => {
    const loop = new EventLoop();
    const log: number[] = [];
    loop.callLater(2, () => log.push(loop.time()));
    loop.runFor(2, { inclusive: false });
    expect([log, loop.time()]).toEqual([[], 2]);
    loop.runFor(0);
    expect(log).toEqual([2]);
  });
});
