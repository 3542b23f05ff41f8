import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  BadYieldError,
  EventLoop,
  SimloopError,
  UnhandledErrorsError,
  describeError,
  WaitableTimer,
  type Coroutine,
  type Future,
} from "../src/index.ts";
import * as helpers from "./helpers.ts";
import { nap } from "./helpers.ts";

/**
 * Issue 11, done-when: random programs with hostile values mixed in — unprintable throws, yields of
 * values a task cannot even inspect, deadlines that overflow — must leave the loop consistent: the rest
 * of the program logs exactly what it logs without them, every hostile value reaches the right place
 * (the exception handler, the task's own `catch`, its future) as itself, every refusal is a named
 * simloop error, and afterwards the loop is idle, empty and usable.
 */

const HOSTILE_KINDS = 5;

/** A value `String()` cannot print, or that throws on every inspection; fresh on each call. */
function hostile(kind: number): unknown {
  switch (kind) {
    case 0:
      return Object.create(null);
    case 1: {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }
    case 2:
      return {
        toString(): string {
          throw new Error("toString refuses");
        },
      };
    case 3:
      return helpers; // a module namespace: null prototype, non-writable
    default:
      return new Proxy(
        {},
        {
          get() {
            throw new Error("get trap");
          },
          getPrototypeOf() {
            throw new Error("getPrototypeOf trap");
          },
        },
      );
  }
}

type Op =
  | { kind: "soon"; id: number }
  | { kind: "later"; id: number; delay: number }
  | { kind: "task"; id: number; naps: number[] }
  | { kind: "throw"; value: number; where: "callback" | "timer" }
  | { kind: "task-throws"; value: number }
  | { kind: "yield"; value: number; after: number }
  | { kind: "overflow"; how: "callLater" | "sleep" };

interface Outcome {
  log: string[];
  refusals: unknown[];
  thrown: unknown[];
  failedTasks: { task: Future<unknown>; value: unknown }[];
  loop: EventLoop;
}

/** The unit of virtual time: 1 from t=0; near Number.MAX_VALUE, large enough for distinct times. */
function unitFor(startTime: number): number {
  return startTime === 0 ? 1 : 1e296;
}

function run(ops: readonly Op[], startTime: number, withHostile: boolean): Outcome {
  const loop = new EventLoop({ unhandled: "collect", startTime });
  const unit = unitFor(startTime);
  const log: string[] = [];
  const refusals: unknown[] = [];
  const thrown: unknown[] = [];
  const failedTasks: { task: Future<unknown>; value: unknown }[] = [];
  const at = (label: string): void => void log.push(`${label}@${(loop.time() - startTime) / unit}`);
  for (const op of ops) {
    switch (op.kind) {
      case "soon":
        loop.callSoon(() => at(`soon${op.id}`));
        break;
      case "later":
        loop.callLater(op.delay * unit, () => at(`later${op.id}`));
        break;
      case "task":
        loop.createTask(
          (function* (): Coroutine<void> {
            for (const d of op.naps) {
              yield* nap(d * unit);
              at(`task${op.id}`);
            }
          })(),
        );
        break;
      case "throw": {
        if (!withHostile) break;
        const value = hostile(op.value);
        thrown.push(value);
        const fn = (): never => {
          throw value;
        };
        if (op.where === "callback") loop.callSoon(fn);
        else loop.callLater(unit, fn);
        break;
      }
      case "task-throws": {
        if (!withHostile) break;
        const value = hostile(op.value);
        const task = loop.createTask(
          (function* (): Coroutine<void> {
            yield;
            throw value;
          })(),
        );
        failedTasks.push({ task, value });
        break;
      }
      case "yield":
        if (!withHostile) break;
        loop.createTask(
          (function* (): Coroutine<void> {
            yield* nap(op.after * unit);
            try {
              yield hostile(op.value) as never;
              refusals.push(new Error("a hostile yield was accepted"));
            } catch (error) {
              refusals.push(error);
            }
          })(),
        );
        break;
      case "overflow":
        if (!withHostile) break;
        if (op.how === "callLater") {
          // At t=0 the first is accepted (due at Number.MAX_VALUE, after everything else) and the
          // second, from there, overflows; near Number.MAX_VALUE the first overflows.
          const tryOverflow = (): void => {
            try {
              loop.callLater(Number.MAX_VALUE, tryOverflow);
            } catch (error) {
              refusals.push(error);
            }
          };
          tryOverflow();
        } else {
          loop.createTask(
            (function* (): Coroutine<void> {
              try {
                yield* new WaitableTimer(Number.MAX_VALUE, undefined);
                yield* new WaitableTimer(Number.MAX_VALUE, undefined);
                refusals.push(new Error("an overflowing sleep was accepted"));
              } catch (error) {
                refusals.push(error);
              }
            })(),
          );
        }
    }
  }
  loop.runUntilIdle();
  return { log, refusals, thrown, failedTasks, loop };
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
    kind: fc.constant("throw" as const),
    value: fc.nat(HOSTILE_KINDS - 1),
    where: fc.constantFrom("callback" as const, "timer" as const),
  }),
  fc.record({ kind: fc.constant("task-throws" as const), value: fc.nat(HOSTILE_KINDS - 1) }),
  fc.record({ kind: fc.constant("yield" as const), value: fc.nat(HOSTILE_KINDS - 1), after: fc.nat(3) }),
  fc.record({ kind: fc.constant("overflow" as const), how: fc.constantFrom("callLater" as const, "sleep" as const) }),
);

