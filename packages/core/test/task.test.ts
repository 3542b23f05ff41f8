import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BadYieldError,
  CancelledError,
  EventLoop,
  Interrupt,
  InterruptMisuseError,
  LoopMisuseError,
  Task,
  WrongLoopError,
  allTasks,
  currentTask,
  isCancellation,
  isGenerator,
  type Coroutine,
  type Future,
} from "../src/index.ts";
import { removePendingTask } from "../src/pending-tasks.ts";
import { nap, recorder } from "./helpers.ts";

describe("Task", () => {
  it("runs nothing at creation; its first step runs in the next iteration (rule 18)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    function* body(): Coroutine<void> {
      log.push(`body@${loop.iteration}`);
    }
    loop.callSoon(() => {
      loop.createTask(body());
      log.push(`creator goes on@${loop.iteration}`);
    });
    loop.runUntilIdle();
    expect(log).toEqual(["creator goes on@1", "body@2"]);
  });

  it("gives up exactly one iteration on a bare yield (rule 19)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    function* body(): Coroutine<void> {
      log.push("a");
      yield;
      log.push("c");
    }
    loop.createTask(body());
    loop.callSoon(() => log.push("b"));
    loop.runUntilIdle();
    expect(log).toEqual(["a", "b", "c"]);
    expect(loop.iteration).toBe(2);
  });

  it("pays an extra hop after a timer: a same-deadline callLater runs one iteration before the sleeper (rule 20)", () => {
    const loop = new EventLoop();
    const { log, at } = recorder(loop);
    function* sleeper(): Coroutine<void> {
      yield* nap(1);
      at(`sleeper@${loop.iteration}`);
    }
    loop.createTask(sleeper());
    loop.callSoon(() => loop.callLater(1, () => at(`timer@${loop.iteration}`)));
    loop.runUntilIdle();
    expect(log).toEqual(["1 timer@2", "1 sleeper@3"]);
  });

  it("does not yield when awaiting a done future (rule 17)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    fut.setResult(5);
    function* body(): Coroutine<void> {
      const value = yield* fut;
      log.push(`got ${value}@${loop.iteration}`);
    }
    loop.createTask(body());
    loop.runUntilIdle();
    expect(log).toEqual(["got 5@1"]);
  });

  it("awaits a coroutine inline, without a task (rule 21)", () => {
    const loop = new EventLoop();
    function* inner(): Coroutine<number> {
      return 3;
    }
    function* outer(): Coroutine<number> {
      return (yield* inner()) + 1;
    }
    expect(loop.runUntilComplete(outer())).toBe(4);
    // One iteration for the task's only step, one for runUntilComplete's stop callback.
    expect(loop.iteration).toBe(2);
  });

  it("cancelled before its first step never runs, not even its finally (rule 23)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    function* body(): Coroutine<void> {
      try {
        log.push("body");
      } finally {
        log.push("finally");
      }
    }
    const task = loop.createTask(body());
    expect(task.cancel()).toBe(true);
    expect(() => loop.runUntilComplete(task)).toThrow(CancelledError);
    expect(log).toEqual([]);
    expect(task.cancelled()).toBe(true);
  });

  it("cancelled while sleeping gets CancelledError at its yield*, runs its finally, and is cancelled (rule 22)", () => {
    const loop = new EventLoop();
    const { log, at } = recorder(loop);
    function* body(): Coroutine<void> {
      try {
        yield* nap(10);
      } finally {
        at("finally");
      }
    }
    const task = loop.createTask(body());
    loop.callLater(2, () => task.cancel("stop it"));
    expect(() => loop.runUntilComplete(task)).toThrow("stop it");
    expect(log).toEqual(["2 finally"]);
    expect(loop.peek()).toBe(Infinity);
  });

  it("throws CancelledError at the next step even when the awaited future already completed (rule 22)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    function* body(): Coroutine<void> {
      try {
        yield* fut;
        log.push("resumed normally");
      } catch (error) {
        log.push(isCancellation(error) ? "cancelled" : "other");
        throw error;
      }
    }
    const task = loop.createTask(body());
    loop.callSoon(() => {
      fut.setResult(1);
      expect(task.cancel()).toBe(true);
    });
    expect(() => loop.runUntilComplete(task)).toThrow(CancelledError);
    expect(log).toEqual(["cancelled"]);
  });

  it("returns true from cancel() on every call while pending and counts them; false when done (rule 24)", () => {
    const loop = new EventLoop();
    function* body(): Coroutine<string> {
      try {
        yield* nap(5);
      } catch {
        return "swallowed";
      }
      return "normal";
    }
    const task = loop.createTask(body());
    loop.callLater(1, () => {
      expect(task.cancel()).toBe(true);
      expect(task.cancel()).toBe(true);
    });
    expect(loop.runUntilComplete(task)).toBe("swallowed");
    expect(task.cancelling()).toBe(2);
    expect(task.uncancel()).toBe(1);
    expect(task.cancel()).toBe(false);
  });

  it("completes normally when it swallows CancelledError, keeping cancelling() at 1 (rule 25)", () => {
    const loop = new EventLoop();
    function* body(): Coroutine<number> {
      try {
        yield* nap(5);
      } catch {
        /* swallowed */
      }
      return 9;
    }
    const task = loop.createTask(body());
    loop.callLater(1, () => task.cancel());
    expect(loop.runUntilComplete(task)).toBe(9);
    expect(task.cancelled()).toBe(false);
    expect(task.cancelling()).toBe(1);
  });

  it("is cancelled when its coroutine throws CancelledError by itself (rule 26)", () => {
    const loop = new EventLoop();
    function* body(): Coroutine<void> {
      yield;
      throw new CancelledError("self");
    }
    const task = loop.createTask(body());
    expect(() => loop.runUntilComplete(task)).toThrow("self");
    expect(task.cancelled()).toBe(true);
  });

  it("does not report a failed task nobody awaits to the handler (rule 27), but lists it as unretrieved", () => {
    const loop = new EventLoop({ unhandled: "throw" });
    function* body(): Coroutine<void> {
      throw new Error("ignored");
    }
    const task = loop.createTask(body());
    loop.runUntilIdle();
    expect(loop.unhandledErrors()).toEqual([]);
    expect(loop.unretrievedFutures()).toHaveLength(1);
    expect(loop.unretrievedFutures()[0]).toBe(task);
  });

  it("throws a bad yield into the coroutine at its next step, where its own try sees it", () => {
    const loop = new EventLoop();
    const caught: string[] = [];
    const values: unknown[] = [42, "text", Promise.resolve(1), (function* () {})(), null];
    function* body(): Coroutine<void> {
      for (const value of values) {
        try {
          yield value as Future<unknown>;
        } catch (error) {
          caught.push(`${(error as BadYieldError).name}: ${(error as Error).message.split(":")[0]}`);
          expect(error).toBeInstanceOf(BadYieldError);
        }
      }
    }
    loop.runUntilComplete(body());
    expect(caught).toEqual([
      "BadYieldError: Task got bad yield",
      "BadYieldError: Task got bad yield",
      "BadYieldError: Task <Task pending name='Task-1'> yielded a Promise outside async mode, where nothing runs its continuations on virtual time",
      "BadYieldError: yield was used instead of yield* for a generator in task <Task pending name='Task-1'>",
      "BadYieldError: Task got bad yield",
    ]);
  });

  it("fails with the bad yield when the coroutine does not catch it", () => {
    const loop = new EventLoop();
    function* body(): Coroutine<void> {
      yield Promise.resolve() as never;
    }
    expect(() => loop.runUntilComplete(body())).toThrow(/yield\*/);
  });

  it("refuses `yield future` without the star, a future of another loop, and awaiting itself", () => {
    const loop = new EventLoop();
    const other = new EventLoop();
    const errors: string[] = [];
    let self: Task<void> | null = null;
    function* body(): Coroutine<void> {
      for (const attempt of [
        () => loop.createFuture<void>(),
        () => other.createFuture<void>(),
        () => self as Task<void>,
      ]) {
        try {
          const fut = attempt();
          if (fut === self) yield* fut;
          else if (fut.getLoop() === other) yield* fut;
          else yield fut;
        } catch (error) {
          errors.push((error as LoopMisuseError).code);
        }
      }
    }
    self = loop.createTask(body());
    loop.runUntilComplete(self);
    expect(errors).toEqual(["BAD_YIELD", "WRONG_LOOP", "AWAIT_SELF"]);
    expect(WrongLoopError.name).toBe("WrongLoopError");
  });

  it("counts default names per loop, and keeps given names", () => {
    const a = new EventLoop();
    const b = new EventLoop();
    const body = function* (): Coroutine<void> {};
    expect(a.createTask(body()).getName()).toBe("Task-1");
    expect(a.createTask(body(), { name: "worker" }).getName()).toBe("worker");
    expect(a.createTask(body()).getName()).toBe("Task-2");
    expect(b.createTask(body()).getName()).toBe("Task-1");
  });

  it("reports currentTask inside a step and allTasks while pending", () => {
    const loop = new EventLoop();
    const seen: unknown[] = [];
    function* body(): Coroutine<void> {
      seen.push(currentTask());
      seen.push(allTasks().size);
      yield;
    }
    const task = loop.createTask(body());
    loop.callSoon(() => seen.push(currentTask()));
    loop.runUntilIdle();
    expect(seen).toEqual([task, 1, null]);
    expect(loop.allTasks().size).toBe(0);
  });

  it("lists the pending tasks in creation order, whatever order they are created, finish or are cancelled in", () => {
    const spec = fc.record({
      createAt: fc.option(fc.integer({ min: 0, max: 4 })),
      delay: fc.integer({ min: 0, max: 4 }),
      cancelAfter: fc.option(fc.integer({ min: 0, max: 4 })),
    });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 12 }), (specs) => {
        const loop = new EventLoop();
        const tasks: Task<void>[] = [];
        const create = (s: { delay: number; cancelAfter: number | null }): void => {
          const task = loop.createTask(nap(s.delay));
          tasks.push(task);
          if (s.cancelAfter !== null) loop.callLater(s.cancelAfter, () => task.cancel());
        };
        // Some tasks now, some from callbacks later, while others are finishing.
        for (const s of specs) {
          if (s.createAt === null) create(s);
          else loop.callLater(s.createAt, () => create(s));
        }
        // By name: a task is iterable (yield* task), so a deep comparison would iterate it.
        const names = (list: Iterable<Task<unknown>>): string[] => [...list].map((task) => task.getName());
        const check = (): void => {
          expect(names(loop.allTasks())).toEqual(names(tasks.filter((task) => !task.done())));
        };
        check();
        for (let t = 0; t <= 10; t++) {
          loop.runUntilTime(t);
          check();
        }
        expect(tasks).toHaveLength(specs.length);
        expect(loop.allTasks().size).toBe(0);
      }),
    );
  });

  it("leaves the pending list intact when told twice that a task is done", () => {
    const loop = new EventLoop();
    const [a, b, c] = [loop.createTask(nap(1)), loop.createTask(nap(1)), loop.createTask(nap(1))];
    removePendingTask(loop, b as Task<unknown>);
    removePendingTask(loop, b as Task<unknown>);
    removePendingTask(loop, a as Task<unknown>);
    removePendingTask(loop, a as Task<unknown>);
    expect([...loop.allTasks()]).toHaveLength(1);
    expect(loop.allTasks().has(c as Task<unknown>)).toBe(true);
    loop.runUntilIdle();
  });

  it("refuses set_result and set_exception", () => {
    const loop = new EventLoop();
    const task = loop.createTask(
      (function* (): Coroutine<number> {
        return 1;
      })(),
    );
    expect(() => task.setResult(2)).toThrow(LoopMisuseError);
    expect(() => task.setException(new Error())).toThrow(/set_exception/);
    loop.runUntilIdle();
    expect(task.result()).toBe(1);
  });

  it("reports what a waiting task waits on", () => {
    const loop = new EventLoop();
    const fut = loop.createFuture<void>("signal");
    const task = loop.createTask(
      (function* (): Coroutine<void> {
        yield* fut;
      })(),
    );
    loop.runUntilIdle();
    expect(task.waitingOn()).toBe(fut);
    fut.setResult();
    loop.runUntilIdle();
    expect(task.done()).toBe(true);
  });
});

