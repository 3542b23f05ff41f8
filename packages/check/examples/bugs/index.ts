/**
 * The bug corpus: each entry a small realistic program with a concurrency bug and its correct twin.
 *
 * @module
 */
import type { BugCase } from "./bug-case.ts";
import { cacheCheckThenActBug } from "./cache-check-then-act.ts";
import { cancelLeaksLockBug } from "./cancel-leaks-lock.ts";
import { lockOrderDeadlockBug } from "./lock-order-deadlock.ts";
import { lostUpdateBug } from "./lost-update.ts";
import { missedWakeupBug } from "./missed-wakeup.ts";
import { queueAbaBug } from "./queue-aba.ts";
import { semaphoreDoubleReleaseBug } from "./semaphore-double-release.ts";
import { staleReadDepth3Bug } from "./stale-read-depth3.ts";
import { timeoutReplyInFlightBug } from "./timeout-reply-in-flight.ts";

export type { BugCase } from "./bug-case.ts";
export { huntOptions } from "./bug-case.ts";

/** Every bug of the corpus. */
export const bugs: readonly BugCase[] = [
  lostUpdateBug,
  cacheCheckThenActBug,
  lockOrderDeadlockBug,
  missedWakeupBug,
  cancelLeaksLockBug,
  semaphoreDoubleReleaseBug,
  queueAbaBug,
  timeoutReplyInFlightBug,
  staleReadDepth3Bug,
];
