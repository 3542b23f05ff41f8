/**
 * Observed state with immer: a store whose every update is an immutable snapshot with
 * structural sharing, recorded in the loop's trace (a `note` event labelled `state:<name>`) with its
 * virtual time and task, so that invariants can be stated over the state history and failure reports
 * can show the state step by step. The core's hot path does not use immer; only observed state does.
 *
 * @module
 */
import { produce, type Draft } from "immer";
import { noteAccess, type EventLoop } from "@simloop/core";
import { InvariantViolationError } from "./errors.ts";
import { onFinish, reportViolation } from "./internal/registry.ts";

/** One recorded state: the snapshot, when and by whom. */
export interface StateStep<S> {
  readonly time: number;
  readonly iteration: number;
  /** The task (or callback) that made the update, `"main"` outside the loop. */
  readonly source: string;
  readonly state: S;
}

/** Options of {@link createStore}. */
export interface StoreOptions {
  /** The name in traces and reports. Default `"state"`. */
  readonly name?: string;
}

/**
 * An immer-backed store of observed state. Invariant: every snapshot is frozen; `history()` holds each
 * of them in update order, the initial one first.
 *
 * @example
 * ```ts
 * const store = createStore(loop, { balance: 0 }, { name: "account" });
 * store.always("balance never negative", (s) => s.balance >= 0);
 * store.update((s) => { s.balance += 10; });
 * store.get().balance; // 10
 * ```
 */
export class StateStore<S> {
  /** The store's name. */
  readonly name: string;
  private readonly loop: EventLoop;
  private current: S;
  private readonly steps: StateStep<S>[] = [];
  private readonly checks: { name: string; pred: (state: S) => boolean }[] = [];

  constructor(loop: EventLoop, initial: S, options: StoreOptions = {}) {
    this.loop = loop;
    this.name = options.name ?? "state";
    this.current = produce(initial, () => {});
    this.record();
  }

  /** The current snapshot (frozen). */
  get(): S {
    noteAccess(this, this.loop);
    return this.current;
  }

  /**
   * Applies an immer recipe (mutate the draft, or return a new value) and records the new snapshot in
   * the trace; an unchanged state records nothing. Checks the `always` predicates on it.
   */
  update(recipe: (draft: Draft<S>) => void | S): S {
    noteAccess(this, this.loop);
    const next = produce(this.current, recipe as (draft: Draft<S>) => void) as S;
    if (next === this.current) return next;
    this.current = next;
    this.record();
    for (const check of this.checks) this.check(check);
    return next;
  }

  /** Every snapshot so far, oldest first, with its time and source. */
  history(): readonly StateStep<S>[] {
    noteAccess(this, this.loop);
    return this.steps;
  }

  /**
   * Requires `pred` of every snapshot (checked now, and after each update): a violation is recorded
   * and fails the exploration with an `invariant` failure.
   */
  always(name: string, pred: (state: S) => boolean): this {
    const check = { name, pred };
    this.checks.push(check);
    this.check(check);
    return this;
  }

  /** Requires `pred` of some snapshot by the end of the run. */
  eventually(name: string, pred: (state: S) => boolean): this {
    onFinish(this.loop, () => {
      if (!this.steps.some((step) => pred(step.state))) {
        reportViolation(
          this.loop,
          new InvariantViolationError(
            name,
            `no state of "${this.name}" satisfied it; the last was ${JSON.stringify(this.current)}`,
            this.loop.time(),
          ),
        );
      }
    });
    return this;
  }

  private check(check: { name: string; pred: (state: S) => boolean }): void {
    if (!check.pred(this.current)) {
      reportViolation(
        this.loop,
        new InvariantViolationError(
          check.name,
          `"${this.name}" became ${JSON.stringify(this.current)}`,
          this.loop.time(),
        ),
      );
    }
  }

  private record(): void {
    const loop = this.loop;
    const source = loop.currentTask()?.getName() ?? "main";
    this.steps.push({ time: loop.time(), iteration: loop.iteration, source, state: this.current });
    loop.note(`state:${this.name}`, this.current);
  }
}

/**
 * Creates an immer-backed store of observed state on `loop` (see {@link StateStore}).
 *
 * @example
 * ```ts
 * function* program(loop: EventLoop) {
 *   const account = createStore(loop, { balance: 0 }).always("non-negative", (s) => s.balance >= 0);
 *   yield* gather(withdraw(account, 5), withdraw(account, 5));
 * }
 * ```
 */
export function createStore<S>(loop: EventLoop, initial: S, options: StoreOptions = {}): StateStore<S> {
  return new StateStore(loop, initial, options);
}

/**
 * Checks a predicate over a recorded state history: the index of the first step that violates it, or -1.
 *
 * @example
 * ```ts
 * always(store.history(), (s) => s.balance >= 0); // -1 when it always held
 * ```
 */
export function always<S>(history: readonly StateStep<S>[], pred: (state: S) => boolean): number {
  return history.findIndex((step) => !pred(step.state));
}

/**
 * Checks that a predicate holds at some step of a recorded state history: the index of the first such
 * step, or -1.
 *
 * @example
 * ```ts
 * eventually(store.history(), (s) => s.done) >= 0;
 * ```
 */
export function eventually<S>(history: readonly StateStep<S>[], pred: (state: S) => boolean): number {
  return history.findIndex((step) => pred(step.state));
}
