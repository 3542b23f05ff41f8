import * as core from "@simloop/core";
import { CancelledError, type Coroutine } from "@simloop/core";
import { types } from "node:util";
import { describe, expect, it } from "vitest";
import { Interrupt, InterruptMisuseError, Resource, gatherReturnExceptions, sleep } from "../../src/index.ts";
import * as coroutines from "../../src/index.ts";
import { scenario } from "../support/trace.ts";

const strip = (log: [number, string][]): [number, string][] => log.map(([t, l]) => [t, l.replace(/@\d+$/, "")]);

describe("task.interrupt(cause) (SimPy's process.interrupt; issue 11 item 6)", () => {
  it("throws an Interrupt with its cause into a sleeping process, which can go on (SimPy's car-charging example)", () => {
    const log = scenario(function* (t) {
      function* car(): Coroutine<void> {
        for (let trip = 0; trip < 2; trip++) {
          t.note("parking and charging");
          try {
            yield* sleep(5);
          } catch (e) {
            if (!(e instanceof Interrupt)) throw e;
            t.note(`was interrupted: ${String(e.cause)}`);
          }
          t.note("driving");
          yield* sleep(2);
        }
      }
      const c = t.loop.createTask(car());
      yield* sleep(3);
      c.interrupt("hurry");
      yield* c;
      expect(c.cancelling()).toBe(0);
    });
    expect(strip(log)).toEqual([
      [0, "parking and charging"],
      [3, "was interrupted: hurry"],
      [3, "driving"],
      [5, "parking and charging"],
      [10, "driving"],
    ]);
  });

  it("delivers several interrupts one per wait, in order", () => {
    const log = scenario(function* (t) {
      function* worker(): Coroutine<void> {
        for (let i = 0; i < 3; i++) {
          try {
            yield* sleep(10);
            t.note("slept");
          } catch (e) {
            if (!(e instanceof Interrupt)) throw e;
            t.note(`interrupt ${String(e.cause)}`);
          }
        }
      }
      const w = t.loop.createTask(worker());
      yield* sleep(1);
      w.interrupt(1);
      w.interrupt(2);
      yield* w;
    });
    expect(strip(log)).toEqual([
      [1, "interrupt 1"],
      [1, "interrupt 2"],
      [11, "slept"],
    ]);
  });

  it("interrupts a process waiting for a resource; leaving use() withdraws its request", () => {
    scenario(function* (t) {
      const res = new Resource(1);
      const holder = t.loop.createTask(res.use(() => sleep(5)));
      const waiter = t.loop.createTask(res.use(() => sleep(1)));
      yield* sleep(1);
      waiter.interrupt("give up");
      const [r] = yield* gatherReturnExceptions(waiter);
      expect(r).toBeInstanceOf(Interrupt);
      expect(res.queue.length).toBe(0);
      yield* holder;
      expect(res.count).toBe(0);
    });
  });

  it("delivers a cancellation already on its way before a later interrupt", () => {
    scenario(function* (t) {
      const w = t.loop.createTask(sleep(10));
      yield* sleep(1);
      w.cancel();
      w.interrupt("x");
      const [r] = yield* gatherReturnExceptions(w);
      expect(r).toBeInstanceOf(CancelledError);
    });
  });

  it("refuses a finished task and itself; a task waiting on another task is interrupted without cancelling it", () => {
    scenario(function* (t) {
      const done = t.loop.createTask(sleep(0));
      yield* done;
      expect(() => done.interrupt()).toThrow(InterruptMisuseError);
      const self = t.loop.currentTask();
      expect(() => self?.interrupt()).toThrow(/itself/);

      const charging = t.loop.createTask(sleep(5, "charged"));
      const waiter = t.loop.createTask(
        (function* (): Coroutine<void> {
          yield* charging;
        })(),
      );
      yield* sleep(1);
      waiter.interrupt("stop waiting");
      const [r] = yield* gatherReturnExceptions(waiter);
      expect(r).toBeInstanceOf(Interrupt);
      expect(yield* charging).toBe("charged");
    });
  });

  it("is one class in core and coroutines, and a throw of the cause itself is never what the task sees", () => {
    expect(Interrupt).toBe(core.Interrupt);
    expect(InterruptMisuseError).toBe(core.InterruptMisuseError);
    expect("interrupt" in (coroutines as object)).toBe(false); // one name: the task's method
    scenario(function* (t) {
      const seen: unknown[] = [];
      const w = t.loop.createTask(
        (function* (): Coroutine<void> {
          try {
            yield* sleep(10);
          } catch (e) {
            seen.push(e);
          }
        })(),
      );
      yield* sleep(1);
      const cause = new Error("breakdown");
      w.interrupt(cause);
      yield* w;
      expect(seen).toHaveLength(1);
      expect(seen[0]).toBeInstanceOf(Interrupt);
      expect((seen[0] as Interrupt).cause).toBe(cause);
      expect((seen[0] as Interrupt).message).toBe("The process was interrupted: Error: breakdown.");
    });
  });

  it("captures no stack trace (issue 12 item 8: it cost a third of a job-shop model's run time)", () => {
    const error = new Interrupt("x");
    expect(error.stack).toBe("Interrupt: The process was interrupted: x.");
    expect(new Interrupt(Object.create(null)).message).toBe(
      "The process was interrupted: [object with a null prototype].",
    );
    // Other errors keep their stack: the limit is restored.
    expect(new Error("y").stack).toMatch(/\n\s+at /);
  });

  it("delivers an Interrupt built without the Error constructor, which reads as a native one (issue 12 item 8)", () => {
    const loop = new core.EventLoop();
    const seen: unknown[] = [];
    function* waiter(): Coroutine<void> {
      try {
        yield* sleep(5);
      } catch (e) {
        seen.push(e);
      }
    }
    const w = loop.createTask(waiter());
    loop.callLater(1, () => w.interrupt("breakdown"));
    loop.runUntilIdle();
    const e = seen[0] as Interrupt;
    expect(e).toBeInstanceOf(Interrupt);
    expect(e).toBeInstanceOf(core.SimloopError);
    expect(e).toBeInstanceOf(Error);
    // The Error constructor did not run: that is the cost saved (about a microsecond in V8).
    expect(types.isNativeError(e)).toBe(false);
    const native = new Interrupt("breakdown");
    for (const key of ["name", "code", "cause", "message", "stack"] as const) expect(e[key]).toBe(native[key]);
    expect(String(e)).toBe(String(native));
    expect(Object.keys(e).sort()).toEqual(Object.keys(native).sort());
    // Assigning message or stack gives the object its own, as on any error.
    e.message = "changed";
    e.stack = "a stack";
    expect([e.message, e.stack, String(e)]).toEqual(["changed", "a stack", "Interrupt: changed"]);
    expect(new Interrupt("other").message).toBe("The process was interrupted: other.");
  });
});
