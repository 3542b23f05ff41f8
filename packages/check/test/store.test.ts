import { describe, expect, it } from "vitest";
import { EventLoop } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import { always, createStore, eventually, explore, invariantViolations } from "../src/index.ts";

describe("createStore (immer)", () => {
  it("records each update as a frozen snapshot with structural sharing, time and task", () => {
    const loop = new EventLoop({ trace: true });
    const store = createStore(loop, { account: { balance: 0 }, audit: { entries: [] as string[] } }, { name: "bank" });
    loop.runUntilComplete(
      loop.createTask(
        (function* () {
          yield* sleep(2);
          store.update((s) => {
            s.account.balance += 5;
          });
        })(),
        { name: "depositor" },
      ),
    );
    const [first, second] = store.history();
    expect(first).toMatchObject({ time: 0, source: "main", state: { account: { balance: 0 } } });
    expect(second).toMatchObject({ time: 2, source: "depositor", state: { account: { balance: 5 } } });
    expect(Object.isFrozen(second!.state)).toBe(true);
    expect(second!.state.audit).toBe(first!.state.audit);
    const notes = loop.trace!.events().filter((e) => e.kind === "note");
    expect(notes.map((e) => [e.time, e.label])).toEqual([
      [0, "state:bank"],
      [2, "state:bank"],
    ]);
  });

  it("records nothing when an update changes nothing", () => {
    const loop = new EventLoop({ trace: true });
    const store = createStore(loop, { n: 1 });
    store.update(() => {});
    expect(store.history()).toHaveLength(1);
  });

  it("checks always-predicates at each step and eventually-predicates at the end", () => {
    const loop = new EventLoop({ trace: true });
    const store = createStore(loop, { n: 0 })
      .always("n stays small", (s) => s.n < 2)
      .eventually("n reaches 5", (s) => s.n === 5);
    store.update((s) => {
      s.n = 3;
    });
    expect(invariantViolations(loop).map((v) => v.message)).toEqual([
      'Invariant "n stays small" violated at t=0: "state" became {"n":3}',
      'Invariant "n reaches 5" violated at t=0: no state of "state" satisfied it; the last was {"n":3}',
    ]);
  });

  it("offers always/eventually over a recorded history", () => {
    const loop = new EventLoop();
    const store = createStore(loop, { n: 0 });
    for (let i = 1; i <= 3; i++) store.update((s) => ({ n: s.n + i }));
    expect(store.history().map((s) => s.state.n)).toEqual([0, 1, 3, 6]);
    expect(always(store.history(), (s) => s.n >= 0)).toBe(-1);
    expect(always(store.history(), (s) => s.n < 3)).toBe(2);
    expect(eventually(store.history(), (s) => s.n === 6)).toBe(3);
    expect(eventually(store.history(), (s) => s.n === 7)).toBe(-1);
  });

  it("fails an exploration when an eventually-predicate never held", () => {
    const result = explore(function* neverDone(loop) {
      createStore(loop, { done: false }).eventually("the job completes", (s) => s.done);
      yield* sleep(1);
    });
    expect(result.failure?.kind).toBe("invariant");
  });
});
