import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventLoop } from "@simloop/core";
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
  it("reports a callback that runs before its deadline", () => {
    const loop = new EventLoop({ trace: true });
    checkInvariants(loop);
    // A broken loop, simulated: the timer's callback is dispatched by hand at t=0.
    const handle = loop.callLater(5, function early() {});
    (handle as unknown as { _run(): void })._run();
    expect(invariantViolations(loop).map((v) => v.invariant)).toEqual(["no callback runs before its deadline"]);
  });
});
