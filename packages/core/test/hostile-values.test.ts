import { describe, expect, it, vi } from "vitest";
import {
  ArgumentError,
  BadYieldError,
  EventLoop,
  PolicyError,
  UnhandledErrorsError,
  describeError,
  describeValue,
  isCancellation,
  type ChoicePoint,
  type Coroutine,
  type SchedulingPolicy,
} from "../src/index.ts";
import * as helpers from "./helpers.ts";

/** Values `String()` cannot print: a null-prototype object and a revoked Proxy. */
function unprintables(): { name: string; value: unknown }[] {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return [
    { name: "a null-prototype object", value: Object.create(null) as unknown },
    { name: "a revoked Proxy", value: proxy },
    {
      name: "an object whose toString throws",
      value: {
        toString() {
          throw new Error("no");
        },
      },
    },
    {
      name: "an Error whose message getter throws",
      value: Object.defineProperty(new Error("x"), "message", {
        get() {
          throw new Error("no");
        },
      }),
    },
  ];
}

describe("describing any value (issue 11 item 2)", () => {
  for (const { name, value } of unprintables()) {
    it(`describes ${name} without throwing`, () => {
      expect(typeof describeValue(value)).toBe("string");
      expect(typeof describeError(value)).toBe("string");
    });
  }

  it("describes printable values as String() and errors as `name: message`", () => {
    expect(describeValue(3)).toBe("3");
    expect(describeValue("text")).toBe("text");
    expect(describeValue(null)).toBe("null");
    expect(describeValue(Symbol("s"))).toBe("Symbol(s)");
    expect(describeError(new RangeError("out"))).toBe("RangeError: out");
    expect(describeValue(Object.create(null))).toBe("[object with a null prototype]");
  });

  for (const { name, value } of unprintables()) {
    it(`a callback throwing ${name}: the default handler logs it and the batch goes on ("log" mode)`, () => {
      const loop = new EventLoop();
      const spy = vi.spyOn(console, "error").mockImplementation(() => {});
      const log: string[] = [];
      loop.callSoon(() => {
        throw value;
      });
      loop.callSoon(() => log.push("sibling"));
      loop.callLater(1, () => log.push("timer"));
      loop.runUntilIdle();
      expect(log).toEqual(["sibling", "timer"]);
      expect(spy).toHaveBeenCalledOnce();
      expect(loop.unhandledErrors()[0]?.exception).toBe(value);
      spy.mockRestore();
    });

    it(`a callback throwing ${name} in "throw" mode: the run call throws UnhandledErrorsError`, () => {
      const loop = new EventLoop({ unhandled: "throw" });
      loop.callSoon(() => {
        throw value;
      });
      let caught: unknown;
      try {
        loop.runUntilIdle();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UnhandledErrorsError);
      expect((caught as UnhandledErrorsError).errors.length).toBe(1);
      expect((caught as UnhandledErrorsError).errors[0]).toBe(value);
    });

    it(`a policy throwing ${name} at a tie: the run call throws PolicyError and no tied timer is lost`, () => {
      const policy: SchedulingPolicy = {
        name: "hostile",
        levels: { ties: true, interleave: false, jitter: false, faults: false },
        choose(_point: ChoicePoint): number {
          throw value;
        },
        chooseDuration: (point) => point.min,
      };
      const loop = new EventLoop({ policy });
      const log: string[] = [];
      loop.callLater(1, () => log.push("a"));
      loop.callLater(1, () => log.push("b"));
      loop.callLater(1, () => log.push("c"));
      expect(() => loop.runUntilIdle()).toThrow(PolicyError);
      loop.runUntilIdle();
      expect(log).toEqual(["a", "b", "c"]);
    });
  }

  it("argument errors describe an unprintable argument instead of throwing a TypeError", () => {
    const loop = new EventLoop();
    const bad = Object.create(null) as number;
    expect(() => loop.callLater(bad, () => {})).toThrow(ArgumentError);
    expect(() => loop.callAt(bad, () => {})).toThrow(ArgumentError);
    expect(() => loop.runUntilTime(bad)).toThrow(ArgumentError);
    expect(() => loop.runFor(bad)).toThrow(ArgumentError);
    expect(() => loop.jitter(bad, bad)).toThrow(ArgumentError);
    expect(() => new EventLoop({ startTime: bad })).toThrow(ArgumentError);
    expect(() => new EventLoop({ maxSteps: bad })).toThrow(ArgumentError);
    expect(() => loop.random.exponential(bad)).toThrow(ArgumentError);
  });
});

describe("a task throwing a value that cannot be inspected (found by the hostile-programs property)", () => {
  for (const { name, value } of unprintables()) {
    it(`a task throwing ${name} fails with it instead of staying pending`, () => {
      const loop = new EventLoop({ unhandled: "throw" });
      const task = loop.createTask(
        (function* (): Coroutine<void> {
          yield;
          throw value;
        })(),
      );
      loop.runUntilIdle();
      expect(task.state).toBe("rejected");
      expect(task.exception() === value).toBe(true);
      expect(isCancellation(value)).toBe(false);
    });
  }
});

describe("null-prototype and proxy values as coroutines and yields (issue 11 item 3)", () => {
  it("createTask of a module namespace or a null-prototype object is an ArgumentError", () => {
    const loop = new EventLoop();
    expect(() => loop.createTask(helpers as never)).toThrow(ArgumentError);
    expect(() => loop.createTask(Object.create(null) as never)).toThrow(ArgumentError);
    expect(() => loop.runUntilComplete(Object.create(null) as never)).toThrow(ArgumentError);
  });

  for (const { name, value } of unprintables()) {
    it(`a task yielding ${name} gets a BadYieldError at its yield, and goes on`, () => {
      const loop = new EventLoop();
      const task = loop.createTask(
        (function* (): Coroutine<string> {
          try {
            yield value as never;
          } catch (error) {
            expect(error).toBeInstanceOf(BadYieldError);
            expect((error as BadYieldError).value).toBe(value);
            return "caught";
          }
          return "not caught";
        })(),
      );
      expect(loop.runUntilComplete(task)).toBe("caught");
    });
  }
});