describe("hostile values in random programs (issue 11)", () => {
  it("leave the loop consistent: same log, each value where it belongs, named refusals, an idle usable loop", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), fc.constantFrom(0, 1e308), (ops, startTime) => {
        const clean = run(ops, startTime, false);
        const dirty = run(ops, startTime, true);
        expect(dirty.log).toEqual(clean.log);

        // Every refusal is a named simloop error of the right class.
        const yields = ops.filter((op) => op.kind === "yield").length;
        const overflows = ops.filter((op) => op.kind === "overflow").length;
        expect(dirty.refusals).toHaveLength(yields + overflows);
        for (const error of dirty.refusals) {
          expect(error).toBeInstanceOf(SimloopError);
          expect(error instanceof BadYieldError || error instanceof ArgumentError).toBe(true);
        }

        // Each value thrown by a callback reached the exception handler as itself, describable.
        const loop = dirty.loop;
        const contexts = loop.unhandledErrors();
        expect(contexts).toHaveLength(dirty.thrown.length);
        for (const context of contexts) {
          expect(dirty.thrown.includes(context.exception)).toBe(true);
          expect(typeof describeError(context.exception)).toBe("string");
        }

        // Each task that threw one failed with it, and is listed as never retrieved.
        const unretrieved = loop.unretrievedFutures();
        expect(unretrieved).toHaveLength(dirty.failedTasks.length);
        for (const { task, value } of dirty.failedTasks) {
          expect(task.state).toBe("rejected");
          expect(task.exception() === value).toBe(true);
        }
        expect(loop.unretrievedFutures()).toHaveLength(0);

        // The loop is idle and empty, and still works.
        expect(loop.isRunning()).toBe(false);
        expect(loop.allTasks().size).toBe(0);
        expect(loop.peek()).toBe(Infinity);
        const iteration = loop.iteration;
        expect(loop.step()).toBe(false);
        loop.runUntilIdle();
        expect(loop.iteration).toBe(iteration);
        const after: string[] = [];
        loop.callSoon(() => after.push("soon"));
        loop.callLater(1, () => after.push("later"));
        loop.runUntilIdle();
        expect(after).toEqual(["soon", "later"]);
      }),
      { numRuns: 300 },
    );
  });

  it('in "throw" mode, the run call throws UnhandledErrorsError carrying exactly the thrown values', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(HOSTILE_KINDS - 1), { minLength: 1, maxLength: 5 }), (kinds) => {
        const loop = new EventLoop({ unhandled: "throw" });
        const values = kinds.map(hostile);
        const log: number[] = [];
        values.forEach((value, i) => {
          loop.callLater(i, () => {
            log.push(i);
            throw value;
          });
        });
        let caught: unknown;
        try {
          loop.runUntilIdle();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(UnhandledErrorsError);
        const errors = (caught as UnhandledErrorsError).errors;
        expect(errors).toHaveLength(values.length);
        errors.forEach((error, i) => expect(error === values[i]).toBe(true));
        expect(typeof (caught as Error).message).toBe("string");
        expect(log).toEqual(values.map((_, i) => i));
      }),
      { numRuns: 100 },
    );
  });
});
