import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventLoop, SimloopError, type Coroutine, type Future } from "../src/index.ts";
import { nap } from "./helpers.ts";

/**
 * Misuse must leave the loop consistent: a program with misuse mixed in (inside callbacks, tasks, and
 * between run calls) must log exactly what the same program logs without it, and every misuse must be
 * a named simloop error.
 */
type Op =
  | { kind: "soon"; id: number }
  | { kind: "later"; id: number; delay: number }
  | { kind: "task"; id: number; naps: number[] }
  | { kind: "misuse"; which: number; where: "top" | "callback" | "task" };

const MISUSES = 10;

function misuse(loop: EventLoop, other: EventLoop, which: number): void {
  const pending = loop.createFuture<number>();
  switch (which) {
    case 0:
      // Running while running; outside a run call, running is legitimate, so misuse another loop instead.
      if (loop.isRunning()) loop.runForever();
      else other.runUntilComplete(loop.createFuture());
      return;
    case 1: {
      // Closing while running; outside a run call, use a loop that is already closed.
      if (loop.isRunning()) loop.close();
      const closed = new EventLoop();
      closed.close();
      closed.callSoon(() => {});
      return;
    }
    case 2:
      loop.callLater(Number.NaN, () => {});
      return;
    case 3:
      loop.createTask((() => 1) as never);
      return;
    case 4:
      loop.runUntilComplete(other.createFuture());
      return;
    case 5: {
      const done = loop.createFuture<number>();
      done.setResult(1);
      done.setResult(2);
      return;
    }
    case 6:
      pending.result();
      return;
    case 7:
      loop.callSoon(null as never);
      return;
    case 8:
      loop.runUntilTime(loop.time() - 1);
      return;
    default:
      void [...(pending as unknown as Iterable<unknown>)];
  }
}

function run(ops: readonly Op[], withMisuse: boolean): { log: string[]; errors: unknown[] } {
  const loop = new EventLoop({ unhandled: "collect" });
  const other = new EventLoop();
  const log: string[] = [];
  const errors: unknown[] = [];
  const tryMisuse = (which: number): void => {
    if (!withMisuse) return;
    try {
      misuse(loop, other, which);
      errors.push(new Error(`misuse ${which} did not throw`));
    } catch (error) {
      errors.push(error);
    }
  };
  for (const op of ops) {
    switch (op.kind) {
      case "soon":
        loop.callSoon(() => log.push(`soon${op.id}@${loop.time()}`));
        break;
      case "later":
        loop.callLater(op.delay, () => log.push(`later${op.id}@${loop.time()}`));
        break;
      case "task":
        loop.createTask(
          (function* (): Coroutine<void> {
            for (const d of op.naps) {
              yield* nap(d);
              log.push(`task${op.id}@${loop.time()}`);
            }
          })(),
        );
        break;
      case "misuse":
        if (op.where === "top") tryMisuse(op.which);
        else if (op.where === "callback") loop.callSoon(() => tryMisuse(op.which));
        else
          loop.createTask(
            (function* (): Coroutine<void> {
              yield;
              tryMisuse(op.which);
              if (withMisuse) {
                try {
                  yield 42 as unknown as Future<unknown>;
                } catch (error) {
                  errors.push(error);
                }
              } else {
                yield;
              }
            })(),
          );
    }
  }
  loop.runUntilIdle();
  return { log, errors };
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("soon" as const), id: fc.nat(99) }),
  fc.record({ kind: fc.constant("later" as const), id: fc.nat(99), delay: fc.integer({ min: -2, max: 5 }) }),
  fc.record({
    kind: fc.constant("task" as const),
    id: fc.nat(99),
    naps: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant("misuse" as const),
    which: fc.nat(MISUSES - 1),
    where: fc.constantFrom("top" as const, "callback" as const, "task" as const),
  }),
);

describe("misuse", () => {
  it("never changes what the rest of the program does, and is always a named simloop error", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
        const clean = run(ops, false);
        const dirty = run(ops, true);
        expect(dirty.log).toEqual(clean.log);
        for (const error of dirty.errors) expect(error).toBeInstanceOf(SimloopError);
      }),
      { numRuns: 300 },
    );
  });
});
