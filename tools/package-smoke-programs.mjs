// Programs for the scratch project's test (tools/package-smoke.mjs), copied there as programs.mjs: two
// deposits that lose an update under one tie order, and their locked twin.
import { Lock, gather, sleep } from "@simloop/coroutines";

function* deposit(account, amount, arrival, lock) {
  if (arrival > 0) yield* sleep(arrival);
  const body = function* () {
    const read = account.balance;
    yield* sleep(1);
    account.balance = read + amount;
  };
  if (lock === undefined) yield* body();
  else yield* lock.with(body);
}

export function* buggy() {
  const account = { balance: 100 };
  yield* gather(deposit(account, 10, 0), deposit(account, 20, 1));
  if (account.balance !== 130) throw new Error(`lost update: ${account.balance}`);
}

export function* fixed() {
  const account = { balance: 100 };
  const lock = new Lock();
  yield* gather(deposit(account, 10, 0, lock), deposit(account, 20, 1, lock));
  if (account.balance !== 130) throw new Error(`lost update: ${account.balance}`);
}
