import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EventLoop } from "@simloop/core";
import { Event, gather, Lock, Queue, sleep } from "@simloop/coroutines";
import { CheckArgumentError, createStore, exhaustive, explore, type Program } from "../src/index.ts";
import { bugs } from "../examples/bugs/index.ts";
import { nodeBugs } from "../examples/bugs/node/index.ts";

const BIG = 100_000;

/** Runs exhaustive over the whole space (no bound but a large budget); the campaign's result. */
function cover(program: Program, options: Parameters<typeof exhaustive>[0] = {}) {
  return explore(program, { policy: exhaustive({ runs: BIG, ...options }), runs: BIG, shrink: false });
}

function* ticker(ticks: number) {
  for (let i = 0; i < ticks; i++) yield* sleep(1);
}

/** Three tasks that only sleep: their ties are independent, only the last instant (the gather) is not. */
const threeTickers: Program = function* threeTickers() {
  yield* gather(ticker(3), ticker(3), ticker(3));
};

describe("exhaustive with reduce", () => {
  it("skips the orders of tied steps that touch disjoint objects, when the program declares its state tracked", () => {
    const full = cover(threeTickers);
    const reduced = cover(threeTickers, { reduce: true, sharedState: "tracked" });
    expect(full.coverage.complete).toBe(true);
    expect(reduced.coverage.complete).toBe(true);
    expect(full.runs).toBe(13824);
    expect(reduced.runs).toBe(24);
    expect(reduced.coverage.pruned).toBeGreaterThan(0);
    expect(reduced.coverage.summary).toMatch(/explored every schedule, up to the order of independent steps: 24 run/);
  });

  it("is reachable from explore's options by policy name (what exploreParallel workers and the CLI pass)", () => {
    const byName = explore(threeTickers, {
      policy: "exhaustive",
      reduce: true,
      sharedState: "tracked",
      runs: BIG,
      shrink: false,
    });
    expect(byName.runs).toBe(24);
    expect(byName.coverage.pruned).toBeGreaterThan(0);
    const untracked = explore(threeTickers, { policy: "exhaustive", reduce: true, runs: 50, shrink: false });
    expect(untracked.coverage.pruned).toBe(0);
    expect(() => explore(threeTickers, { policy: "pct", reduce: true })).toThrow(CheckArgumentError);
    expect(() => explore(threeTickers, { sharedState: "tracked" })).toThrow(/belong to the exhaustive policy/);
    expect(() => explore(threeTickers, { policy: "exhaustive", reduce: true, maxDeviations: 2 })).toThrow(
      CheckArgumentError,
    );
  });

  it("treats a task step as dependent with everything unless the program opts in (the default is sound)", () => {
    const reduced = cover(threeTickers, { reduce: true });
    expect(reduced.runs).toBe(13824);
    expect(reduced.coverage.pruned).toBe(0);
  });

  it("treats a plain callback that touches untracked state as dependent: the bug it causes is still found", () => {
    // Two timers tie at t=1 and write a plain variable; the run fails only when the second one runs first.
    const program: Program = function* plainCallbacks(loop: EventLoop) {
      const seen: string[] = [];
      loop.callLater(1, () => seen.push("a"));
      loop.callLater(1, () => seen.push("b"));
      yield* sleep(2);
      if (seen[0] === "b") throw new Error("b before a");
    };
    // Even the opt-in cannot hide it from a plain callback when the opt-in is not made…
    const untracked = cover(program, { reduce: true });
    expect(untracked.ok).toBe(false);
    // …and with the promise made (falsely: `seen` is a plain array), the reduction trusts it and skips the
    // order that matters: the opt-in is a promise the program must keep, never inferred.
    const broken = cover(program, { reduce: true, sharedState: "tracked" });
    expect(broken.ok).toBe(true);
  });

  it("finds a bug that needs one order of two dependent store updates, behind independent noise", () => {
    const program: Program = function* storeRace(loop: EventLoop) {
      const account = createStore(loop, { balance: 100 });
      function* deposit(amount: number, arrival: number) {
        if (arrival > 0) yield* sleep(arrival);
        const read = account.get().balance;
        yield* sleep(1);
        account.update((s) => {
          s.balance = read + amount;
        });
      }
      yield* gather(ticker(3), ticker(3), deposit(10, 0), deposit(20, 1));
      if (account.get().balance !== 130) throw new Error(`lost update: ${account.get().balance}`);
    };
    const full = cover(program);
    const reduced = cover(program, { reduce: true, sharedState: "tracked" });
    expect(full.ok).toBe(false);
    expect(reduced.ok).toBe(false);
    expect(reduced.runs).toBeLessThanOrEqual(full.runs);
  });

  describe("keeps the orders of steps that meet on a primitive", () => {
    const viaLock: Program = function* viaLock() {
      const lock = new Lock();
      const order: string[] = [];
      function* take(name: string) {
        yield* sleep(1);
        yield* lock.with(function* () {
          order.push(name);
          yield* sleep(1);
        });
      }
      yield* gather(take("a"), take("b"));
      if (order[0] === "b") throw new Error("b took the lock first");
    };
    const viaEvent: Program = function* viaEvent() {
      const ready = new Event();
      let late = false;
      function* setter() {
        yield* sleep(1);
        ready.set();
      }
      function* checker() {
        yield* sleep(1);
        late = !ready.isSet();
      }
      yield* gather(setter(), checker());
      if (!late) throw new Error("the checker saw the event set");
    };
    const viaQueue: Program = function* viaQueue() {
      const queue = new Queue<string>();
      function* producer() {
        yield* sleep(1);
        queue.putNowait("x");
      }
      function* consumer() {
        yield* sleep(1);
        if (!queue.empty()) throw new Error("the consumer found the item already there");
      }
      yield* gather(producer(), consumer());
    };
    it.each([
      ["a lock", viaLock],
      ["an event", viaEvent],
      ["a queue", viaQueue],
    ] as const)("%s", (_name, program) => {
      expect(cover(program).ok).toBe(false);
      expect(cover(program, { reduce: true, sharedState: "tracked" }).ok).toBe(false);
    });
  });

  it("sees the state a library keeps in its done callbacks: which of two failures gather reports first", () => {
    const program: Program = function* firstFailureWins() {
      function* failAt(name: string) {
        yield* sleep(1);
        throw new Error(name);
      }
      let first = "";
      try {
        yield* gather(failAt("a"), failAt("b"));
      } catch (error) {
        first = (error as Error).message;
      }
      yield* sleep(1);
      if (first === "b") throw new Error("b's failure was reported");
    };
    expect(cover(program).ok).toBe(false);
    expect(cover(program, { reduce: true, sharedState: "tracked" }).ok).toBe(false);
  });

  it("finds every bug of the corpus that exhaustive without it finds", () => {
    for (const bug of [...bugs, ...nodeBugs]) {
      const options = bug.levels === undefined ? {} : { levels: bug.levels };
      const full = explore(bug.buggy, { policy: exhaustive({ runs: 2000, ...options }), runs: 2000, shrink: false });
      const reduced = explore(bug.buggy, {
        policy: exhaustive({ runs: 2000, reduce: true, ...options }),
        runs: 2000,
        shrink: false,
      });
      expect(reduced.ok, bug.id).toBe(full.ok);
      if (!full.ok && !reduced.ok) expect(reduced.failure?.kind, bug.id).toBe(full.failure?.kind);
    }
  });

  it("reaches exactly the final states the full search reaches (random programs over stores, locks and sleeps)", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("sleep" as const), ticks: fc.integer({ min: 1, max: 2 }) }),
      fc.record({ kind: fc.constant("append" as const), store: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant("locked" as const), store: fc.integer({ min: 0, max: 2 }) }),
    );
    const programArb = fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 });
    fc.assert(
      fc.property(programArb, (tasks) => {
        const finals = (sharedState: "untracked" | "tracked" | null): Set<string> => {
          const seen = new Set<string>();
          const program: Program = function* randomProgram(loop: EventLoop) {
            const stores = [0, 1, 2].map((i) => createStore(loop, { log: [] as string[] }, { name: `s${i}` }));
            const lock = new Lock();
            function* worker(id: number, ops: (typeof tasks)[number]) {
              for (const step of ops) {
                if (step.kind === "sleep") yield* sleep(step.ticks);
                else if (step.kind === "append") {
                  stores[step.store]?.update((s) => {
                    s.log.push(`t${id}`);
                  });
                  yield* sleep(1);
                } else {
                  yield* lock.with(function* () {
                    stores[step.store]?.update((s) => {
                      s.log.push(`L${id}`);
                    });
                    yield* sleep(1);
                  });
                }
              }
            }
            yield* gather(...tasks.map((ops, id) => worker(id, ops)));
            seen.add(JSON.stringify(stores.map((s) => s.get().log)));
          };
          const result = cover(program, sharedState === null ? {} : { reduce: true, sharedState });
          expect(result.coverage.complete).toBe(true);
          return seen;
        };
        const full = finals(null);
        const reduced = finals("tracked");
        expect([...reduced].sort()).toEqual([...full].sort());
      }),
      { numRuns: 25, seed: 7 },
    );
  });

  it("refuses a deviation bound, which reordering independent steps would break", () => {
    expect(() => exhaustive({ reduce: true, maxDeviations: 2 })).toThrow(CheckArgumentError);
    expect(() => exhaustive({ reduce: true, sharedState: "all" as never })).toThrow(CheckArgumentError);
  });

  it("records nothing when reduce is off", () => {
    const policy = exhaustive({ runs: 10 });
    expect("observe" in policy && typeof policy.observe === "function").toBe(true);
    const result = explore(threeTickers, { policy, runs: 10, shrink: false });
    expect(result.coverage.pruned).toBeUndefined();
  });
});
