/**
 * Producer/consumer: two producers put items on a bounded queue at their own pace, one consumer takes
 * them; the queue's statistics say how long items waited and how full it was. Run it with
 * `pnpm --filter @simloop/examples run example producer-consumer`.
 */
import { EventLoop, type Coroutine } from "@simloop/core";
import { Queue, gather, sleep } from "@simloop/coroutines";

/** Runs the example, printing what happens at which virtual time. */
export function run(print: (line: string) => void): void {
  const loop = new EventLoop({ seed: 7, unhandled: "throw" });
  const queue = new Queue<string>({ maxsize: 2 });
  const at = (): string => `t=${loop.time().toFixed(2).padStart(5)}`;

  function* producer(name: string, count: number, every: number): Coroutine<void> {
    for (let i = 1; i <= count; i++) {
      yield* sleep(every);
      const item = `${name}${i}`;
      yield* queue.put(item); // waits while the queue is full
      print(`${at()}  ${name} put ${item} (${queue.qsize()} queued)`);
    }
  }

  function* consumer(count: number): Coroutine<void> {
    for (let i = 0; i < count; i++) {
      const item = yield* queue.get();
      yield* sleep(loop.random.exponential(1 / 1.5)); // work on it, 1.5 on average
      print(`${at()}  consumer done with ${item}`);
      queue.taskDone();
    }
  }

  loop.runUntilComplete(
    (function* () {
      yield* gather(producer("a", 4, 1), producer("b", 3, 1.5), consumer(7));
    })(),
  );
  print(`all 7 items consumed at ${at()}`);
}
