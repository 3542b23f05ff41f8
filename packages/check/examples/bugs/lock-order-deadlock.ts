/**
 * Lock-order deadlock: a transfer locks the source account, prepares (1 s), then locks the target;
 * an audit that starts 1 s later locks the target and then the source. If the audit starts before the
 * transfer takes its second lock, each holds what the other wants. Fixed by taking locks in one global
 * order.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { gather, Lock, sleep } from "@simloop/coroutines";
import type { BugCase } from "./bug-case.ts";

function* transfer(first: Lock, second: Lock) {
  yield* first.acquire();
  try {
    yield* sleep(1); // validate the transfer
    yield* second.with(function* () {
      yield* sleep(1); // move the money
    });
  } finally {
    first.release();
  }
}

function* audit(first: Lock, second: Lock) {
  yield* sleep(1);
  yield* first.with(() => second.with(() => sleep(1)));
}

function* lockOrder(_loop: EventLoop) {
  const alice = new Lock();
  const bob = new Lock();
  yield* gather(transfer(alice, bob), audit(bob, alice));
}

function* lockOrderFixed(_loop: EventLoop) {
  const alice = new Lock();
  const bob = new Lock();
  // One global order: alice before bob, whoever asks.
  yield* gather(transfer(alice, bob), audit(alice, bob));
}

/** The lock-order deadlock and its ordered twin. */
export const lockOrderDeadlockBug: BugCase = {
  id: "lock-order-deadlock",
  summary: "an audit takes the target lock before a transfer's second acquire",
  buggy: lockOrder,
  fixed: lockOrderFixed,
  kind: "deadlock",
  depth: 1,
  budgets: { random: 50, pct: 50, exhaustive: 10, "fast-check": 100 },
};