describe("Task.interrupt", () => {
  it("throws into the coroutine at its yield* without cancelling what it waited on", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const other = loop.createTask(
      (function* (): Coroutine<string> {
        yield* nap(5);
        return "other finished";
      })(),
    );
    const worker = loop.createTask(
      (function* (): Coroutine<void> {
        try {
          yield* other;
        } catch (error) {
          log.push(`${loop.time()} interrupted: ${String((error as Interrupt).cause)}`);
        }
        const result = yield* other;
        log.push(`${loop.time()} ${result}`);
      })(),
    );
    loop.callLater(2, () => worker.interrupt("breakdown"));
    loop.runUntilComplete(worker);
    expect(log).toEqual(["2 interrupted: breakdown", "5 other finished"]);
    expect(other.cancelled()).toBe(false);
    expect(() => worker.interrupt("late")).toThrow(InterruptMisuseError);
  });

  it("wins over a wake-up that is already queued, and queues several interrupts, one per suspension", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const futures = [loop.createFuture<number>(), loop.createFuture<number>(), loop.createFuture<number>()];
    const worker = loop.createTask(
      (function* (): Coroutine<void> {
        for (const fut of futures) {
          try {
            log.push(`got ${yield* fut}`);
          } catch (error) {
            log.push(`caught ${String((error as Interrupt).cause)}`);
          }
        }
      })(),
    );
    loop.callSoon(() => {
      futures[0]?.setResult(1); // the wake-up is queued now
      worker.interrupt("a");
      worker.interrupt("b");
      futures[2]?.setResult(3);
    });
    loop.runUntilComplete(worker);
    expect(log).toEqual(["caught a", "caught b", "got 3"]);
    expect(futures[1]?.done()).toBe(false);
  });

  it("never replaces a cancellation already on its way; the interrupt comes at the next suspension", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const worker = loop.createTask(
      (function* (): Coroutine<void> {
        try {
          yield* nap(10);
        } catch (error) {
          log.push(`first: ${(error as Error).name}`);
        }
        try {
          yield* nap(10);
        } catch (error) {
          log.push(`second: ${String((error as Interrupt).cause)}`);
        }
      })(),
    );
    loop.callLater(1, () => {
      worker.cancel();
      worker.interrupt("breakdown");
    });
    loop.runUntilComplete(worker);
    expect(log).toEqual(["first: CancelledError", "second: breakdown"]);
    expect(loop.time()).toBe(1);
  });

  it("refuses a task interrupting itself", () => {
    const loop = new EventLoop();
    const self: { task: Task<void> | null } = { task: null };
    self.task = loop.createTask(
      (function* (): Coroutine<void> {
        self.task?.interrupt("me");
      })(),
    );
    expect(() => loop.runUntilComplete(self.task as Task<void>)).toThrow(/not allowed to interrupt itself/);
  });
});

