import { CancelledError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import {
  Interrupt,
  InterruptMisuseError,
  Resource,
  gatherReturnExceptions,
  interrupt,
  sleep,
} from "../../src/index.ts";
import { scenario } from "../support/trace.ts";

const strip = (log: [number, string][]): [number, string][] => log.map(([t, l]) => [t, l.replace(/@\d+$/, "")]);

describe("interrupt", () => {
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
      interrupt(c, "hurry");
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
      interrupt(w, 1);
      interrupt(w, 2);
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
      interrupt(waiter, "give up");
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
      interrupt(w, "x");
      const [r] = yield* gatherReturnExceptions(w);
      expect(r).toBeInstanceOf(CancelledError);
    });
  });

  it("refuses a finished task and itself; a task waiting on another task is interrupted without cancelling it", () => {
    scenario(function* (t) {
      const done = t.loop.createTask(sleep(0));
      yield* done;
      expect(() => interrupt(done)).toThrow(InterruptMisuseError);
      const self = t.loop.currentTask();
      expect(() => interrupt(self as never)).toThrow(/itself/);

      const charging = t.loop.createTask(sleep(5, "charged"));
      const waiter = t.loop.createTask(
        (function* (): Coroutine<void> {
          yield* charging;
        })(),
      );
      yield* sleep(1);
      interrupt(waiter, "stop waiting");
      const [r] = yield* gatherReturnExceptions(waiter);
      expect(r).toBeInstanceOf(Interrupt);
      expect(yield* charging).toBe("charged");
    });
  });
});
