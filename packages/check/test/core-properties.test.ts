import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventLoop, Future, Handle, TimerHandle } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import {
  checkInvariants,
  exhaustive,
  fifo,
  invariantViolations,
  loopProgramArb,
  pct,
  random,
  runLoopProgram,
  traceLines,
  type ExplorationPolicy,
  type LevelOptions,
  type LoopProgram,
} from "../src/index.ts";

const RUNS = Number(process.env["SIMLOOP_PROPERTY_RUNS"] ?? 400);

function check(program: LoopProgram, policy: ExplorationPolicy | undefined, run: number): string[] {
  policy?.beginRun(run);
  const loop = new EventLoop({ trace: true, maxSteps: 10_000, ...(policy === undefined ? {} : { policy }) });
  checkInvariants(loop);
  const log = runLoopProgram(loop, program);
  policy?.endRun({ decisions: policy.schedule().length, tasks: log.tasks.length, failed: false });
  return [...invariantViolations(loop).map((v) => v.message), ...log.problems];
}

const levelMatrix: [string, LevelOptions][] = [
  ["ties", {}],
  ["ties+interleave", { interleave: true }],
];

describe("the core's ordering invariants hold on generated programs", () => {
  it("stop in a callback never truncates its siblings (checked first, on purpose-built programs)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), (before, after) => {
        const loop = new EventLoop({ trace: true });
        checkInvariants(loop);
        const ran: string[] = [];
        for (let i = 0; i < before; i++) loop.callSoon(() => ran.push(`b${i}`));
        loop.callSoon(() => {
          loop.stop();
          loop.callSoon(() => ran.push("next-run"));
        });
        for (let i = 0; i < after; i++) loop.callSoon(() => ran.push(`a${i}`));
        loop.runForever();
        expect(ran).toEqual([
          ...Array.from({ length: before }, (_, i) => `b${i}`),
          ...Array.from({ length: after }, (_, i) => `a${i}`),
        ]);
        loop.runUntilIdle();
        expect(ran.at(-1)).toBe("next-run");
        expect(invariantViolations(loop)).toEqual([]);
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  it("without a policy (asyncio's FIFO fast path)", () => {
    fc.assert(
      fc.property(loopProgramArb(), (program) => {
        expect(check(program, undefined, 0)).toEqual([]);
      }),
      { numRuns: RUNS, seed: 1 },
    );
  });

  for (const [label, levels] of levelMatrix) {
    describe(`with levels ${label}`, () => {
      const policies: [string, () => ExplorationPolicy][] = [
        ["fifo", () => fifo(levels)],
        ["random", () => random(7, { levels })],
        ["pct", () => pct(7, 3, { levels })],
      ];
      for (const [name, make] of policies) {
        it(`under ${name}`, () => {
          let run = 0;
          fc.assert(
            fc.property(loopProgramArb(), (program) => {
              expect(check(program, make(), run++)).toEqual([]);
            }),
            { numRuns: RUNS, seed: 2 },
          );
        });
      }
      it("under exhaustive (every schedule with <= 1 deviation, up to 8 runs per program)", () => {
        fc.assert(
          fc.property(loopProgramArb(4), (program) => {
            const policy = exhaustive({ levels, maxDeviations: 1, runs: 8 });
            for (let run = 0; policy.beginRun(run); run++) {
              const loop = new EventLoop({ trace: true, maxSteps: 10_000, policy });
              checkInvariants(loop);
              const log = runLoopProgram(loop, program);
              policy.endRun({ decisions: policy.schedule().length, tasks: log.tasks.length, failed: false });
              expect([...invariantViolations(loop).map((v) => v.message), ...log.problems]).toEqual([]);
            }
          }),
          { numRuns: Math.ceil(RUNS / 4), seed: 3 },
        );
      });
    });
  }

  it("a run is a pure function of (program, policy seed): identical traces", () => {
    fc.assert(
      fc.property(loopProgramArb(), fc.nat(), (program, seed) => {
        const traces = [0, 1].map(() => {
          const policy = random(seed, { levels: { interleave: true } });
          policy.beginRun(0);
          const loop = new EventLoop({ trace: true, policy, maxSteps: 10_000 });
          runLoopProgram(loop, program);
          return traceLines(loop.trace?.events() ?? []);
        });
        expect(traces[1]).toEqual(traces[0]);
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe("the invariant library notices violations", () => {
  // A broken loop, simulated: a timer handle's deadline is moved after the heap keyed it, so the heap
  // fires it at its old deadline, before the one it reports.
  function fireEarly(handle: TimerHandle): void {
    (handle as unknown as { _when: number })._when += 5;
  }

  it("reports a callback that runs before its deadline", () => {
    const loop = new EventLoop();
    checkInvariants(loop);
    fireEarly(loop.callLater(5, function early() {}));
    loop.runUntilIdle();
    expect(invariantViolations(loop).map((v) => v.invariant)).toEqual(["no callback runs before its deadline"]);
  });

  it("sees a sleep's timer: one that fires before its deadline is reported", () => {
    const loop = new EventLoop();
    checkInvariants(loop);
    const task = loop.createTask(
      (function* () {
        yield* sleep(5);
      })(),
    );
    loop.step(); // the task arms its sleep's timer
    fireEarly(task.waitingOn() as TimerHandle);
    loop.runUntilIdle();
    expect(invariantViolations(loop).map((v) => v.message)).toEqual([
      expect.stringContaining("timer setResultUnlessCancelled due at 10 ran at 5"),
    ]);
  });

  it("sees a future built with new Future: a done callback run before it completes is reported", () => {
    const loop = new EventLoop();
    checkInvariants(loop);
    const future = new Future<number>(loop, "plain");
    // A broken core, simulated: the done callback is scheduled while the future is still pending.
    const KIND_DONE = 4; // handle.ts: a future's done callback
    (loop as unknown as { _ready: { push(h: Handle): void } })._ready.push(
      new Handle(KIND_DONE, function onDone() {}, undefined, future, null),
    );
    loop.runUntilIdle();
    expect(invariantViolations(loop).map((v) => v.message)).toEqual([
      expect.stringContaining("onDone ran before <Future pending plain> was done"),
    ]);
  });

  it("sees a future built with new Future: done callbacks out of order are reported", () => {
    const loop = new EventLoop({ policy: random(3, { levels: { interleave: true } }) });
    checkInvariants(loop);
    const future = new Future<number>(loop);
    const ran: string[] = [];
    future.addDoneCallback(() => ran.push("first"));
    future.addDoneCallback(() => ran.push("second"));
    loop.callSoon(() => future.setResult(1));
    loop.runUntilIdle();
    expect(ran).toEqual(["first", "second"]); // the loop keeps them in order: no violation
    expect(invariantViolations(loop)).toEqual([]);
  });

  it("patches nothing: the loop and its futures keep their own methods", () => {
    const loop = new EventLoop();
    const detach = checkInvariants(loop);
    const future = loop.createFuture();
    expect(Object.getOwnPropertyNames(loop).filter((name) => typeof (loop as never)[name] === "function")).toEqual([]);
    expect(Object.getOwnPropertyNames(future).filter((name) => typeof (future as never)[name] === "function")).toEqual(
      [],
    );
    detach();
  });
});
