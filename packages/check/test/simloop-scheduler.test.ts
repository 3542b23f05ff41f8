import { UnhandledRejectionError, installedGlobals } from "@simloop/async";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CheckArgumentError,
  SchedulerRetiredError,
  SchedulerStalledError,
  SimloopScheduler,
  simloopScheduler,
} from "../src/index.ts";

const realSetTimeout = globalThis.setTimeout;
const realDate = globalThis.Date;
const realSetImmediate = globalThis.setImmediate;

/** Real macrotasks until the drop-in let go of the globals (it does once its loop has nothing left). */
async function released(): Promise<void> {
  for (let i = 0; i < 20 && installedGlobals() !== null; i++) {
    await new Promise((resolve) => realSetImmediate(resolve));
  }
}

describe("simloopScheduler(): fc.scheduler()'s replacement in fc.asyncProperty", () => {
  it("runs the property on virtual time: timers and Date follow the loop, not the wall clock", async () => {
    const seen: number[] = [];
    await fc.assert(
      fc.asyncProperty(simloopScheduler(), async (s) => {
        const start = Date.now();
        const reply = s.schedule(Promise.resolve("reply"), "reply");
        await new Promise((resolve) => setTimeout(resolve, 60_000)); // a minute, in no real time
        await s.waitIdle();
        expect(await reply).toBe("reply");
        seen.push(Date.now() - start);
      }),
      { numRuns: 5, seed: 3 },
    );
    expect(seen).toEqual([60_000, 60_000, 60_000, 60_000, 60_000]);
    await released();
    expect(globalThis.setTimeout).toBe(realSetTimeout);
    expect(globalThis.Date).toBe(realDate);
  });

  it("shrinks a failing schedule toward the oldest-first order, and its counterexample replays it", async () => {
    const property = (arb: fc.Arbitrary<SimloopScheduler>) =>
      fc.asyncProperty(arb, async (s) => {
        const order: string[] = [];
        for (const name of ["a", "b", "c", "d"])
          void s.schedule(Promise.resolve(name), name).then((v) => order.push(v));
        await s.waitIdle();
        if (order.indexOf("d") < order.indexOf("c")) throw new Error(`d before c: ${order.join("")}`);
      });
    const result = await fc.check(property(simloopScheduler()), { seed: 1, numRuns: 200 });
    expect(result.failed).toBe(true);
    const counterexample = String(result.counterexample?.[0]);
    // Shrunk to one deviation, the shortest pick array that fails: d first, then a, b, c in order.
    expect((result.errorInstance as Error).message).toBe("d before c: dabc");
    expect(counterexample.split("\n")[0]).toBe('simloopScheduler({ replay: "v2:d4=3,d3=0,d2=0" })`');
    expect(counterexample).toContain('-> [task${4}] promise::d resolved with value "d" at t=0');
    const again = await fc.check(property(simloopScheduler({ replay: "v2:d4=3,d3=0,d2=0" })), { numRuns: 1 });
    expect((again.errorInstance as Error).message).toBe("d before c: dabc");
    await released();
  });

  it("rejects a wait that can never finish with SchedulerStalledError, at the instant the loop ran dry", async () => {
    const result = await fc.check(
      fc.asyncProperty(simloopScheduler(), async (s) => {
        void s.schedule(Promise.resolve(), "one");
        setTimeout(() => void s.schedule(Promise.resolve(), "two"), 250);
        await s.waitNext(3); // only two are ever scheduled
      }),
      { numRuns: 1, seed: 1 },
    );
    const error = result.errorInstance as SchedulerStalledError;
    expect(error).toBeInstanceOf(SchedulerStalledError);
    expect(error.time).toBe(250);
    expect(error.message).toMatch(/^waitNext\(\) cannot finish: at t=250 ms no scheduled task is pending/);
    await released();
  });

  it("fails the running wait with an unhandled rejection of the code under test instead of losing it", async () => {
    const result = await fc.check(
      fc.asyncProperty(simloopScheduler(), async (s) => {
        const reply = s.schedule(Promise.resolve(), "reply");
        void reply.then(() => Promise.reject(new Error("nobody handles me")));
        await s.waitIdle();
      }),
      { numRuns: 1, seed: 1 },
    );
    const error = result.errorInstance as UnhandledRejectionError;
    expect(error).toBeInstanceOf(UnhandledRejectionError);
    expect((error.reason as Error).message).toBe("nobody handles me");
    await released();
  });

  it("wraps every release in the act given, as fc.scheduler({ act })", async () => {
    const acts: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        simloopScheduler({
          act: async (f) => {
            acts.push("act");
            await f();
          },
        }),
        async (s) => {
          void s.schedule(Promise.resolve());
          void s.schedule(Promise.resolve());
          await s.waitAll();
        },
      ),
      { numRuns: 1 },
    );
    expect(acts).toEqual(["act", "act"]);
    await released();
  });

  it("refuses a scheduler used after its property run", async () => {
    let kept: SimloopScheduler | undefined;
    await fc.assert(
      fc.asyncProperty(simloopScheduler(), async (s) => {
        kept ??= s;
      }),
      { numRuns: 2 },
    );
    expect(() => kept?.schedule(Promise.resolve())).toThrow(SchedulerRetiredError);
    expect(() => kept?.schedule(Promise.resolve())).toThrow(/property run is over/);
    await released();
  });
});

describe("simloopScheduler()'s picks: fast-check's draws, as fc.scheduler() makes them", () => {
  /**
   * A task alone (released without a choice: fc.scheduler() still spends a draw on it), then three
   * chains of two tasks: the order in which the seven tasks resolved, per run of a campaign.
   */
  async function orders(arb: fc.Arbitrary<fc.Scheduler>): Promise<string[]> {
    const seen: string[] = [];
    await fc.assert(
      fc.asyncProperty(arb, async (s) => {
        const order: string[] = [];
        const step = (label: string): Promise<void> =>
          s.schedule(Promise.resolve(label), label).then((value) => {
            order.push(value);
          });
        const alone = step("alone");
        await s.waitIdle();
        await alone;
        const chains = Promise.all(["a", "b", "c"].map((label) => step(label).then(() => step(`${label}'`))));
        await s.waitIdle();
        await chains;
        seen.push(order.join(" "));
      }),
      { numRuns: 40, seed: 7 },
    );
    return seen;
  }

  it("releases the tasks in fc.scheduler()'s order, run for run, for the same seed", async () => {
    const theirs = await orders(fc.scheduler());
    const ours = await orders(simloopScheduler());
    await released();
    expect(new Set(theirs).size).toBeGreaterThan(10);
    expect(ours).toEqual(theirs);
  });

  it('policy: "random" draws from simloop\'s PRNG instead: other orders for the same seed', async () => {
    const theirs = await orders(fc.scheduler());
    const ours = await orders(simloopScheduler({ policy: "random" }));
    await released();
    expect(new Set(ours).size).toBeGreaterThan(10);
    expect(ours).not.toEqual(theirs);
  });

  it("refuses an unknown policy, naming the ones it knows", () => {
    expect(() => simloopScheduler({ policy: "pct" as "random" })).toThrow(CheckArgumentError);
    expect(() => simloopScheduler({ policy: "pct" as "random" })).toThrow(
      'simloopScheduler expects `policy` to be one of "fast-check", "random", got "pct".',
    );
  });
});
