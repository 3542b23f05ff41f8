/**
 * The seed's six scenarios, as a user writes them, printing virtual timestamps. Returns the printed lines
 * so the test suite can compare them with `seed-scenarios.out`.
 */
import { EventLoop, setEventLoop, type Coroutine } from "@simloop/core";
import { ensureFuture, gather, isCoroutineFunction, sleep } from "@simloop/coroutines";

export function seedScenarios(print: (line: string) => void): void {
  let loop = new EventLoop();
  setEventLoop(loop);
  const at = (text: string): void => print(`  [t=${loop.time()}] ${text}`);

  // §1 a coroutine is a generator function
  function* task(s: number): Coroutine<string> {
    at(`please wait ${s} seconds`);
    yield* sleep(s); // virtual: takes no real time
    return "task is over";
  }
  print("[t=…] is the loop's virtual clock, loop.time(): sleeping takes no real time, it moves the clock.");
  print("Scenarios 1–4 run on one loop, so its clock carries on from one to the next.");
  print("1. coroutine definition");
  at(`isCoroutineFunction(task) = ${isCoroutineFunction(task)}`);

  print("2. runUntilComplete(task(3))");
  at(`returned "${loop.runUntilComplete(task(3))}"`);

  print("3. ensureFuture + addDoneCallback");
  const fut = ensureFuture(task(3));
  fut.addDoneCallback((f) => at(`done callback: ${f.result()}`));
  loop.runUntilComplete(fut);

  print("4. gather(task1(1), task2(3))");
  function* task1(s: number): Coroutine<string> {
    at(`task1 waits ${s}`);
    yield* sleep(s);
    at("task1 is over");
    return "one";
  }
  function* task2(s: number): Coroutine<string> {
    at(`task2 waits ${s}`);
    yield* sleep(s);
    at("task2 is over");
    return "two";
  }
  at(`gather returned ${JSON.stringify(loop.runUntilComplete(gather(task1(1), task2(3))))}`);

  print("5. runForever ended by stop() from a task");
  print("  (a new loop, so the clock starts again at t=0; scenario 6 carries on from this one's t=3)");
  loop = new EventLoop();
  setEventLoop(loop);
  loop.createTask(
    (function* (): Coroutine<void> {
      yield* sleep(3);
      at("task calls loop.stop()");
      loop.stop();
    })(),
  );
  loop.runForever();
  at("runForever returned");

  print("6. stop() in gather's done callback: siblings in the same batch still run");
  const all = gather(task(1), task(3));
  all.addDoneCallback(() => {
    at("first done callback calls loop.stop()");
    loop.stop();
    loop.callSoon(() => at("queued during the stopping batch: runs on the next run"));
  });
  all.addDoneCallback(() => at("second done callback still runs (same batch)"));
  loop.runForever();
  at("runForever returned");
  loop.runUntilIdle();
  setEventLoop(null);
}
