/**
 * The ordering invariants of DESIGN §5, as a library attachable to any loop: `checkInvariants(loop)`
 * watches the trace and wraps the loop's scheduling methods (on that instance only), and records every
 * violation; `explore` turns them into an `invariant` failure, and {@link invariantViolations} reads
 * them directly.
 *
 * Checked: virtual time never goes backwards; no timer runs before its deadline; equal-deadline timers
 * run in scheduling order when ties are not explored; callSoon callbacks of one source run in
 * scheduling order; a callSoon callback scheduled in iteration s runs in iteration s+1 — so stop in a
 * callback never truncates its siblings, and callbacks scheduled after stop run on the next run call;
 * done callbacks (of futures and tasks made by `loop.createFuture`/`loop.createTask`) run once each,
 * in registration order, after the future is done.
 *
 * @module
 */
import type { EventLoop, Future, Handle } from "@simloop/core";
import { InvariantViolationError } from "./errors.ts";
import { finishChecks, onFinish, reportViolation } from "./internal/registry.ts";

/** The names of the invariants {@link checkInvariants} checks. */
export type OrderingInvariant =
  | "time never goes backwards"
  | "no callback runs before its deadline"
  | "equal-deadline timers FIFO"
  | "callSoon FIFO within one source"
  | "stop in a callback never truncates siblings"
  | "callbacks scheduled after stop run on the next run"
  | "callSoon callbacks run in the next iteration"
  | "done callbacks run once, in registration order, after completion";

type AnyFn = (...args: unknown[]) => unknown;

function named<F extends AnyFn>(wrapper: F, original: AnyFn): F {
  Object.defineProperty(wrapper, "name", { value: original.name });
  return wrapper;
}

/**
 * Attaches the ordering invariants to `loop` (see the module doc). Call it before the loop runs; the
 * returned function detaches the trace listener.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ trace: true, policy: random(1) });
 * checkInvariants(loop);
 * loop.runUntilComplete(program(loop));
 * invariantViolations(loop); // []
 * ```
 */
