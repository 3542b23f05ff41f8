/**
 * An exploration that finds a bug: two deposits race on a shared balance. Under asyncio's own order
 * (FIFO) the program passes; exploring the order of timers due at the same instant finds the
 * interleaving that loses an update, shrinks it to one deviation, and prints the report with a replay
 * line. Then the fixed twin (a Lock around the read-modify-write) passes every explored schedule.
 */
import { type Coroutine, type EventLoop } from "@simloop/core";
import { Lock, gather, sleep } from "@simloop/coroutines";
import { explore } from "@simloop/check";

interface Account {
  balance: number;
}

function* deposit(account: Account, amount: number, arrival: number): Coroutine<void> {
  if (arrival > 0) yield* sleep(arrival);
  const read = account.balance; // read …
  yield* sleep(1); // … wait for the ledger …
  account.balance = read + amount; // … write back: lost if another deposit read in between
}

function* lockedDeposit(account: Account, lock: Lock, amount: number, arrival: number): Coroutine<void> {
  if (arrival > 0) yield* sleep(arrival);
  yield* lock.with(function* () {
    const read = account.balance;
    yield* sleep(1);
    account.balance = read + amount;
  });
}

export function* buggy(_loop: EventLoop): Coroutine<void> {
  const account = { balance: 100 };
  yield* gather(deposit(account, 10, 0), deposit(account, 20, 1));
  if (account.balance !== 130) throw new Error(`lost update: balance is ${account.balance}, expected 130`);
}

export function* fixed(_loop: EventLoop): Coroutine<void> {
  const account = { balance: 100 };
  const lock = new Lock();
  yield* gather(lockedDeposit(account, lock, 10, 0), lockedDeposit(account, lock, 20, 1));
  if (account.balance !== 130) throw new Error(`lost update: balance is ${account.balance}, expected 130`);
}

/** Runs both explorations and prints what a developer would read. */
export function exploration(print: (line: string) => void): void {
  const fifo = explore(buggy, { policy: "fifo", runs: 1, seed: 1, name: "buggy" });
  print(`buggy deposits under asyncio's own order: ${fifo.ok ? "pass" : "FAIL"}`);
  const found = explore(buggy, { policy: "pct", runs: 1000, seed: 1, name: "buggy" });
  print(`buggy deposits: ${found.ok ? "no failure" : `failure found after ${found.runs} run(s)`}`);
  if (found.failure !== undefined) {
    for (const line of found.failure.report.split("\n")) print(`  ${line}`);
  }
  const clean = explore(fixed, { policy: "pct", runs: 1000, seed: 1, name: "fixed" });
  print(
    `locked deposits: ${clean.ok ? "passed" : "FAILED"} ${clean.runs} runs, ${clean.distinctSchedules} distinct schedules, ${clean.decisionPoints} decision points`,
  );
}
