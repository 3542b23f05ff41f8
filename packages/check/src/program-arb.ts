/**
 * Random loop programs, for property tests of the core (and of any policy): a fast-check arbitrary of
 * small scripts mixing callSoon, callLater, stop inside callbacks, futures with done callbacks, tasks
 * that sleep, yield, spawn, await futures and gather, and cancellations — and an interpreter that runs
 * one on a loop while logging what the invariants need.
 *
 * @module
 */
import fc from "fast-check";
import { CancelledError, type Coroutine, type EventLoop, type Future, type Handle, type Task } from "@simloop/core";
import { gather } from "@simloop/coroutines";

/** A step of a generated task. */
export type TaskStep =
  | { readonly op: "sleep"; readonly delay: number }
  | { readonly op: "yield" }
  | { readonly op: "spawn"; readonly steps: readonly TaskStep[] }
  | { readonly op: "await-future"; readonly delay: number }
  | { readonly op: "gather"; readonly delays: readonly number[]; readonly cancelAfter: number | null }
  | { readonly op: "stop" };

/** An operation of a generated program (run as a callback, or at top level). */
export type LoopOp =
  | { readonly op: "soon"; readonly body: readonly LoopOp[] }
  | { readonly op: "later"; readonly delay: number; readonly body: readonly LoopOp[] }
  | { readonly op: "stop" }
  | { readonly op: "future"; readonly delay: number; readonly callbacks: number; readonly cancel: boolean }
  | { readonly op: "task"; readonly steps: readonly TaskStep[]; readonly cancelAfter: number | null }
  | { readonly op: "cancel-last-timer" };

/** A generated program: top-level operations, run from outside the loop. */
export interface LoopProgram {
  readonly ops: readonly LoopOp[];
}

/** What running a generated program observed, for assertions. */
export interface LoopProgramLog {
  /** Violations the interpreter noticed itself (gather order, cancel propagation, leftover tasks). */
  readonly problems: string[];
  /** Every task it created. */
  readonly tasks: Task<unknown>[];
  /** Run calls it made. */
  runCalls: number;
}

const delayArb = fc.integer({ min: 0, max: 3 });

const stepArb: fc.Arbitrary<TaskStep> = fc.letrec<{ step: TaskStep }>((tie) => ({
  step: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ op: fc.constant("sleep" as const), delay: delayArb }),
    fc.record({ op: fc.constant("yield" as const) }),
    fc.record({ op: fc.constant("await-future" as const), delay: delayArb }),
    fc.record({
      op: fc.constant("gather" as const),
      delays: fc.array(delayArb, { minLength: 1, maxLength: 3 }),
      cancelAfter: fc.option(delayArb, { nil: null }),
    }),
    fc.record({ op: fc.constant("stop" as const) }),
    fc.record({ op: fc.constant("spawn" as const), steps: fc.array(tie("step"), { maxLength: 3 }) }),
  ),
})).step;

const opArb: fc.Arbitrary<LoopOp> = fc.letrec<{ op: LoopOp }>((tie) => ({
  op: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ op: fc.constant("stop" as const) }),
    fc.record({ op: fc.constant("cancel-last-timer" as const) }),
    fc.record({
      op: fc.constant("future" as const),
      delay: delayArb,
      callbacks: fc.integer({ min: 0, max: 3 }),
      cancel: fc.boolean(),
    }),
    fc.record({
      op: fc.constant("task" as const),
      steps: fc.array(stepArb, { maxLength: 4 }),
      cancelAfter: fc.option(delayArb, { nil: null }),
    }),
    fc.record({ op: fc.constant("soon" as const), body: fc.array(tie("op"), { maxLength: 3 }) }),
    fc.record({ op: fc.constant("later" as const), delay: delayArb, body: fc.array(tie("op"), { maxLength: 3 }) }),
  ),
})).op;

/**
 * A fast-check arbitrary of small loop programs (see the module doc).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(loopProgramArb(), (program) => {
 *   const loop = new EventLoop({ trace: true });
 *   checkInvariants(loop);
 *   runLoopProgram(loop, program);
 *   return invariantViolations(loop).length === 0;
 * }));
 * ```
 */
export function loopProgramArb(maxOps = 6): fc.Arbitrary<LoopProgram> {
  return fc.record({ ops: fc.array(opArb, { maxLength: maxOps }) });
}

