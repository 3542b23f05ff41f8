// The ESM test that tools/check-packages.mjs runs in a scratch project where the packed tarballs are
// installed with npm, as a user would: it imports each package by name and runs a program through it.
import assert from "node:assert/strict";
import { EventLoop, getEventLoop } from "@simloop/core";
import { gather, sleep, Lock } from "@simloop/coroutines";
import { explore, replay } from "@simloop/check";

// @simloop/core: a timer on virtual time.
const loop = new EventLoop({ unhandled: "throw" });
const seen = [];
loop.callLater(2, () => seen.push(loop.time()));
loop.runUntilIdle();
assert.deepEqual(seen, [2]);

// @simloop/coroutines: gather on virtual time.
function* task(s) {
  yield* sleep(s);
  return s;
}
const main = getEventLoop();
assert.deepEqual(main.runUntilComplete(gather(task(1), task(3))), [1, 3]);
assert.equal(main.time(), 3);

// @simloop/check: find the lost update, replay it, and pass the locked twin.
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
function* buggy() {
  const account = { balance: 100 };
  yield* gather(deposit(account, 10, 0), deposit(account, 20, 1));
  if (account.balance !== 130) throw new Error(`lost update: ${account.balance}`);
}
function* fixed() {
  const account = { balance: 100 };
  const lock = new Lock();
  yield* gather(deposit(account, 10, 0, lock), deposit(account, 20, 1, lock));
  if (account.balance !== 130) throw new Error(`lost update: ${account.balance}`);
}
const found = explore(buggy, { policy: "pct", runs: 200, seed: 1 });
assert.equal(found.ok, false);
assert.equal(`${found.failure.schedule}`, "t2=1");
assert.equal(replay(buggy, found.failure.schedule, { seed: found.failure.runSeed }).failure?.kind, "error");
assert.equal(explore(fixed, { policy: "exhaustive", runs: 100, seed: 1 }).ok, true);

console.log("scratch project: @simloop/core, @simloop/coroutines and @simloop/check imported from ESM and ran");
