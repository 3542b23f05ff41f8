/**
 * A cancel that leaks a lock: a job takes the device lock, works (1 s) and releases it — without
 * `try/finally`. A watchdog checks on it after 1 s and cancels it if it has not finished. If the
 * watchdog's check runs before the job's last step, the job is cancelled at its `yield*` and the lock
 * stays taken: the next user of the device waits forever. Fixed with `lock.with(…)` (release in
 * `finally`). The `faults` level finds it too, by cancelling the job (created `cancellable`) at a
 * suspension point.
 *
 * @module
 */
import { isCancellation, type EventLoop, type Task } from "@simloop/core";
import { Lock, sleep } from "@simloop/coroutines";
import type { BugCase } from "./bug-case.ts";

function* job(device: Lock) {
  yield* device.acquire();
  yield* sleep(1);
  device.release(); // BUG: skipped when cancelled during the sleep
}

function* safeJob(device: Lock) {
  yield* device.with(() => sleep(1));
}

function* watchdog(target: Task<unknown>) {
  yield* sleep(1);
  if (!target.done()) target.cancel("watchdog: took too long");
}

function makeProgram(body: (device: Lock) => Generator<unknown, void, unknown>, name: string) {
  const program = function* (loop: EventLoop) {
    const device = new Lock();
    const worker = loop.createTask(body(device) as never, { name: "job", cancellable: true });
    const dog = loop.createTask(watchdog(worker), { name: "watchdog" });
    try {
      yield* worker;
    } catch (error) {
      if (!isCancellation(error)) throw error;
    }
    yield* dog;
    // The next user of the device.
    yield* device.with(() => sleep(1));
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The lock-leaking cancel and its `with` twin. */
export const cancelLeaksLockBug: BugCase = {
  id: "cancel-leaks-lock",
  summary: "a watchdog cancels a job between its acquire and its release",
  buggy: makeProgram(job, "cancelLeaksLock"),
  fixed: makeProgram(safeJob, "cancelLeaksLockFixed"),
  kind: "deadlock",
  depth: 1,
  budgets: { random: 50, pct: 50, exhaustive: 10, "fast-check": 100 },
};
