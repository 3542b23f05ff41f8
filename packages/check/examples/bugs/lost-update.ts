/**
 * Lost update: two deposits read the balance, wait for the ledger service (1 s), then write back
 * read + amount. The second deposit arrives exactly when the first one's write is due; if its arrival
 * is handled first, both read the same balance and one deposit is lost. Fixed with a lock around the
 * read-modify-write.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { gather, Lock, sleep } from "@simloop/coroutines";
import type { BugCase } from "./bug-case.ts";

interface Account {
  balance: number;
}

function* deposit(account: Account, amount: number, arrival: number) {
  if (arrival > 0) yield* sleep(arrival);
  const read = account.balance;
  yield* sleep(1); // the ledger service confirms
  account.balance = read + amount;
}

function* lockedDeposit(account: Account, lock: Lock, amount: number, arrival: number) {
  if (arrival > 0) yield* sleep(arrival);
  yield* lock.with(function* () {
    const read = account.balance;
    yield* sleep(1);
    account.balance = read + amount;
  });
}

function* lostUpdate(_loop: EventLoop) {
  const account = { balance: 100 };
  yield* gather(deposit(account, 10, 0), deposit(account, 20, 1));
  if (account.balance !== 130) throw new Error(`lost update: balance is ${account.balance}, expected 130`);
}

function* lostUpdateFixed(_loop: EventLoop) {
  const account = { balance: 100 };
  const lock = new Lock();
  yield* gather(lockedDeposit(account, lock, 10, 0), lockedDeposit(account, lock, 20, 1));
  if (account.balance !== 130) throw new Error(`lost update: balance is ${account.balance}, expected 130`);
}

/** The lost-update bug and its locked twin. */
export const lostUpdateBug: BugCase = {
  id: "lost-update",
  summary: "a deposit arriving when another's write is due reads the old balance",
  buggy: lostUpdate,
  fixed: lostUpdateFixed,
  kind: "error",
  depth: 1,
  budgets: { random: 50, pct: 50, exhaustive: 10, "fast-check": 100 },
};
