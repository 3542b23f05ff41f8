import { describe, expectTypeOf, it } from "vitest";
import {
  EventLoop,
  WaitableTimer,
  uncertain,
  type Coroutine,
  type Future,
  type Handle,
  type Task,
  type TimerHandle,
} from "../../src/index.ts";

// Type tests: checked by `tsc -p packages/core` (the package tsconfig includes test/), never executed
// for their values.
const loop = new EventLoop();

describe("the loop's types", () => {
  it("types callback arguments from the callback's parameters", () => {
    expectTypeOf(loop.callSoon((a: string, b: number) => `${a}${b}`, "x", 1)).toEqualTypeOf<Handle>();
    expectTypeOf(loop.callLater(1, (a: string) => a, "x")).toEqualTypeOf<TimerHandle>();
    expectTypeOf(loop.callAt(2, () => {})).toEqualTypeOf<TimerHandle>();
    // @ts-expect-error the callback wants a string, a number is passed
    loop.callSoon((a: string) => a, 1);
    // @ts-expect-error the callback wants two arguments, one is passed
    loop.callLater(1, (a: string, b: number) => a + b, "x");
    // @ts-expect-error the delay must be a number
    loop.callLater("1", () => {});
  });

  it("gives a task the coroutine's return type, and yield* a future its value type", () => {
    function* worker(): Coroutine<number> {
      const fut: Future<string> = loop.createFuture<string>();
      const text = yield* fut;
      expectTypeOf(text).toEqualTypeOf<string>();
      return text.length;
    }
    expectTypeOf(loop.createTask(worker())).toEqualTypeOf<Task<number>>();
    expectTypeOf(loop.runUntilComplete(worker())).toEqualTypeOf<number>();
    expectTypeOf(loop.runUntilComplete(loop.createFuture<boolean>())).toEqualTypeOf<boolean>();
  });

  it("refuses a coroutine that yields something a task cannot wait on", () => {
    function* yieldsNumber() {
      yield 5;
      return 1;
    }
    // @ts-expect-error a coroutine may only yield futures (through yield*) or nothing
    loop.createTask(yieldsNumber());
    // @ts-expect-error a generator function is not a coroutine: call it
    loop.createTask(yieldsNumber);
  });
});

describe("uncertain durations' types", () => {
  it("are accepted where a timer is armed, and are not numbers", () => {
    expectTypeOf(loop.callLater(uncertain(1, 2), () => {})).toEqualTypeOf<TimerHandle>();
    expectTypeOf(loop.callAt(uncertain(1, 2), (a: string) => a, "x")).toEqualTypeOf<TimerHandle>();
    expectTypeOf(new WaitableTimer(uncertain(1, 2), "v")).toEqualTypeOf<WaitableTimer<string>>();
    const reply = uncertain(5, 50);
    // @ts-expect-error arithmetic on an uncertain duration: its value is the loop's to draw
    void (reply + 1);
    // @ts-expect-error nor is it a number for Math
    Math.max(reply, 3);
    // @ts-expect-error nor is it a number for the program's own delays
    const delay: number = reply;
    void delay;
    // @ts-expect-error a look-alike object is not an uncertain duration
    loop.callLater({ min: 1, max: 2 }, () => {});
    // @ts-expect-error loop.jitter draws a bare number: it takes numbers only
    loop.jitter(reply, 3);
  });
});
