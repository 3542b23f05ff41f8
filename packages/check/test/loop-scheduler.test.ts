import { install, runAsync, runProgramAsync, type VirtualGlobals } from "@simloop/async";
import { EventLoop } from "@simloop/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LoopScheduler,
  NothingScheduledError,
  SchedulerNotDrivenError,
  choices,
  replaying,
  type RecordingPolicy,
} from "../src/index.ts";

let globals: VirtualGlobals;
beforeAll(() => {
  globals = install();
});
afterAll(() => {
  globals.uninstall();
});

/** Runs `body` on a fresh loop in async mode with `policy`, returning what it returned. */
async function run<T>(
  policy: RecordingPolicy | undefined,
  body: (s: LoopScheduler, loop: EventLoop) => Promise<T>,
): Promise<T> {
  return runAsync((loop) => body(new LoopScheduler(loop), loop), {
    globals,
    ...(policy === undefined ? {} : { policy }),
  });
}

describe("LoopScheduler: fast-check's Scheduler on a loop's deliveries", () => {
  it("releases scheduled promises only during a wait, oldest first without a policy", async () => {
    const order = await run(undefined, async (s) => {
      const seen: string[] = [];
      void s.schedule(Promise.resolve("a"), "a").then((v) => seen.push(v));
      void s.schedule(Promise.resolve("b"), "b").then((v) => seen.push(v));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(seen).toEqual([]); // nothing released without a wait
      expect(s.count()).toBe(2);
      await s.waitIdle();
      expect(s.count()).toBe(0);
      return seen;
    });
    expect(order).toEqual(["a", "b"]);
  });

  it("releases them in the policy's order (the io level's delivery choice, letter d)", async () => {
    const policy = choices([2, 0], { io: true });
    const order = await run(policy, async (s) => {
      const seen: string[] = [];
      for (const name of ["a", "b", "c"]) void s.schedule(Promise.resolve(name)).then((v) => seen.push(v));
      await s.waitAll();
      return seen;
    });
    expect(order).toEqual(["c", "a", "b"]);
    expect(policy.schedule().toString()).toBe("v2:d3=2,d2=0");
  });

  it("releases exactly n tasks with waitNext(n), waiting for them to be scheduled", async () => {
    await run(undefined, async (s) => {
      const seen: number[] = [];
      const wait = s.waitNext(2);
      void s.schedule(Promise.resolve(1)).then((v) => seen.push(v));
      setTimeout(() => void s.schedule(Promise.resolve(2)).then((v) => seen.push(v)), 5);
      void s.schedule(Promise.resolve(3)).then((v) => seen.push(v));
      await wait;
      expect(seen).toEqual([1, 3]);
      expect(s.count()).toBe(0);
      await s.waitNext(1); // task 2 is scheduled at t=5
      expect(seen).toEqual([1, 3, 2]);
      expect(Date.now() % 1000).toBe(5);
    });
  });

  it("waits for a released task to settle before releasing the next one", async () => {
    const events = await run(undefined, async (s) => {
      const log: string[] = [];
      const slow = s.scheduleFunction(async function slow() {
        await new Promise((resolve) => setTimeout(resolve, 100));
        log.push(`slow settles at ${Date.now() % 1000}`);
        return "slow";
      });
      void slow();
      void s.schedule(Promise.resolve()).then(() => log.push(`fast released at ${Date.now() % 1000}`));
      await s.waitIdle();
      return log;
    });
    expect(events).toEqual(["slow settles at 100", "fast released at 100"]);
  });

  it("lets a virtual timer fire before a pending reply when the policy says so (a reply racing a timeout)", async () => {
    const outcome = async (picks: number[]): Promise<string> =>
      run(choices(picks, { io: true }), async (s) => {
        const reply = s.schedule(Promise.resolve("reply"), "reply");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve("timeout"), 1_000);
        });
        const winner = await s.waitFor(Promise.race([reply, timeout]));
        clearTimeout(timer);
        return `${winner} at t=${Date.now() % 10_000}`;
      });
    expect(await outcome([0])).toBe("reply at t=0");
    expect(await outcome([1])).toBe("timeout at t=1000"); // option 1 of d2: the timer comes first
  });

  it("waitFor settles as the awaited promise does, releasing only what it needs", async () => {
    await run(undefined, async (s) => {
      const a = s.schedule(Promise.resolve(1));
      void s.schedule(Promise.resolve(2));
      expect(await s.waitFor(a.then((v) => v * 10))).toBe(10);
      expect(s.count()).toBe(1);
      await expect(s.waitFor(s.schedule(Promise.reject(new Error("boom"))))).rejects.toThrow("boom");
    });
  });

  it("runs a sequence item by item and reports done or faulty", async () => {
    await run(undefined, async (s) => {
      const seen: string[] = [];
      const ok = s.scheduleSequence([
        { label: "one", builder: async () => void seen.push("one") },
        async function two() {
          seen.push("two");
        },
      ]);
      const bad = s.scheduleSequence([
        async () => {
          throw new Error("no");
        },
        async () => void seen.push("never"),
      ]);
      await s.waitIdle();
      expect(await ok.task).toEqual({ done: true, faulty: false });
      expect(await bad.task).toEqual({ done: false, faulty: true });
      expect(seen).toEqual(["one", "two"]);
      expect(ok.done).toBe(true);
      expect(bad.faulty).toBe(true);
    });
  });

  it("reports every task in fast-check's words, with the virtual instant it settled at", async () => {
    const text = await run(undefined, async (s) => {
      const fetchUser = s.scheduleFunction(async function fetchUser(id: number) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { id };
      });
      void fetchUser(7);
      void s.schedule(Promise.resolve(), "tick", { meta: 1 });
      await s.waitOne();
      expect(s.report().map((item) => [item.taskId, item.status, item.at])).toEqual([
        [1, "resolved", 20],
        [2, "pending", undefined],
      ]);
      return s.toString();
    });
    expect(text).toBe(
      'LoopScheduler`\n-> [task${1}] function::fetchUser(7) resolved with value {"id":7} at t=20\n-> [task${2}] promise::tick pending`',
    );
  });

  it("throws named errors that say what to do", async () => {
    await run(undefined, async (s) => {
      expect(() => s.waitOne()).toThrow(NothingScheduledError);
      expect(() => s.waitOne()).toThrow(/waitNext\(1\)/);
    });
    const s = new LoopScheduler(new EventLoop());
    void s.schedule(Promise.resolve());
    await expect(s.waitIdle()).rejects.toThrow(SchedulerNotDrivenError);
    await expect(s.waitIdle()).rejects.toThrow(/runAsync/);
    expect(() => new LoopScheduler({} as EventLoop)).toThrow(/EventLoop of the run/);
    expect(() => s.scheduleFunction(42 as never)).toThrow(/async function/);
  });

  it("replays a failing schedule to the same failure", async () => {
    const program = async (loop: EventLoop): Promise<void> => {
      const s = new LoopScheduler(loop);
      let balance = 0;
      const deposit = async (amount: number, arrival: boolean): Promise<void> => {
        if (arrival) await s.schedule(Promise.resolve(), `deposit ${amount} arrives`);
        const read = balance;
        await s.schedule(Promise.resolve(), `write ${amount}`);
        balance = read + amount;
      };
      const both = Promise.all([deposit(10, false), deposit(20, true)]);
      await s.waitIdle();
      await both;
      if (balance !== 30) throw new Error(`lost update: ${balance}`);
    };
    const policy = choices([1], { io: true });
    const failed = await runProgramAsync(program, { globals, policy });
    expect((failed.failure!.error as Error).message).toBe("lost update: 20");
    const line = policy.schedule().toString();
    expect(line).toBe("v2:d2=1,d2=0");
    const again = await runProgramAsync(program, { globals, policy: replaying(line) });
    expect((again.failure!.error as Error).message).toBe("lost update: 20");
    const fifo = await runProgramAsync(program, { globals });
    expect(fifo.failure).toBeUndefined();
  });
});
