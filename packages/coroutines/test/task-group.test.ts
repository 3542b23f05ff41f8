import { CancelledError, currentTask, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { TaskGroup, TaskGroupError, TaskGroupStateError, sleep, taskGroup } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("taskGroup / TaskGroup (asyncio rule 38)", () => {
  it("on a child failure cancels the other children in creation order, then the body, and throws one TaskGroupError", () => {
    const log = scenario(function* (t) {
      function* child(n: number, d: number, fail = false): Coroutine<void> {
        try {
          yield* sleep(d);
          if (fail) throw new Error(`boom ${n}`);
          t.note(`child ${n} done`);
        } catch (e) {
          if (e instanceof CancelledError) t.note(`child ${n} cancelled`);
          throw e;
        }
      }
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(child(1, 5));
          tg.createTask(child(2, 1, true));
          tg.createTask(child(3, 1, true));
          tg.createTask(child(4, 7));
          try {
            yield* sleep(10);
          } catch (e) {
            if (e instanceof CancelledError) t.note("body cancelled");
            throw e;
          }
        });
      } catch (e) {
        if (!(e instanceof TaskGroupError)) throw e;
        t.note(`group ${JSON.stringify(e.errors.map((x) => (x as Error).message))}`);
        expect(e.message).toContain("1. Error: boom 2");
        expect(e.message).toContain("2. Error: boom 3");
      }
      t.note(`cancelling ${currentTask()?.cancelling()}`);
    });
    expect(log).toEqual([
      [1, "child 1 cancelled@6"],
      [1, "child 4 cancelled@6"],
      [1, "body cancelled@6"],
      [1, 'group ["boom 2","boom 3"]@8'],
      [1, "cancelling 0@8"],
    ]);
  });

  it("puts a body error last, after the children's errors", () => {
    const log = scenario(function* (t) {
      function* child(n: number, d: number): Coroutine<void> {
        try {
          yield* sleep(d);
          t.note(`child ${n} done`);
        } catch (e) {
          if (e instanceof CancelledError) t.note(`child ${n} cancelled`);
          throw e;
        }
      }
      function* failing(): Coroutine<void> {
        yield* sleep(0.5);
        throw new RangeError("k");
      }
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(child(1, 5));
          tg.createTask(failing());
          yield* sleep(1);
          throw new TypeError("body");
        });
      } catch (e) {
        if (!(e instanceof TaskGroupError)) throw e;
        t.note(`group ${e.errors.map((x) => (x as Error).name).join(",")}`);
      }
    });
    // asyncio's trace: the body is cancelled at t=0.5 by the child's failure, so its own error never happens.
    expect(log).toEqual([
      [0.5, "child 1 cancelled@6"],
      [0.5, "group RangeError@8"],
    ]);
  });

  it("reports a body error that is not a cancellation after the children's errors", () => {
    scenario(function* () {
      function* failing(): Coroutine<void> {
        yield* sleep(1);
        throw new RangeError("child");
      }
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(failing());
          throw new TypeError("body");
        });
      } catch (e) {
        if (!(e instanceof TaskGroupError)) throw e;
        expect(e.errors.map((x) => (x as Error).message)).toEqual(["body"]);
      }
    });
  });

  it("waits for every child and returns the body's result; names go through setName after Task-<n>", () => {
    const log = scenario(function* (t) {
      function* child(n: number, d: number): Coroutine<number> {
        yield* sleep(d);
        t.note(`child ${n}`);
        return n;
      }
      const [a, b] = yield* taskGroup(function* (tg) {
        const x = tg.createTask(child(1, 2));
        const y = tg.createTask(child(2, 1), { name: "named" });
        t.note(`names ${x.getName()} ${y.getName()}`);
        return [x, y] as const;
      });
      t.note(`after ${a.result()} ${b.result()}`);
    });
    expect(log).toEqual([
      [0, "names Task-2 named@1"],
      [1, "child 2@4"],
      [2, "child 1@7"],
      [2, "after 1 2@9"],
    ]);
  });

  it("propagates an outside cancellation as CancelledError after cancelling the children (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      const parent = t.loop.createTask(
        taskGroup(function* (tg) {
          tg.createTask(sleep(10));
          yield* sleep(10);
        }),
      );
      yield* sleep(1);
      parent.cancel();
      try {
        yield* parent;
      } catch (e) {
        t.note(e instanceof CancelledError ? "cancelled" : String(e));
      }
    });
    expect(log).toEqual([[1, "cancelled@10"]]);
  });

  it("refuses new tasks once aborting or finished, and a second entry", () => {
    scenario(function* () {
      const group = new TaskGroup();
      yield* group.run(function* () {
        yield* sleep(0);
      });
      expect(() => group.createTask(sleep(1))).toThrow(TaskGroupStateError);
      expect(() => new TaskGroup().createTask(sleep(1))).toThrow(/has not been entered/);
      try {
        yield* group.run(function* () {});
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(TaskGroupStateError);
      }
    });
  });
});
