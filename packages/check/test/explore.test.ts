import { describe, expect, it } from "vitest";
import { BadYieldError, DeadlockError, StepBudgetExceededError, type EventLoop, type JitterPoint } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import {
  assertExplore,
  createStore,
  ExceptionHandlerCalledError,
  ExplorationFailedError,
  explore,
  InvariantViolationError,
  LeftoverTasksError,
  NondeterminismError,
  pct,
  RecordingPolicy,
  replay,
  resolveLevels,
  UnretrievedExceptionError,
  type ExploreProgress,
  type RunObservation,
} from "../src/index.ts";
import { lostUpdateBug } from "../examples/bugs/lost-update.ts";
import { staleReadDepth3Bug } from "../examples/bugs/stale-read-depth3.ts";

describe("explore: what counts as a failure", () => {
  it("an exception escaping the program", () => {
    const result = explore(function* thrower() {
      yield* sleep(1);
      throw new Error("boom");
    });
    expect(result.failure).toMatchObject({ kind: "error", run: 0 });
    expect((result.failure!.error as Error).message).toBe("boom");
  });

  it("a deadlock, with who waits on what", () => {
    const result = explore(function* stuck(loop: EventLoop) {
      yield* loop.createFuture<void>("never settled");
    });
    expect(result.failure?.kind).toBe("deadlock");
    expect(result.failure?.error).toBeInstanceOf(DeadlockError);
    expect(result.failure?.report).toMatch(
      /Who waits on what \(t=0\):\n {2}- task 'Task-1' waits on <Future pending never settled>/,
    );
  });

  it("an exhausted step budget", () => {
    const result = explore(
      function* spinner() {
        for (;;) yield;
      },
      { maxSteps: 50 },
    );
    expect(result.failure?.kind).toBe("step-budget");
    expect(result.failure?.error).toBeInstanceOf(StepBudgetExceededError);
  });

  it("a call of the exception handler", () => {
    const result = explore(function* noisy(loop: EventLoop) {
      loop.callSoon(function explode() {
        throw new Error("in a callback");
      });
      yield* sleep(1);
    });
    expect(result.failure?.kind).toBe("unhandled");
    expect(result.failure?.error).toBeInstanceOf(ExceptionHandlerCalledError);
    expect((result.failure!.error as Error).message).toMatch(/Exception in callback explode: Error: in a callback/);
  });

  it("an exception never retrieved", () => {
    const result = explore(function* forgetful(loop: EventLoop) {
      loop.createTask(
        (function* failing() {
          throw new Error("nobody looks");
        })(),
        { name: "failing" },
      );
      yield* sleep(1);
    });
    expect(result.failure?.kind).toBe("unretrieved");
    expect(result.failure?.error).toBeInstanceOf(UnretrievedExceptionError);
    expect((result.failure!.error as Error).message).toMatch(/<Task rejected name='failing'>: Error: nobody looks/);
  });

  it("an exception never retrieved beyond the loop's bounded list (maxUnretrieved, issue 11 item 5)", () => {
    const result = explore(
      function* careless(loop: EventLoop) {
        const tasks = [];
        for (let i = 0; i <= 1000; i++) {
          tasks.push(
            loop.createTask(
              (function* failing() {
                throw new Error(`failure ${i}`);
              })(),
            ),
          );
        }
        yield* sleep(1);
        for (const task of tasks.slice(0, 1000)) task.exception(); // the last one is never looked at
      },
      { runs: 1 },
    );
    expect(result.failure?.kind).toBe("unretrieved");
    expect((result.failure!.error as UnretrievedExceptionError).dropped).toBe(1);
    expect((result.failure!.error as Error).message).toMatch(
      /^1 exception\(s\) were never retrieved:\n {2}- and 1 more, not listed/,
    );
  });

  it("a task left pending when the program returns, unless allowed", () => {
    const program = function* leaky(loop: EventLoop) {
      loop.createTask(sleep(5), { name: "background" });
      yield* sleep(1);
    };
    const result = explore(program);
    expect(result.failure?.kind).toBe("leftover-tasks");
    expect(result.failure?.error).toBeInstanceOf(LeftoverTasksError);
    expect((result.failure!.error as LeftoverTasksError).tasks).toEqual([
      "task 'background' waits on <sleep until t=5>",
    ]);
    expect(explore(program, { allowLeftoverTasks: true }).ok).toBe(true);
  });

  it("a violated state invariant (immer store)", () => {
    const result = explore(function* overdraft(loop: EventLoop) {
      const account = createStore(loop, { balance: 5 }).always("never negative", (s) => s.balance >= 0);
      account.update((s) => {
        s.balance -= 10;
      });
      yield* sleep(1);
    });
    expect(result.failure?.kind).toBe("invariant");
    expect(result.failure?.error).toBeInstanceOf(InvariantViolationError);
    expect((result.failure!.error as Error).message).toBe(
      'Invariant "never negative" violated at t=0: "state" became {"balance":-5}',
    );
  });

  it("a bad yield: a task that yields a Promise fails with core's BadYieldError, and the report shows its fix", () => {
    const result = explore(function* promised() {
      yield Promise.resolve(1) as never;
    });
    expect(result.failure?.kind).toBe("error");
    expect(result.failure?.error).toBeInstanceOf(BadYieldError);
    expect(result.failure?.report).toMatch(/yielded a Promise outside async mode[^]*yield\* fromPromise\(promise\)/);
  });

  it("a run that does not replay identically: nondeterminism, naming Math.random", () => {
    const result = explore(function* flaky() {
      yield* sleep(1 + Math.floor(Math.random() * 1e6));
      throw new Error("always fails, at a random time");
    });
    expect(result.failure?.kind).toBe("nondeterminism");
    const error = result.failure?.error as NondeterminismError;
    expect(error).toBeInstanceOf(NondeterminismError);
    expect(error.culprits).toContain("Math.random");
    expect(error.message).toMatch(/The program called Math\.random/);
  });
});