describe("isGenerator", () => {
  it("recognises generator objects, those of a generator function created anew included, and the protocol", () => {
    const objects = [0, 1, 2].map(() => {
      function* fresh(): Coroutine<number> {
        yield* nap(0);
        return 1;
      }
      return fresh();
    });
    for (const object of objects) expect(isGenerator(object)).toBe(true);
    expect(isGenerator(Object.create(objects[0] as object))).toBe(true);
    const protocol = { next: () => ({ done: true, value: 1 }), throw: () => undefined, return: () => undefined };
    expect(isGenerator(protocol)).toBe(true);
    expect(isGenerator(Object.assign(Object.create(null) as object, protocol))).toBe(true);
  });

  it("refuses what is not a coroutine, a revoked Proxy included", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const value of [null, undefined, 1, "gen", {}, { next: () => 1 }, proxy, function* () {}]) {
      expect(isGenerator(value)).toBe(false);
    }
  });

  it("runs a generator of a generator function created per run as a task", () => {
    for (let run = 0; run < 3; run++) {
      function* deposit(): Coroutine<number> {
        yield* nap(1);
        return run;
      }
      expect(new EventLoop().runUntilComplete(deposit())).toBe(run);
    }
  });
});

describe("how a task resumes its coroutine (decision 0044)", () => {
  it("resumes a generator object with the engine's generator methods, not a next or throw defined on its function's prototype", () => {
    const calls: string[] = [];
    function* body(): Coroutine<string> {
      try {
        yield* nap(1);
      } catch (error) {
        return `caught ${String(error)}`;
      }
      return "slept";
    }
    const proto = body.prototype as { next: unknown; throw: unknown };
    proto.next = function () {
      calls.push("next");
      return { done: true, value: "overridden" };
    };
    proto.throw = function () {
      calls.push("throw");
      return { done: true, value: "overridden" };
    };
    const loop = new EventLoop();
    expect(loop.runUntilComplete(body())).toBe("slept");
    const task = loop.createTask(body());
    loop.callSoon(() => task.interrupt("stop"));
    expect(loop.runUntilComplete(task)).toMatch(/^caught /);
    expect(calls).toEqual([]);
  });

  it("resumes an object that only implements the protocol through its own methods", () => {
    const sent: unknown[] = [];
    const protocol = {
      next(value: unknown) {
        sent.push(value);
        return { done: true as const, value: "own" };
      },
      throw: (error: unknown) => {
        throw error;
      },
      return: (value: unknown) => ({ done: true as const, value }),
    };
    expect(new EventLoop().runUntilComplete(protocol as unknown as Coroutine<string>)).toBe("own");
    expect(sent).toEqual([undefined]);
  });

  it("fails a task whose coroutine only inherits from a generator object with the engine's TypeError, as before", () => {
    function* body(): Coroutine<number> {
      yield* nap(1);
      return 1;
    }
    const loop = new EventLoop();
    const task = loop.createTask(Object.create(body()) as Coroutine<number>);
    loop.runUntilComplete(nap(2));
    expect(task.exception()).toBeInstanceOf(TypeError);
  });
});
