/**
 * The corpus modelled on real issues of Node.js projects: each bug cites the issue or pull request it
 * follows, its twin applies the real fix, and its I/O takes uncertain durations (`uncertain(min, max)`
 * given to the sleep or timer, milliseconds) rather than hand-aligned ties, so it is found under the
 * `jitter` level, and `exhaustive` tries each duration at its critical points.
 *
 * @module
 */
import type { BugCase } from "../bug-case.ts";
import { cacheEntryLostBug } from "./cache-entry-lost.ts";
import { callbackAfterTimeoutBug } from "./callback-after-timeout.ts";
import { jobProcessedTwiceBug } from "./job-processed-twice.ts";
import { keepaliveSocketReuseBug } from "./keepalive-socket-reuse.ts";
import { lazyInitTwiceBug } from "./lazy-init-twice.ts";
import { lockRenewalAfterFinishBug } from "./lock-renewal-after-finish.ts";
import { mkdirCheckThenCreateBug } from "./mkdir-check-then-create.ts";
import { poolTimeoutLeakBug } from "./pool-timeout-leak.ts";
import { refreshTokenReuseBug } from "./refresh-token-reuse.ts";
import { staleResponseOverwritesBug } from "./stale-response-overwrites.ts";

/** Every bug of the corpus modelled on Node.js issues. */
export const nodeBugs: readonly BugCase[] = [
  keepaliveSocketReuseBug,
  jobProcessedTwiceBug,
  lockRenewalAfterFinishBug,
  mkdirCheckThenCreateBug,
  callbackAfterTimeoutBug,
  lazyInitTwiceBug,
  staleResponseOverwritesBug,
  cacheEntryLostBug,
  refreshTokenReuseBug,
  poolTimeoutLeakBug,
];