describe("explore: the campaign", () => {
  it("is deterministic per seed", () => {
    const a = explore(lostUpdateBug.buggy, { policy: "random", seed: 11, runs: 100 });
    const b = explore(lostUpdateBug.buggy, { policy: "random", seed: 11, runs: 100 });
    expect(b.runs).toBe(a.runs);
    expect(b.failure?.report).toBe(a.failure?.report);
  });

  it("counts runs, distinct schedules and decision points, and reports progress", () => {
    const progress: ExploreProgress[] = [];
    const result = explore(lostUpdateBug.fixed, { policy: "random", runs: 30, onProgress: (p) => progress.push(p) });
    expect(result.ok).toBe(true);
    expect(result.runs).toBe(30);
    expect(progress).toHaveLength(30);
    expect(result.distinctSchedules).toBeGreaterThan(1);
    expect(result.decisionPoints).toBeGreaterThanOrEqual(30);
    expect(result.policy).toBe("random");
  });

  it("stops starting runs when the time budget is spent", () => {
    const result = explore(lostUpdateBug.fixed, { policy: "random", runs: 1_000_000, timeBudgetMs: 50 });
    expect(result.ok).toBe(true);
    expect(result.runs).toBeLessThan(1_000_000);
  });

  it("fast-check: stops starting runs when the time budget is spent", () => {
    const started = performance.now();
    const result = explore(lostUpdateBug.fixed, { policy: "fast-check", runs: 1_000_000, timeBudgetMs: 50 });
    expect(result.ok).toBe(true);
    expect(result.runs).toBeLessThan(1_000_000);
    // A million runs take minutes; a generous bound that only an ignored budget could exceed.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("fast-check: reports progress after each run, not after fast-check's shrinking runs", () => {
    const passing: ExploreProgress[] = [];
    const ok = explore(lostUpdateBug.fixed, { policy: "fast-check", runs: 30, onProgress: (p) => passing.push(p) });
    expect(ok.runs).toBe(30);
    expect(passing.map((p) => p.run)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(passing.every((p) => p.runs === 30)).toBe(true);
    expect(passing.at(-1)?.distinctSchedules).toBe(ok.distinctSchedules);

    const failing: ExploreProgress[] = [];
    const found = explore(lostUpdateBug.buggy, { policy: "fast-check", runs: 100, onProgress: (p) => failing.push(p) });
    expect(found.ok).toBe(false);
    expect(failing).toHaveLength(found.runs);
    expect(failing.at(-1)?.run).toBe(found.failure!.run);
  });

  it("pct: run r does not depend on the runs before it (k comes from run 0, re-run as a pilot)", () => {
    const options = { policy: "pct", depth: 3, seed: 7, shrink: false } as const;
    const sequential = explore(staleReadDepth3Bug.buggy, { ...options, runs: 50 });
    const failure = sequential.failure!;
    expect(failure.run).toBeGreaterThan(2);
    for (const firstRun of [1, failure.run]) {
      const later = explore(staleReadDepth3Bug.buggy, { ...options, firstRun, runs: 50 - firstRun });
      expect(later.failure?.run).toBe(failure.run);
      expect(later.failure?.runSeed).toBe(failure.runSeed);
      expect(later.failure?.original.toString()).toBe(failure.original.toString());
      expect(later.coverage.steps).toBe(sequential.coverage.steps);
    }
  });

  it("pct: the coverage says where k came from, and when runs asked more decision points than k", () => {
    const measured = explore(staleReadDepth3Bug.fixed, { policy: "pct", runs: 20, seed: 1 }).coverage;
    expect(measured).toMatchObject({ stepsFrom: "run 0", steps: 6, observedSteps: 6 });
    const given = explore(staleReadDepth3Bug.fixed, { policy: pct(1, 2, { steps: 3 }), runs: 20 }).coverage;
    expect(given).toMatchObject({ stepsFrom: "given", steps: 3, observedSteps: 6 });
    expect(given.summary).toContain(
      "k=3 decision points (given; runs asked up to 6, the bound is for bugs within the first 3) per run: >= 1/(n·k^1) = 0.0476 per run",
    );
  });

  it("can skip shrinking, and can attach the ordering invariants to every run", () => {
    const result = explore(lostUpdateBug.buggy, { policy: "pct", runs: 50, shrink: false, invariants: true });
    expect(result.failure?.kind).toBe("error");
    expect(result.failure?.shrinkRuns).toBe(0);
    expect(
      explore(lostUpdateBug.fixed, { policy: "random", runs: 50, invariants: true, levels: { interleave: true } }).ok,
    ).toBe(true);
  });

  it("explores interleavings when asked (levels)", () => {
    function* twoWriters() {
      const log: string[] = [];
      yield* gather(
        (function* () {
          log.push("a");
          yield;
          log.push("a");
        })(),
        (function* () {
          log.push("b");
          yield;
          log.push("b");
        })(),
      );
      if (log.join("") === "abba") throw new Error(`interleaved: ${log.join("")}`);
    }
    expect(explore(twoWriters, { policy: "exhaustive" }).ok).toBe(true);
    const result = explore(twoWriters, { policy: "exhaustive", levels: { interleave: true } });
    expect(result.failure?.schedule.toString()).toBe("v2:i2=0,i2=1");
    expect(result.failure?.report).toMatch(/exploring ties = .*; interleave = /);
  });
});

describe("explore: untraced runs", () => {
  it("re-runs the failing run with the trace and labels on: its trace is the replay's", () => {
    let traced = 0;
    const result = explore(
      function* lostUpdate(loop: EventLoop) {
        if (loop.trace !== null) traced++;
        yield* lostUpdateBug.buggy(loop);
      },
      { policy: "random", runs: 100, seed: 3, shrink: false },
    );
    const failure = result.failure!;
    expect(failure.run).toBeGreaterThan(0);
    // Only the re-run of the failing run and the two runs of the determinism self-check were traced.
    expect(traced).toBe(3);
    const again = replay(lostUpdateBug.buggy, failure.schedule, { seed: failure.runSeed });
    expect(failure.trace.map(({ kind, label, time }) => [time, kind, label])).toEqual(
      again.trace.map(({ kind, label, time }) => [time, kind, label]),
    );
    expect(failure.original.decisions.every((d) => d.labels !== undefined)).toBe(true);
  });

  it("a failing run that passes when re-run with the trace on: nondeterminism", () => {
    let calls = 0;
    const result = explore(function* flakyOnce() {
      yield* sleep(1);
      if (++calls === 1) throw new Error("only the first time");
    });
    expect(result.failure?.kind).toBe("nondeterminism");
    expect(result.failure?.error).toBeInstanceOf(NondeterminismError);
    expect(result.failure?.run).toBe(0);
  });

  it("gives a policy that reads the task count in endRun the count, unless it says it does not", () => {
    class Counting extends RecordingPolicy {
      readonly seen: number[] = [];
      protected pick(): number {
        return 0;
      }
      protected draw(point: JitterPoint): number {
        return point.min;
      }
      override endRun(observation: RunObservation): void {
        this.seen.push(observation.tasks);
      }
    }
    class Blind extends Counting {
      override readonly observesTasks = false;
    }
    const levels = resolveLevels({});
    const counting = new Counting("counting", levels);
    const blind = new Blind("blind", levels);
    explore(lostUpdateBug.fixed, { policy: counting, runs: 2 });
    explore(lostUpdateBug.fixed, { policy: blind, runs: 2 });
    expect(counting.seen).toEqual([3, 3]);
    expect(blind.seen).toEqual([0, 0]);
  });
});

describe("explore: uncertain durations (jitter level)", () => {
  function* raceWithJitter(loop: EventLoop) {
    const finished: string[] = [];
    yield* gather(
      (function* () {
        yield* sleep(loop.jitter(0.5, 1.5)); // a network hop of uncertain latency
        finished.push("request");
      })(),
      (function* () {
        yield* sleep(1);
        finished.push("deadline");
      })(),
    );
    if (finished[0] !== "request") throw new Error(`the deadline passed first: ${finished.join(", ")}`);
  }

  it("draws durations within their bounds, records them, and shrinks them toward the minimum", () => {
    expect(explore(raceWithJitter, { levels: { jitter: false } }).ok).toBe(true);
    const result = explore(raceWithJitter, { policy: "random", runs: 50, levels: { jitter: true } });
    const failure = result.failure!;
    expect(failure.schedule.decisions).toHaveLength(1);
    const [draw] = failure.schedule.decisions;
    expect(draw).toMatchObject({ kind: "jitter", min: 0.5, max: 1.5 });
    expect(draw!.pick).toBeGreaterThan(1);
    expect(failure.report).toMatch(/replay\(raceWithJitter, "v2:j0\.5~1\.5=[\d.]+", \{ seed: \d+ \}\);/);
    expect(replay(raceWithJitter, failure.schedule, { seed: failure.runSeed }).failure?.kind).toBe("error");
  });

  it("explores both bounds exhaustively", () => {
    const result = explore(raceWithJitter, { policy: "exhaustive", levels: { jitter: true } });
    expect(result.failure?.schedule.toString()).toBe("v2:j0.5~1.5=1.5");
  });
});

describe("explore: I/O deliveries (io level)", () => {
  /** A check-then-create: "a" creates the record at t=0, "b" at t=1, each checking first; a unique key. */
  function* checkThenCreate(loop: EventLoop) {
    const db = new Set<string>();
    function* create(name: string) {
      const exists = yield* loop.deliver(() => db.has("k"), { label: `${name} check` });
      if (exists) return;
      yield* loop.deliver(
        () => {
          if (db.has("k")) throw new Error(`duplicate key: ${name} created a record that exists`);
          db.add("k");
        },
        { label: `${name} insert` },
      );
    }
    yield* gather(
      create("a"),
      (function* () {
        yield* sleep(1);
        yield* create("b");
      })(),
    );
  }

  it("finds a reply order that only exists if a reply can arrive after a timer", () => {
    expect(explore(checkThenCreate, { policy: "exhaustive", levels: { io: false } }).ok).toBe(true);
    const result = explore(checkThenCreate, { policy: "exhaustive", levels: { io: true } });
    expect(result.ok).toBe(false);
    expect((result.failure!.error as Error).message).toMatch(/duplicate key: \w created a record that exists/);
    const schedule = result.failure!.schedule;
    expect(schedule.toString()).toMatch(/^v2:.*d\d=\d/);
    expect(schedule.deviations).toBe(1);
    expect(result.failure!.report).toMatch(
      /ran "none yet: sleep\(1\) .*, Task-3 comes first" first, where asyncio runs "the reply to a check, Task-2 arrives now"/,
    );
    const again = replay(checkThenCreate, schedule, { seed: result.failure!.runSeed });
    expect(again.failure?.kind).toBe("error");
  });

  it("random and pct find it too, and a schedule text with d replays it", () => {
    for (const policy of ["random", "pct"] as const) {
      const result = explore(checkThenCreate, { policy, runs: 200, levels: { io: true } });
      expect(result.ok, policy).toBe(false);
    }
    expect(replay(checkThenCreate, "v2:d2=1").failure?.kind).toBe("error");
  });
});

describe("explore: the defaults explore declared uncertainty, and say when nothing was explored", () => {
  function* requestOrDeadline(loop: EventLoop) {
    const finished: string[] = [];
    yield* gather(
      (function* () {
        yield* sleep(loop.jitter(0.5, 1.5)); // a network hop of uncertain latency
        finished.push("request");
      })(),
      (function* () {
        yield* sleep(1);
        finished.push("deadline");
      })(),
    );
    if (finished[0] !== "request") throw new Error(`the deadline passed first: ${finished.join(", ")}`);
  }

  it("finds a race on an uncertain duration with no option, and on an I/O reply order", () => {
    const result = explore(requestOrDeadline);
    expect(result.ok).toBe(false);
    expect(result.levels).toMatchObject({ ties: true, jitter: true, io: true, interleave: false, faults: false });
    expect(result.notice).toBeUndefined();
    function* twoReplies(loop: EventLoop) {
      const order: string[] = [];
      yield* gather(
        (function* () {
          order.push(yield* loop.deliver(() => "a"));
        })(),
        (function* () {
          order.push(yield* loop.deliver(() => "b"));
        })(),
      );
      if (order[0] !== "a") throw new Error(`b's reply came first: ${order.join(", ")}`);
    }
    expect(explore(twoReplies).ok).toBe(false);
  });

  it("says when no run met a choice point, with the fix", () => {
    const result = explore(requestOrDeadline, { levels: { jitter: false } });
    expect(result.ok).toBe(true);
    expect(result.decisionPoints).toBe(0);
    expect(result.notice).toMatch(
      /^no run met a choice point .*, so all 100 run\(s\) were the same schedule and nothing was explored: durations here are fixed: declare the uncertain ones with loop\.jitter\(min, max\), .* with the jitter level on, or explore the order of tasks within an iteration with levels: \{ interleave: true \}\.$/,
    );
  });

  it("says when the runs met only ties, and says nothing once they met an uncertain duration", () => {
    const result = explore(lostUpdateBug.fixed);
    expect(result.ok).toBe(true);
    expect(result.notice).toMatch(
      /^the runs met only ties \(timers due at the same instant\), never an uncertain duration or an I\/O reply: durations here are fixed: declare the uncertain ones with loop\.jitter\(min, max\)/,
    );
    function* fixedTwin(loop: EventLoop) {
      yield* sleep(loop.jitter(0.5, 0.9));
      yield* sleep(1);
    }
    expect(explore(fixedTwin).notice).toBeUndefined();
  });

  it("exhaustive does not claim every schedule when a failure hides between an uncertain duration's bounds", () => {
    function* midRange(loop: EventLoop) {
      yield* sleep(loop.jitter(0, 10));
      if (loop.time() > 4 && loop.time() < 6) throw new Error(`a reply at t=${loop.time()} lands in the window`);
    }
    const result = explore(midRange, { policy: "exhaustive" });
    // Either it finds the failure, or it does not claim the space covered.
    if (result.ok) {
      expect(result.coverage.complete).toBe(false);
      expect(result.coverage.summary).toMatch(/at their two bounds only: the values in between were NOT covered/);
      expect(result.coverage.summary).not.toMatch(/explored every schedule/);
    }
    const plain = explore(lostUpdateBug.fixed, { policy: "exhaustive" });
    expect(plain.coverage.complete).toBe(true);
    expect(plain.coverage.summary).toMatch(/^explored every schedule/);
  });
});

describe("assertExplore", () => {
  it("throws the report as the message", () => {
    let caught: unknown;
    try {
      assertExplore(lostUpdateBug.buggy, { policy: "pct", runs: 50 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExplorationFailedError);
    const error = caught as ExplorationFailedError;
    expect(error.kind).toBe("error");
    expect(error.schedule).toBe("v2:t2=1");
    expect(error.message).toMatch(/^simloop check failed: lostUpdate: the program threw/);
    expect(error.message).toMatch(/replay\(lostUpdate, "v2:t2=1", \{ seed: \d+ \}\);$/);
  });

  it("returns the result when nothing fails", () => {
    expect(assertExplore(lostUpdateBug.fixed, { runs: 20 }).ok).toBe(true);
  });
});
