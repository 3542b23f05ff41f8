/**
 * Promise/async-function twins of the bug corpus (`./bugs/`), written the way a user of fast-check's
 * `fc.scheduler()` would: minimal Promise-based `Lock`, `Event` and `Semaphore` helpers, and one
 * `s.schedule(…)` / `s.scheduleFunction(…)` point for each `sleep` of the simloop version, so that the
 * scheduler decides which of the pending ones resolves next. Each twin keeps the bug logic and the
 * notion of failure of its simloop program: it throws the same error, reports a deadlock when its
 * promise is still pending once nothing is left to schedule (see {@link settle}), or an invariant
 * violation of the pool. Each `fixed` program is the Promise version of the corpus's correct twin.
 *
 * fc.scheduler has no clock: every pending scheduled promise may resolve before every other one. Where
 * the simloop program's durations forbid some of those orders, the twin says so in its `note`.
 *
 * @module
 */
import type fc from "fast-check";
import { FreeList, type Node } from "./bugs/queue-aba.ts";

/** fast-check's scheduler, as received from `fc.scheduler()`. */
export type Sched = fc.Scheduler;

/** A Promise program for `fc.asyncProperty(fc.scheduler(), program)`: throws (or rejects) on failure. */
export type PromiseProgram = (s: Sched) => Promise<void>;

/** A corpus bug written as a Promise program, with its fixed twin. */
export interface PromiseTwin {
  /** The corpus id (`./bugs/index.ts`). */
  readonly id: string;
  readonly buggy: PromiseProgram;
  readonly fixed: PromiseProgram;
  /** The failure the buggy program ends with, as in the corpus. */
  readonly kind: "error" | "deadlock" | "invariant";
  /** The fc.scheduler run budget the tests give it (seed 1). */
  readonly budget: number;
  /** How the twin departs from the simloop program, if it does. */
  readonly note?: string;
  /**
   * Set when fc.scheduler's lack of a clock changes which runs fail: it explores orders that the
   * simloop program's durations forbid, and some of them decide the outcome.
   */
  readonly inexact?: true;
}

// ---------------------------------------------------------------- helpers a fast-check user would write

/** A `sleep` of the simloop program: resolves when the scheduler picks it. */
function delay(s: Sched, label: string): Promise<void> {
  return s.schedule(Promise.resolve(), label);
}

/** A FIFO mutex: `release` hands the lock to the oldest waiter. */
class Lock {
  private locked = false;
  private readonly waiters: (() => void)[] = [];
  acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next === undefined) this.locked = false;
    else next();
  }
  async with<T>(body: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await body();
    } finally {
      this.release();
    }
  }
}

