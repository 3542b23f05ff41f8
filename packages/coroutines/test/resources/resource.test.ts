import { CancelledError, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import {
  Interrupt,
  Preempted,
  PreemptiveResource,
  PriorityResource,
  Resource,
  gatherReturnExceptions,
  sleep,
} from "../../src/index.ts";
import { scenario } from "../support/trace.ts";

const strip = (log: [number, string][]): [number, string][] => log.map(([t, l]) => [t, l.replace(/@\d+$/, "")]);

describe("Resource", () => {
  it("serves requests first come, first served with `capacity` slots", () => {
    const log = scenario(function* (t) {
      const res = new Resource(2);
      function* user(n: number, service: number): Coroutine<void> {
        yield* res.use(function* () {
          t.note(`u${n} in`);
          yield* sleep(service);
        });
        t.note(`u${n} out`);
      }
      const tasks = [
        t.loop.createTask(user(0, 3)),
        t.loop.createTask(user(1, 1)),
        t.loop.createTask(user(2, 2)),
        t.loop.createTask(user(3, 2)),
      ];
      yield* gatherReturnExceptions(...tasks);
    });
    expect(strip(log)).toEqual([
      [0, "u0 in"],
      [0, "u1 in"],
      [1, "u1 out"],
      [1, "u2 in"],
      [3, "u0 out"],
      [3, "u2 out"],
      [3, "u3 in"],
      [5, "u3 out"],
    ]);
  });

  it("keeps time-weighted queue length, utilisation and waiting-time samples", () => {
    scenario(function* (t) {
      const res = new Resource(1);
      const a = t.loop.createTask(res.use(() => sleep(4)));
      const b = t.loop.createTask(res.use(() => sleep(2)));
      yield* gatherReturnExceptions(a, b);
      yield* sleep(2); // idle from 6 to 8
      const s = res.statistics();
      expect(s.time).toBe(8);
      expect(s.utilisation).toBeCloseTo(6 / 8, 12);
      expect(s.meanQueueLength).toBeCloseTo(4 / 8, 12); // b waited 4 of 8 units
      expect(s.wait).toEqual({ count: 2, mean: 2, max: 4 });
      expect(res.waitingTimes()).toEqual([0, 4]);
      expect(Object.isFrozen(s)).toBe(true);
      res.resetStatistics();
      expect(res.statistics().wait.count).toBe(0);
    });
  });

  it("withdraws a request whose task is cancelled while waiting, and releases a grant the task never saw", () => {
    scenario(function* (t) {
      const res = new Resource(1);
      const holder = t.loop.createTask(res.use(() => sleep(2)));
      const waiting = t.loop.createTask(res.use(() => sleep(1)));
      const third = t.loop.createTask(res.use(() => sleep(1)));
      yield* sleep(1);
      expect(res.queue.length).toBe(2);
      waiting.cancel();
      yield* sleep(0);
      expect(res.queue.length).toBe(1);
      yield* gatherReturnExceptions(holder, waiting, third);
      expect(waiting.cancelled()).toBe(true);
      expect(third.state).toBe("fulfilled");

      // A request granted by release() to a task that is cancelled before it resumes gives the slot back.
      const mine = res.request();
      yield* mine;
      const late = t.loop.createTask(res.use(() => sleep(1)));
      yield* sleep(0);
      res.release(mine);
      expect(res.count).toBe(1); // granted to late, synchronously
      late.cancel();
      yield* gatherReturnExceptions(late);
      expect(late.cancelled()).toBe(true);
      expect(res.count).toBe(0);
      expect(res.queue.length).toBe(0);
    });
  });
});

describe("PriorityResource", () => {
  it("serves waiting requests by priority, then request time, then arrival", () => {
    const log = scenario(function* (t) {
      const res = new PriorityResource(1);
      function* user(name: string, priority: number, at: number): Coroutine<void> {
        yield* sleep(at);
        yield* res.use(
          function* () {
            t.note(`${name} in`);
            yield* sleep(1);
          },
          { priority },
        );
      }
      yield* gatherReturnExceptions(user("a", 5, 0), user("b", 3, 0.5), user("c", 1, 0.6), user("d", 3, 0.2));
    });
    expect(strip(log)).toEqual([
      [0, "a in"],
      [1, "c in"],
      [2, "d in"],
      [3, "b in"],
    ]);
  });
});

describe("PreemptiveResource", () => {
  it("evicts a worse user, interrupting its process with a Preempted cause", () => {
    const log = scenario(function* (t) {
      const res = new PreemptiveResource(1);
      function* job(name: string, priority: number, at: number, service: number): Coroutine<void> {
        yield* sleep(at);
        try {
          yield* res.use(
            function* () {
              t.note(`${name} in`);
              yield* sleep(service);
              t.note(`${name} done`);
            },
            { priority },
          );
        } catch (e) {
          if (!(e instanceof Interrupt && e.cause instanceof Preempted)) throw e;
          t.note(`${name} preempted by ${e.cause.by?.getName()} (since ${e.cause.usageSince})`);
        }
      }
      const low = t.loop.createTask(job("low", 5, 0, 10), { name: "low" });
      const high = t.loop.createTask(job("high", 1, 2, 3), { name: "high" });
      const same = t.loop.createTask(job("same", 1, 3, 1), { name: "same" });
      yield* gatherReturnExceptions(low, high, same);
    });
    expect(strip(log)).toEqual([
      [0, "low in"],
      [2, "high in"],
      [2, "low preempted by high (since 0)"],
      [5, "high done"],
      [5, "same in"],
      [6, "same done"],
    ]);
  });

  it("does not preempt with preempt: false; the request waits its turn", () => {
    scenario(function* (t) {
      const res = new PreemptiveResource(1);
      const low = t.loop.createTask(res.use(() => sleep(3), { priority: 5 }));
      yield* sleep(1);
      const polite = res.request({ priority: 0, preempt: false });
      expect(polite.done()).toBe(false);
      yield* polite;
      expect(t.loop.time()).toBe(3);
      res.release(polite);
      yield* low;
      expect(CancelledError).toBeDefined();
    });
  });
});