/**
 * Runs a generated program on `loop`: schedules its top-level operations, then runs the loop until no
 * event is left (`runUntilIdle`, again after each `stop`), and checks what the interpreter can check
 * itself: gather keeps argument order, cancelling a gather cancels its children, no task is left
 * pending at the end.
 *
 * @example
 * ```ts
 * const log = runLoopProgram(new EventLoop(), { ops: [{ op: "stop" }] });
 * log.problems; // []
 * ```
 */
export function runLoopProgram(loop: EventLoop, program: LoopProgram, maxRunCalls = 100): LoopProgramLog {
  const log: LoopProgramLog = { problems: [], tasks: [], runCalls: 0 };
  const timers: { last: Handle | null } = { last: null };

  for (const op of program.ops) execOp(loop, log, timers, op);
  while (loop.peek() !== Infinity && log.runCalls < maxRunCalls) {
    log.runCalls++;
    loop.runUntilIdle();
  }
  for (const task of log.tasks) {
    if (!task.done()) log.problems.push(`task ${task.getName()} still pending after the loop went idle`);
    else if (!task.cancelled()) task.exception();
  }
  return log;
}

function* runSteps(loop: EventLoop, log: LoopProgramLog, steps: readonly TaskStep[]): Coroutine<void> {
  for (const step of steps) {
    switch (step.op) {
      case "sleep":
        yield* sleepFor(loop, step.delay);
        break;
      case "yield":
        yield;
        break;
      case "stop":
        loop.stop();
        break;
      case "spawn":
        log.tasks.push(loop.createTask(runSteps(loop, log, step.steps)));
        break;
      case "await-future": {
        const future = loop.createFuture<number>("await");
        loop.callLater(step.delay, function settle() {
          if (!future.done()) future.setResult(step.delay);
        });
        yield* future;
        break;
      }
      case "gather":
        yield* gatherStep(loop, log, step);
        break;
    }
  }
}

function* gatherStep(loop: EventLoop, log: LoopProgramLog, step: Extract<TaskStep, { op: "gather" }>): Coroutine<void> {
  const children = step.delays.map((d, i) => {
    const task = loop.createTask(
      (function* child(): Coroutine<number> {
        yield* sleepFor(loop, d);
        return i;
      })(),
    );
    log.tasks.push(task);
    return task;
  });
  const outer = gather(...children);
  if (step.cancelAfter !== null) {
    loop.callLater(step.cancelAfter, function cancelGather() {
      outer.cancel();
    });
  }
  try {
    const results = yield* outer;
    if (results.some((r, i) => r !== i))
      log.problems.push(`gather returned [${results.join(", ")}] out of argument order`);
  } catch (error) {
    if (!(error instanceof CancelledError) || (loop.currentTask()?.cancelling() ?? 0) > 0) throw error;
    if (children.some((c) => !c.done())) log.problems.push("a gather failed before its children were done");
    if (!children.some((c) => c.cancelled())) {
      // Every child finished before the cancel reached it; then gather must not be cancelled.
      log.problems.push("gather raised CancelledError though no child was cancelled");
    }
  }
}

function execOp(loop: EventLoop, log: LoopProgramLog, timers: { last: Handle | null }, op: LoopOp): void {
  switch (op.op) {
    case "soon":
      loop.callSoon(function soon() {
        for (const child of op.body) execOp(loop, log, timers, child);
      });
      return;
    case "later":
      timers.last = loop.callLater(op.delay, function later() {
        for (const child of op.body) execOp(loop, log, timers, child);
      });
      return;
    case "stop":
      loop.stop();
      return;
    case "cancel-last-timer":
      timers.last?.cancel();
      return;
    case "future": {
      const future: Future<number> = loop.createFuture("generated");
      for (let i = 0; i < op.callbacks; i++) future.addDoneCallback(function doneCallback() {});
      timers.last = loop.callLater(op.delay, function settleFuture() {
        if (future.done()) return;
        if (op.cancel) future.cancel();
        else future.setResult(op.delay);
      });
      return;
    }
    case "task": {
      const task = loop.createTask(runSteps(loop, log, op.steps));
      log.tasks.push(task);
      if (op.cancelAfter !== null) {
        loop.callLater(op.cancelAfter, function cancelTask() {
          task.cancel();
        });
      }
      return;
    }
  }
}

function* sleepFor(loop: EventLoop, delay: number): Coroutine<void> {
  if (delay <= 0) {
    yield;
    return;
  }
  const future = loop.createFuture<void>("sleep");
  const handle = loop.callLater(delay, function wake() {
    if (!future.done()) future.setResult(undefined);
  });
  try {
    yield* future;
  } finally {
    handle.cancel();
  }
}
