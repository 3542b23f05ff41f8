/**
 * A bank with two tellers and customers who renege: customers arrive at random (exponential
 * inter-arrival times), wait for a teller at most as long as their patience, and leave if none came
 * free in time — the request is withdrawn, so a teller never serves someone who already left. The
 * resource's statistics give the utilisation and the waiting times of those who were served.
 */
import { EventLoop, TimeoutError, type Coroutine } from "@simloop/core";
import { Resource, sleep, waitFor, type ResourceStatistics } from "@simloop/coroutines";

/** What the bank's observer sees after each change of the tellers' queue or users: their statistics. */
export type BankObservation = ResourceStatistics;

/** Runs the example, printing each customer's fate and the day's figures. */
export function run(print: (line: string) => void): void {
  simulate(print);
}

/**
 * The example's model: prints as {@link run} does and, when given `observe`, calls it with the tellers'
 * statistics at the start and after every request, departure and release (every change of the queue or
 * of the busy tellers). Observing changes nothing in the run.
 */
export function simulate(print: (line: string) => void, observe?: (observation: BankObservation) => void): void {
  const loop = new EventLoop({ seed: 2026, unhandled: "throw" });
  const tellers = new Resource(2, { loop });
  const observed = (): void => observe?.(tellers.statistics());
  observed();
  const at = (): string => `t=${loop.time().toFixed(1).padStart(5)}`;
  let served = 0;
  let reneged = 0;

  function* customer(name: string): Coroutine<void> {
    const patience = loop.random.uniform(1, 4);
    const request = tellers.request();
    observed();
    try {
      yield* waitFor(request, patience); // on timeout, waitFor cancels the request: it leaves the queue
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
      reneged++;
      observed();
      print(`${at()}  ${name} leaves after waiting ${patience.toFixed(1)}`);
      return;
    }
    try {
      print(`${at()}  ${name} is served`);
      yield* sleep(loop.random.exponential(1 / 5)); // 5 on average
      served++;
    } finally {
      tellers.release(request);
      observed();
    }
  }

  function* arrivals(count: number): Coroutine<void> {
    const customers = [];
    for (let i = 1; i <= count; i++) {
      yield* sleep(loop.random.exponential(1 / 2)); // one every 2 on average
      customers.push(loop.createTask(customer(`customer ${String(i).padStart(2)}`)));
    }
    for (const c of customers) yield* c;
  }

  loop.runUntilComplete(arrivals(20));
  const s = tellers.statistics();
  print(`${served} served, ${reneged} left without service, closed at ${at()}`);
  print(
    `tellers busy ${(s.utilisation * 100).toFixed(1)}% of the time; mean wait of those served ${s.wait.mean.toFixed(2)}`,
  );
}
