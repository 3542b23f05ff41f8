/**
 * A job processed twice by two workers (modelled on OptimalBits/bull#371, fixed by OptimalBits/bull#377).
 * Worker A takes a new job from the wait list; worker B learns about the same job from the queue's
 * notification, 2–400 ms later. Each takes the job's lock in Redis, processes the job (50–200 ms), and
 * moves it to `completed`, releasing the lock. When B's notification is slow enough that A has already
 * completed the job, B's lock succeeds and B processes the job again. The fix: taking the lock for
 * processing also checks that the job is still in the active list.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { gather } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";
import { io } from "./io.ts";

interface Redis {
  state: "wait" | "active" | "completed";
  lock: string | null;
  processed: string[];
}

function* processJob(loop: EventLoop, redis: Redis, worker: string, ensureActive: boolean) {
  yield* io(loop, 1, 5); // takeLock: SET lock NX (and, fixed, only while the job is active)
  if (redis.lock !== null || (ensureActive && redis.state !== "active")) return;
  redis.lock = worker;
  redis.processed.push(worker);
  yield* io(loop, 50, 200); // the job's work
  yield* io(loop, 1, 5); // moveToCompleted, which releases the lock
  redis.state = "completed";
  redis.lock = null;
}

function* workerA(loop: EventLoop, redis: Redis, ensureActive: boolean) {
  yield* io(loop, 1, 5); // getNextJob: BRPOPLPUSH wait -> active
  redis.state = "active";
  yield* processJob(loop, redis, "A", ensureActive);
}

function* workerB(loop: EventLoop, redis: Redis, ensureActive: boolean) {
  yield* io(loop, 2, 400); // the 'added' notification reaches B
  yield* processJob(loop, redis, "B", ensureActive);
}

function makeProgram(ensureActive: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const redis: Redis = { state: "wait", lock: null, processed: [] };
    yield* gather(workerA(loop, redis, ensureActive), workerB(loop, redis, ensureActive));
    if (redis.processed.length !== 1) {
      throw new Error(`job processed ${redis.processed.length} times (by ${redis.processed.join(" and ")})`);
    }
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The job processed twice, and the lock that requires the job to be active. */
export const jobProcessedTwiceBug: BugCase = {
  id: "job-processed-twice",
  summary: "a second worker locks and processes a job the first one already completed",
  buggy: makeProgram(false, "jobProcessedTwice"),
  fixed: makeProgram(true, "jobProcessedTwiceFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "OptimalBits/bull#371, fixed by OptimalBits/bull#377",
  budgets: { random: 50, pct: 50 },
};
