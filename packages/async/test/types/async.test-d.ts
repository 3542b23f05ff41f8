import { EventLoop, type Coroutine, type Task } from "@simloop/core";
import { describe, expectTypeOf, it } from "vitest";
import {
  fromPromise,
  runAsync,
  runProgramAsync,
  runUntilCompleteAsync,
  toPromise,
  type AsyncRunOutcome,
} from "../../src/index.ts";

// Type tests: checked by `tsc -p packages/async` (the package tsconfig includes test/), never executed
// for their values.
const loop = new EventLoop();
declare const task: Task<number>;
declare function worker(): Coroutine<string>;

describe("async mode's types", () => {
  it("returns main's value type from every entry", () => {
    expectTypeOf(runAsync(async () => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(runAsync(() => "sync")).toEqualTypeOf<Promise<string>>();
    expectTypeOf(runUntilCompleteAsync(loop, worker())).toEqualTypeOf<Promise<string>>();
    expectTypeOf(runUntilCompleteAsync(loop, task)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(runUntilCompleteAsync(loop, Promise.resolve(true))).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(runProgramAsync(async () => [1])).toEqualTypeOf<Promise<AsyncRunOutcome<number[]>>>();
    // @ts-expect-error a program receives its loop, not a string
    void runAsync(async (name: string) => name);
  });

  it("types the bridges", () => {
    expectTypeOf(toPromise(task)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(fromPromise(Promise.resolve("x"))).toEqualTypeOf<Coroutine<string>>();
    // @ts-expect-error toPromise takes a loop future, not a Promise
    void toPromise(Promise.resolve(1));
  });
});