/** asyncio's `Event`: `wait` resolves at once when set, else at the next `set`. */
class Event {
  private flag = false;
  private waiters: (() => void)[] = [];
  set(): void {
    this.flag = true;
    for (const wake of this.waiters.splice(0)) wake();
  }
  clear(): void {
    this.flag = false;
  }
  wait(): Promise<void> {
    return this.flag ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** asyncio's (unbounded) `Semaphore`: `release` hands the permit to the oldest waiter, else adds one. */
class Semaphore {
  private value: number;
  private readonly waiters: (() => void)[] = [];
  constructor(value: number) {
    this.value = value;
  }
  acquire(): Promise<void> {
    if (this.value > 0) {
      this.value--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next === undefined) this.value++;
    else next();
  }
}

/** Rejects with the signal's reason when it aborts first: how JS code makes an await cancellable. */
function cancellable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Lets the scheduler release everything it can, then awaits `program`; throws `deadlock: …` when the
 * program's promise is still pending although nothing is left to schedule. A pending promise cannot be
 * inspected, so a flag set by `.then` tracks settlement; `s.waitIdle()` (waits for all scheduled tasks,
 * including those scheduled by released ones, with 50 microtask ticks between picks) is followed by a
 * macrotask turn, so every promise chain has run, and repeated while something got scheduled meanwhile.
 */
export async function settle<T>(s: Sched, program: Promise<T>, waiting: () => string): Promise<T> {
  let settled = false;
  const tracked = program.finally(() => {
    settled = true;
  });
  do {
    await s.waitIdle();
    await new Promise<void>((resolve) => setImmediate(resolve));
  } while (s.count() > 0);
  if (!settled) throw new Error(`deadlock: nothing left to schedule, but ${waiting()}`);
  return tracked;
}

// ---------------------------------------------------------------- lost update

function lostUpdate(locked: boolean): PromiseProgram {
  return async (s) => {
    const account = { balance: 100 };
    const lock = new Lock();
    const deposit = async (amount: number, arrival: boolean): Promise<void> => {
      if (arrival) await delay(s, "deposit arrives (1 s)");
      const readModifyWrite = async (): Promise<void> => {
        const read = account.balance;
        await delay(s, `ledger confirms ${amount} (1 s)`);
        account.balance = read + amount;
      };
      await (locked ? lock.with(readModifyWrite) : readModifyWrite());
    };
    await settle(s, Promise.all([deposit(10, false), deposit(20, true)]), () => "a deposit never ends");
    if (account.balance !== 130) throw new Error(`lost update: balance is ${account.balance}, expected 130`);
  };
}

// ---------------------------------------------------------------- cache check-then-act

function cacheCheckThenAct(singleFlight: boolean): PromiseProgram {
  return async (s) => {
    let fetches = 0;
    // The backend call, mocked: it runs when called, its reply resolves when the scheduler picks it.
    const fetchFromBackend = s.scheduleFunction(async function fetchFromBackend(key: string) {
      fetches++;
      return `value of ${key}`;
    });
    const values = new Map<string, string>();
    const inFlight = new Map<string, Promise<string>>();
    const request = async (key: string, arrival: boolean): Promise<string> => {
      if (arrival) await delay(s, "second request arrives (1 s)");
      if (singleFlight) {
        let entry = inFlight.get(key);
        if (entry === undefined) {
          entry = fetchFromBackend(key);
          inFlight.set(key, entry);
        }
        return entry;
      }
      const hit = values.get(key);
      if (hit !== undefined) return hit;
      const value = await fetchFromBackend(key);
      values.set(key, value);
      return value;
    };
    await settle(s, Promise.all([request("user:1", false), request("user:1", true)]), () => "a request never ends");
    if (fetches !== 1) throw new Error(`the backend was hit ${fetches} times for one key`);
  };
}

// ---------------------------------------------------------------- lock-order deadlock

function lockOrderDeadlock(ordered: boolean): PromiseProgram {
  return async (s) => {
    const alice = new Lock();
    const bob = new Lock();
    const held: string[] = [];
    const transfer = async (first: Lock, second: Lock): Promise<void> => {
      await first.acquire();
      held.push("transfer holds its first lock");
      try {
        await delay(s, "transfer validated (1 s)");
        await second.with(() => delay(s, "money moved (1 s)"));
      } finally {
        first.release();
      }
    };
    const audit = async (first: Lock, second: Lock): Promise<void> => {
      await delay(s, "audit starts (1 s)");
      await first.with(async () => {
        held.push("audit holds its first lock");
        await second.with(() => delay(s, "audit done (1 s)"));
      });
    };
    const program = ordered
      ? Promise.all([transfer(alice, bob), audit(alice, bob)])
      : Promise.all([transfer(alice, bob), audit(bob, alice)]);
    await settle(s, program, () => `the program is still pending (${held.join(", ")})`);
  };
}

// ---------------------------------------------------------------- missed wakeup with Event.clear

function missedWakeup(clearFirst: boolean): PromiseProgram {
  return async (s) => {
    const jobs: string[] = [];
    const ready = new Event();
    const done: string[] = [];
    const producer = async (): Promise<void> => {
      await delay(s, "job-1 posted (0.5 s)");
      jobs.push("job-1");
      ready.set();
      await delay(s, "job-2 posted (1 s later)");
      jobs.push("job-2");
      ready.set();
    };
    const consumer = async (): Promise<void> => {
      while (done.length < 2) {
        await ready.wait();
        const job = jobs.shift();
        if (job !== undefined) {
          await delay(s, `${job} processed (1 s)`);
          done.push(job);
        }
        ready.clear(); // BUG: may wipe a set() that happened while processing
      }
    };
    const fixedConsumer = async (): Promise<void> => {
      while (done.length < 2) {
        await ready.wait();
        ready.clear();
        while (jobs.length > 0) {
          const job = jobs.shift() as string;
          await delay(s, `${job} processed (1 s)`);
          done.push(job);
        }
      }
    };
    await settle(
      s,
      Promise.all([producer(), clearFirst ? fixedConsumer() : consumer()]),
      () => `the consumer waits for the event (done: ${done.join(", ")}; queued: ${jobs.join(", ") || "none"})`,
    );
  };
}

// ---------------------------------------------------------------- cancel that leaks a lock

function cancelLeaksLock(releaseInFinally: boolean): PromiseProgram {
  return async (s) => {
    const device = new Lock();
    const watchdogTimer = new AbortController();
    const work = (): Promise<void> => cancellable(delay(s, "job works (1 s)"), watchdogTimer.signal);
    const job = async (): Promise<void> => {
      if (releaseInFinally) {
        await device.with(work);
        return;
      }
      await device.acquire();
      await work();
      device.release(); // BUG: skipped when cancelled during the work
    };
    let jobDone = false;
    const worker = job().finally(() => {
      jobDone = true;
    });
    const watchdog = async (): Promise<void> => {
      await delay(s, "watchdog checks (1 s)");
      if (!jobDone) watchdogTimer.abort(new Error("watchdog: took too long"));
    };
    let nextUserWaits = false;
    const program = async (): Promise<void> => {
      const dog = watchdog();
      try {
        await worker;
      } catch (error) {
        if (error !== watchdogTimer.signal.reason) throw error;
      }
      await dog;
      nextUserWaits = true;
      await device.with(() => delay(s, "next user done (1 s)"));
    };
    await settle(s, program(), () =>
      nextUserWaits ? "the next user waits for the device lock" : "the job never ends",
    );
  };
}

// ---------------------------------------------------------------- semaphore double release

function semaphoreDoubleRelease(early: boolean): PromiseProgram {
  return async (s) => {
    const permits = new Semaphore(1);
    const pool = { capacity: 1, free: 1, inUse: 0 };
    let violation: string | undefined;
    const update = (change: (p: typeof pool) => void): void => {
      change(pool);
      if (violation === undefined && pool.free + pool.inUse > pool.capacity)
        violation = `free ${pool.free} + in use ${pool.inUse} > capacity ${pool.capacity}`;
    };
    const conn = { stale: false };
    const query = async (name: string): Promise<string> => {
      await permits.acquire();
      update((p) => {
        p.free -= 1;
        p.inUse += 1;
      });
      try {
        await delay(s, `${name} runs (1 s)`);
        if (conn.stale && early) {
          permits.release(); // BUG: the finally below releases too
          update((p) => {
            p.free += 1;
          });
          return "retry";
        }
        return "ok";
      } finally {
        permits.release();
        update((p) => {
          p.free += 1;
          p.inUse -= 1;
        });
      }
    };
    const healthCheck = async (): Promise<void> => {
      await delay(s, "health check marks the connection stale (1 s)");
      conn.stale = true;
      await delay(s, "reconnected (0.5 s)");
      conn.stale = false;
    };
    await settle(s, Promise.all([query("query-1"), healthCheck(), query("query-2")]), () => "a query never ends");
    if (violation !== undefined) throw new Error(`invariant: permits never exceed the pool's capacity (${violation})`);
  };
}

// ---------------------------------------------------------------- queue ABA

// The same free list as the simloop program's.

function queueAba(tagged: boolean): PromiseProgram {
  return async (s) => {
    const list = new FreeList(["A", "B", "C", "D"]);
    const held: string[] = [];
    const slowAllocate = async (): Promise<Node> => {
      for (;;) {
        const head = list.head as Node;
        const next = head.next;
        const version = list.version;
        await delay(s, `slow allocator zeroes ${head.id} (1 s)`);
        if (list.head === head && (!tagged || list.version === version)) {
          list.head = next;
          list.version++;
          return head;
        }
      }
    };
    const fastUser = async (): Promise<void> => {
      await delay(s, "fast user starts (1 s)");
      const a = list.take();
      const b = list.take();
      held.push(b.id);
      list.give(a); // done with A already
    };
    const [slow] = await settle(s, Promise.all([slowAllocate(), fastUser()]), () => "an allocation never ends");
    held.push(slow.id);
    held.push(list.take().id);
    if (new Set(held).size !== held.length) throw new Error(`buffer handed out twice: ${held.join(", ")}`);
  };
}

// ---------------------------------------------------------------- timeout while a reply is in flight

function timeoutReplyInFlight(idempotent: boolean): PromiseProgram {
  return async (s) => {
    const committed: string[] = [];
    // The server, mocked: it commits on receipt; its reply resolves when the scheduler picks it.
    const pay = s.scheduleFunction(async function pay(requestId: string) {
      if (!idempotent || !committed.includes(requestId)) committed.push(requestId);
      return "ok" as const;
    });
    const client = async (): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        const call = pay("payment-42");
        // waitFor(call, 1): the usual Promise.race against a timer; the late reply is ignored.
        const timeout = s.schedule(Promise.resolve("timeout" as const), `timeout of call ${attempt} (1 s)`);
        if ((await Promise.race([call, timeout])) === "ok") break;
        if (attempt >= 3) break; // give up: the caller sees an error, which is fine
      }
    };
    await settle(s, client(), () => "the client never ends");
    if (committed.length !== 1) throw new Error(`payment committed ${committed.length} times`);
  };
}

