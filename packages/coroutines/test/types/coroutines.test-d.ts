/**
 * Type tests, checked by `npx tsc -p packages/coroutines` (never executed): the results of `yield*`
 * keep their types, and misuse is a type error.
 */
import { EventLoop, type Coroutine, type Future, type Task } from "@simloop/core";
import { expectTypeOf } from "vitest";
import {
  Container,
  Lock,
  Queue,
  Resource,
  Store,
  TaskGroup,
  asCompleted,
  gather,
  gatherReturnExceptions,
  run,
  shield,
  sleep,
  uncertain,
  taskGroup,
  timeout,
  wait,
  waitFor,
  type WaitResult,
} from "../../src/index.ts";

const loop = new EventLoop();

function* numberJob(): Coroutine<number> {
  yield* sleep(1);
  return 1;
}
function* stringJob(): Coroutine<string> {
  return yield* sleep(1, "s");
}

export function* combinators(): Coroutine<void> {
  expectTypeOf(yield* sleep(1, "x")).toEqualTypeOf<string>();
  expectTypeOf(yield* sleep(1)).toEqualTypeOf<undefined>();
  expectTypeOf(yield* sleep(uncertain(1, 2), "x")).toEqualTypeOf<string>();
  // @ts-expect-error an uncertain duration is not a number: waitFor's timeout takes a number
  yield* waitFor(stringJob(), uncertain(1, 2));
  // @ts-expect-error nor can the program compute with it
  yield* sleep(uncertain(1, 2) * 2);

  const task = loop.createTask(numberJob());
  expectTypeOf(task).toEqualTypeOf<Task<number>>();
  expectTypeOf(gather(numberJob(), stringJob(), task)).toEqualTypeOf<Future<[number, string, number]>>();
  expectTypeOf(yield* gather(numberJob(), stringJob())).toEqualTypeOf<[number, string]>();
  expectTypeOf(yield* gatherReturnExceptions(numberJob())).toEqualTypeOf<[unknown]>();

  expectTypeOf(yield* waitFor(stringJob(), 5)).toEqualTypeOf<string>();
  expectTypeOf(yield* shield(task)).toEqualTypeOf<number>();
  expectTypeOf(yield* wait([task])).toEqualTypeOf<WaitResult<Task<number>>>();
  for (const next of asCompleted([numberJob(), task])) expectTypeOf(yield* next).toEqualTypeOf<number>();

  expectTypeOf(
    yield* timeout(5, function* () {
      return yield* sleep(1, true);
    }),
  ).toEqualTypeOf<boolean>();
  expectTypeOf(
    yield* taskGroup(function* (tg) {
      expectTypeOf(tg).toEqualTypeOf<TaskGroup>();
      return tg.createTask(stringJob(), { name: "s" });
    }),
  ).toEqualTypeOf<Task<string>>();
  expectTypeOf(run(numberJob())).toEqualTypeOf<number>();

  // @ts-expect-error -- a plain function is not a coroutine: wait for a task, not a callback
  yield* waitFor(() => 1, 1);
  // @ts-expect-error -- wait() takes a list of futures, not a single future
  yield* wait(task);
  // @ts-expect-error -- asCompleted() takes a list of awaitables, not a single coroutine
  asCompleted(numberJob());
}

export function* primitives(): Coroutine<void> {
  const lock = new Lock();
  expectTypeOf(yield* lock.acquire()).toEqualTypeOf<true>();
  expectTypeOf(
    yield* lock.withLock(function* () {
      return yield* sleep(0, 1n);
    }),
  ).toEqualTypeOf<bigint>();

  const q = new Queue<number>();
  expectTypeOf(yield* q.get()).toEqualTypeOf<number>();
  // @ts-expect-error -- a Queue<number> refuses a string item
  q.putNowait("one");

  const store = new Store<{ id: number }>();
  expectTypeOf(yield* store.get()).toEqualTypeOf<{ id: number }>();
  // @ts-expect-error -- the store's item type is checked on put
  store.put({ name: "x" });

  const res = new Resource(2);
  expectTypeOf(yield* res.use(() => sleep(1, "served"))).toEqualTypeOf<string>();
  const tank = new Container({ capacity: 10 });
  expectTypeOf(yield* tank.get(1)).toEqualTypeOf<undefined>();
}

function* yieldsANumber() {
  yield 5;
  return "x";
}

export function misuse(): void {
  // @ts-expect-error -- a coroutine may yield only futures (through yield*) or nothing: `yield 5` is a bad yield
  loop.createTask(yieldsANumber());
  // @ts-expect-error -- createTask takes the generator object, not the generator function: call it
  loop.createTask(numberJob);
  // @ts-expect-error -- run() takes a coroutine, not a Promise: async functions cannot run on virtual time
  run(Promise.resolve(1));
  // @ts-expect-error -- gather's result is a future: iterate it with yield* inside a coroutine, not by indexing
  void gather(numberJob())[0];
}