export function checkInvariants(loop: EventLoop): () => void {
  const violate = (name: OrderingInvariant, message: string): void => {
    reportViolation(loop, new InvariantViolationError(name, message, loop.time()));
  };

  // Time never goes backwards (between trace events, and between callbacks).
  let lastTime = loop.time();
  const checkTime = (): void => {
    const now = loop.time();
    if (now < lastTime) violate("time never goes backwards", `the clock went from ${lastTime} back to ${now}`);
    lastTime = now;
  };
  const unsubscribe = loop.trace?.subscribe(() => checkTime()) ?? (() => {});

  // callSoon: FIFO per source, and "scheduled in iteration s runs in iteration s+1".
  const stops: { iteration: number; order: number }[] = [];
  let order = 0;
  const perSource = new Map<unknown, number>();
  const expected = new Set<{ handle: Handle; due: number; order: number; ran: boolean }>();
  const callSoon = loop.callSoon.bind(loop) as (fn: AnyFn, ...args: unknown[]) => Handle;
  let sourceSeq = 0;
  (loop as { callSoon: unknown }).callSoon = (fn: AnyFn, ...args: unknown[]): Handle => {
    if (typeof fn !== "function") return callSoon(fn, ...args);
    const entry = {
      handle: null as unknown as Handle,
      due: loop.iteration + 1,
      order: ++order,
      ran: false,
      seq: ++sourceSeq,
    };
    const wrapper = named((...a: unknown[]) => {
      checkTime();
      entry.ran = true;
      expected.delete(entry);
      const source = entry.handle.source;
      const last = perSource.get(source) ?? 0;
      if (entry.seq < last) {
        violate(
          "callSoon FIFO within one source",
          `callback ${fn.name || "<anonymous>"} ran after a later callback of the same source`,
        );
      }
      perSource.set(source, Math.max(last, entry.seq));
      if (loop.iteration !== entry.due) {
        const stop = stops.find((s) => s.iteration === entry.due);
        const stopLater = stops.find((s) => s.iteration === entry.due - 1 && s.order < entry.order);
        violate(
          stop !== undefined && loop.iteration > entry.due
            ? "stop in a callback never truncates siblings"
            : stopLater !== undefined
              ? "callbacks scheduled after stop run on the next run"
              : "callSoon callbacks run in the next iteration",
          `callback ${fn.name || "<anonymous>"} scheduled for iteration ${entry.due} ran in iteration ${loop.iteration}`,
        );
      }
      return fn(...a);
    }, fn);
    const handle = callSoon(wrapper, ...args);
    entry.handle = handle;
    expected.add(entry);
    return handle;
  };

  const stop = loop.stop.bind(loop);
  loop.stop = (): void => {
    if (loop.isRunning()) stops.push({ iteration: loop.iteration, order: ++order });
    stop();
  };

  // Timers: never before their deadline; equal deadlines FIFO unless ties are explored.
  const tiesExplored = loop.policy?.levels.ties === true;
  const lastSeqAt = new Map<number, number>();
  let timerSeq = 0;
  const wrapTimer = (fn: AnyFn, when: () => number): AnyFn => {
    const seq = ++timerSeq;
    return named((...a: unknown[]) => {
      checkTime();
      const deadline = when();
      if (loop.time() < deadline) {
        violate(
          "no callback runs before its deadline",
          `timer ${fn.name || "<anonymous>"} due at ${deadline} ran at ${loop.time()}`,
        );
      }
      if (!tiesExplored) {
        const last = lastSeqAt.get(deadline) ?? 0;
        if (seq < last)
          violate(
            "equal-deadline timers FIFO",
            `timer ${fn.name || "<anonymous>"} due at ${deadline} overtook a later one`,
          );
        lastSeqAt.set(deadline, Math.max(last, seq));
      }
      return fn(...a);
    }, fn);
  };
  const callAt = loop.callAt.bind(loop) as (when: number, fn: AnyFn, ...args: unknown[]) => Handle;
  (loop as { callAt: unknown }).callAt = (when: number, fn: AnyFn, ...args: unknown[]) =>
    typeof fn === "function"
      ? callAt(
          when,
          wrapTimer(fn, () => when),
          ...args,
        )
      : callAt(when, fn, ...args);
  const callLater = loop.callLater.bind(loop) as (delay: number, fn: AnyFn, ...args: unknown[]) => Handle;
  (loop as { callLater: unknown }).callLater = (delay: number, fn: AnyFn, ...args: unknown[]) => {
    if (typeof fn !== "function" || typeof delay !== "number") return callLater(delay, fn, ...args);
    const when = loop.time() + delay;
    return callLater(
      delay,
      wrapTimer(fn, () => when),
      ...args,
    );
  };

  // Done callbacks: once each, in registration order, after completion.
  const watchFuture = <F extends Future<unknown>>(future: F): F => {
    const wrappers = new Map<AnyFn, AnyFn[]>();
    let registered = 0;
    let lastRun = 0;
    const add = future.addDoneCallback.bind(future) as (cb: AnyFn) => void;
    const remove = future.removeDoneCallback.bind(future) as (cb: AnyFn) => number;
    (future as { addDoneCallback: unknown }).addDoneCallback = (cb: AnyFn): void => {
      if (typeof cb !== "function") return add(cb);
      const position = ++registered;
      let runs = 0;
      const wrapper = named((f: unknown) => {
        runs++;
        if (runs > 1)
          violate(
            "done callbacks run once, in registration order, after completion",
            `${cb.name || "<anonymous>"} ran twice`,
          );
        if (!future.done()) {
          violate(
            "done callbacks run once, in registration order, after completion",
            `${cb.name || "<anonymous>"} ran before the future was done`,
          );
        }
        if (position < lastRun) {
          violate(
            "done callbacks run once, in registration order, after completion",
            `${cb.name || "<anonymous>"} ran after a callback registered later`,
          );
        }
        lastRun = Math.max(lastRun, position);
        return cb(f);
      }, cb);
      const list = wrappers.get(cb) ?? [];
      list.push(wrapper);
      wrappers.set(cb, list);
      add(wrapper);
    };
    (future as { removeDoneCallback: unknown }).removeDoneCallback = (cb: AnyFn): number => {
      let removed = remove(cb);
      for (const wrapper of wrappers.get(cb) ?? []) removed += remove(wrapper);
      wrappers.delete(cb);
      return removed;
    };
    return future;
  };
  const createFuture = loop.createFuture.bind(loop);
  (loop as { createFuture: unknown }).createFuture = (label?: string) => watchFuture(createFuture(label));
  const createTask = loop.createTask.bind(loop) as (coro: unknown, options?: unknown) => Future<unknown>;
  (loop as { createTask: unknown }).createTask = (coro: unknown, options?: unknown) =>
    watchFuture(createTask(coro, options));

  onFinish(loop, () => {
    for (const entry of expected) {
      if (!entry.ran && !entry.handle.cancelled() && entry.due <= loop.iteration && !loop.isClosed()) {
        const stopped = stops.some((s) => s.iteration === entry.due);
        violate(
          stopped ? "stop in a callback never truncates siblings" : "callSoon callbacks run in the next iteration",
          `callback ${entry.handle.label} scheduled for iteration ${entry.due} never ran`,
        );
      }
    }
  });
  return unsubscribe;
}

/**
 * The violations recorded on `loop` so far (finishing end-of-run checks first), oldest first.
 *
 * @example
 * ```ts
 * checkInvariants(loop);
 * loop.runUntilIdle();
 * expect(invariantViolations(loop)).toEqual([]);
 * ```
 */
export function invariantViolations(loop: EventLoop): readonly InvariantViolationError[] {
  return finishChecks(loop);
}
