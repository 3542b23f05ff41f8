/**
 * Double release of a semaphore: a query holds the single connection permit; if the health checker
 * marked the connection stale while it ran, the query hands the permit back early "to let others
 * reconnect" — and its `finally` releases it again. The pool then has more permits than connections.
 * It happens only when the health check's result is handled before the query resumes at the same
 * instant (the checker reconnects half a second later). The pool's invariant is checked on an immer store at every change. Fixed by leaving the
 * release to `finally`.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { gather, Semaphore, sleep } from "@simloop/coroutines";
import { createStore, type StateStore } from "../../src/index.ts";
import type { BugCase } from "./bug-case.ts";

interface Pool {
  readonly capacity: number;
  free: number;
  inUse: number;
}

function* query(permits: Semaphore, pool: StateStore<Pool>, conn: { stale: boolean }, early: boolean) {
  yield* permits.acquire();
  pool.update((p) => {
    p.free -= 1;
    p.inUse += 1;
  });
  try {
    yield* sleep(1);
    if (conn.stale && early) {
      permits.release(); // BUG: the finally below releases too
      pool.update((p) => {
        p.free += 1;
      });
      return "retry";
    }
    return "ok";
  } finally {
    permits.release();
    pool.update((p) => {
      p.free += 1;
      p.inUse -= 1;
    });
  }
}

function* healthCheck(conn: { stale: boolean }) {
  yield* sleep(1);
  conn.stale = true;
  yield* sleep(0.5); // reconnect
  conn.stale = false;
}

function makeProgram(early: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const permits = new Semaphore(1);
    const pool = createStore<Pool>(loop, { capacity: 1, free: 1, inUse: 0 }, { name: "pool" });
    pool.always("permits never exceed the pool's capacity", (p) => p.free + p.inUse <= p.capacity);
    const conn = { stale: false };
    yield* gather(query(permits, pool, conn, early), healthCheck(conn), query(permits, pool, conn, early));
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The double semaphore release and its single-release twin. */
export const semaphoreDoubleReleaseBug: BugCase = {
  id: "semaphore-double-release",
  summary: "an early release on a stale connection plus the release in finally",
  buggy: makeProgram(true, "doubleRelease"),
  fixed: makeProgram(false, "doubleReleaseFixed"),
  kind: "invariant",
  depth: 1,
  budgets: { random: 50, pct: 50, exhaustive: 10, "fast-check": 100 },
};