// ---------------------------------------------------------------- stale read, depth 3

function staleReadDepth3(versioned: boolean): PromiseProgram {
  return async (s) => {
    const replicas = [0, 1, 2].map(() => ({ version: 0, value: "v0" }));
    const deliver = async (i: number, version: number, value: string): Promise<void> => {
      await delay(s, `v${version} reaches replica ${i} (${i + 1} s)`);
      const replica = replicas[i] as { version: number; value: string };
      if (!versioned || version > replica.version) {
        replica.version = version;
        replica.value = value;
      }
    };
    const deliveries = replicas.flatMap((_, i) => [deliver(i, 1, "v1"), deliver(i, 2, "v2")]);
    await settle(s, Promise.all(deliveries), () => "a delivery never ends");
    const newest = replicas.reduce((a, b) => (b.version > a.version ? b : a));
    if (newest.value !== "v2") throw new Error(`stale read: every replica holds ${newest.value}`);
  };
}

// ---------------------------------------------------------------- the twins

/** Every corpus bug that fc.scheduler can express, by corpus order. */
export const promiseTwins: readonly PromiseTwin[] = [
  { id: "lost-update", buggy: lostUpdate(false), fixed: lostUpdate(true), kind: "error", budget: 50 },
  {
    id: "cache-check-then-act",
    buggy: cacheCheckThenAct(false),
    fixed: cacheCheckThenAct(true),
    kind: "error",
    budget: 50,
  },
  {
    id: "lock-order-deadlock",
    buggy: lockOrderDeadlock(false),
    fixed: lockOrderDeadlock(true),
    kind: "deadlock",
    budget: 50,
  },
  { id: "missed-wakeup", buggy: missedWakeup(false), fixed: missedWakeup(true), kind: "deadlock", budget: 50 },
  {
    id: "cancel-leaks-lock",
    buggy: cancelLeaksLock(false),
    fixed: cancelLeaksLock(true),
    kind: "deadlock",
    budget: 50,
    note:
      "Promises cannot be cancelled: the watchdog aborts an AbortController and the job's one await " +
      "takes the signal (rejecting like asyncio's CancelledError at that await). Equivalent here because " +
      "the job has one suspension point a cancel can land on (its 1 s of work); simloop's `faults` level " +
      "(cancel a task at any suspension point without the code opting in) has no fc.scheduler counterpart.",
  },
  {
    id: "semaphore-double-release",
    buggy: semaphoreDoubleRelease(true),
    fixed: semaphoreDoubleRelease(false),
    kind: "invariant",
    budget: 50,
    note:
      "Not exact: fc.scheduler has no durations, so it may resolve query-2's 1 s query (started at " +
      "t=1, due at t=2) before the 0.5 s reconnect (due at t=1.5), an order time forbids, in which " +
      "query-2 sees the stale connection and double-releases too — and it may resolve the reconnect " +
      "before query-1's t=1 step, which hides the bug. A run fails with probability " +
      "1/2·1/2 + 1/2·1/2·1/2 = 3/8 instead of 1/2.",
    inexact: true,
  },
  { id: "queue-aba", buggy: queueAba(false), fixed: queueAba(true), kind: "error", budget: 50 },
  {
    id: "timeout-reply-in-flight",
    buggy: timeoutReplyInFlight(false),
    fixed: timeoutReplyInFlight(true),
    kind: "error",
    budget: 50,
  },
  { id: "stale-read-depth-3", buggy: staleReadDepth3(false), fixed: staleReadDepth3(true), kind: "error", budget: 300 },
];
