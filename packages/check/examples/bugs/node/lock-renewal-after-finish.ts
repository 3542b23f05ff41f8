/**
 * A lock renewal re-arms after cleanup (modelled on OptimalBits/bull#322). While a job runs (0.6–1.4 s),
 * a timer renews its lock every second: the renewal is a Redis round trip (1–50 ms), after which it
 * re-arms the timer. When the job ends, a `finally` clears the timer and releases the lock. If the job
 * ends while a renewal is in flight, there is no timer to clear; the renewal then lands, re-creating the
 * lock, and re-arms itself: the finished job stays locked for ever. The fix: the renewal only extends a
 * lock the worker still holds, and does not re-arm once the job has stopped.
 *
 * @module
 */
import type { EventLoop, TimerHandle } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";
import { io } from "./io.ts";

const RENEW_EVERY = 1000;

class JobLock {
  held = false;
  stopped = false;
  renewals = 0;
  private timer: TimerHandle | null = null;
  private readonly loop: EventLoop;
  private readonly guarded: boolean;

  constructor(loop: EventLoop, guarded: boolean) {
    this.loop = loop;
    this.guarded = guarded;
  }

  take(): void {
    this.held = true;
    this.arm();
  }

  release(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.held = false;
  }

  private arm(): void {
    this.timer = this.loop.callLater(RENEW_EVERY, () => {
      this.timer = null;
      this.loop.createTask(this.renew(), { name: "renew-lock" });
    });
  }

  private *renew() {
    yield* io(this.loop, 1, 50); // SET lock token PX 30000
    if (this.guarded && !this.held) return;
    this.held = true;
    this.renewals++;
    if (!this.guarded || !this.stopped) this.arm();
  }
}

function makeProgram(guarded: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const lock = new JobLock(loop, guarded);
    lock.take();
    try {
      yield* io(loop, 600, 1400); // the job's work
    } finally {
      lock.release();
    }
    yield* sleep(3000);
    if (lock.held)
      throw new Error(
        `the finished job is still locked (${lock.renewals} renewal(s)): a renewal re-armed after cleanup`,
      );
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The renewal that outlives its job, and the renewal that checks ownership and the stop flag. */
export const lockRenewalAfterFinishBug: BugCase = {
  id: "lock-renewal-after-finish",
  summary: "a lock renewal in flight when the job ends re-locks the job and re-arms itself",
  buggy: makeProgram(false, "lockRenewalAfterFinish"),
  fixed: makeProgram(true, "lockRenewalAfterFinishFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "OptimalBits/bull#322",
  budgets: { random: 300, pct: 300 },
};
