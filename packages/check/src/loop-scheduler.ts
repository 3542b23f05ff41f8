/**
 * A drop-in for fast-check's `Scheduler`, backed by a simloop loop: every scheduled promise becomes an
 * I/O delivery of the loop (`loop.deliver`, level `io`, letter `d` in a schedule), so the loop's
 * scheduling policy — random, PCT, exhaustive, a replayed schedule, fast-check's generated choices —
 * picks the order in which they resolve, the schedule is recorded, shrunk and replayed like any other,
 * and the code under test runs on the loop's virtual time.
 *
 * Semantics kept from `fc.scheduler()`: a scheduled promise resolves only while a wait runs
 * (`waitOne`, `waitNext`, `waitAll`, `waitIdle`, `waitFor`), one at a time — the next one is picked only
 * after the previous one's task settled. Differences: the pick happens when the program is quiescent (no
 * virtual callback ready at the current instant, every promise continuation run) instead of after a
 * fixed number of microtask ticks; when a virtual timer is pending the policy may also let the timer
 * fire first (a reply racing a timeout); `waitIdle` resolves once no scheduled task is pending and the
 * loop has run every callback that was ready, not after 50 microtask ticks.
 *
 * @module
 */
import fc from "fast-check";
import type { EventLoop, Future } from "@simloop/core";
import { CheckArgumentError } from "./errors.ts";
import { NothingScheduledError, SchedulerNotDrivenError } from "./scheduler-errors.ts";

/** How a task reached the scheduler, as fast-check's report says it. */
type SchedulingType = "promise" | "function" | "sequence";

/**
 * One line of {@link LoopScheduler.report}: fast-check's `SchedulerReportItem`, plus the virtual
 * instant the task settled at.
 */
export interface LoopSchedulerReportItem<TMetaData = unknown> extends fc.SchedulerReportItem<TMetaData> {
  /** `loop.time()` when the released task settled (milliseconds in async mode); absent while pending. */
  readonly at?: number;
}

interface Item {
  readonly id: number;
  readonly type: SchedulingType;
  readonly label: string;
  readonly metadata: unknown;
  readonly task: PromiseLike<unknown>;
  /** A sequence item's builder, started once released. */
  readonly builder: (() => PromiseLike<unknown>) | undefined;
  readonly act: fc.SchedulerAct;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** The loop delivery standing for it while the scheduler is open, else `null`. */
  delivery: Future<unknown> | null;
}

type WaitKind = "next" | "all" | "idle" | "for";

interface Waiter {
  readonly kind: WaitKind;
  readonly act: fc.SchedulerAct;
  /** `next`: releases still to start. */
  remaining: number;
  /** `for`: the awaited promise's outcome, once settled. */
  outcome: { readonly ok: boolean; readonly value: unknown } | null;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const waitName: Readonly<Record<WaitKind, string>> = {
  next: "waitNext()",
  all: "waitAll()",
  idle: "waitIdle()",
  for: "waitFor()",
};

const defaultAct: fc.SchedulerAct = (f) => f();

function noop(): void {}

/**
 * fast-check's `Scheduler` on a simloop loop: scheduled promises resolve in the order the loop's policy
 * picks (its `io` level), while a wait runs, with the code under test on the loop's virtual time. The
 * loop must be driven in async mode while the program waits (`runAsync`, `runProgramAsync`,
 * `exploreAsync`); {@link simloopScheduler} is the `fc.scheduler()` replacement that drives its own.
 *
 * Invariants: a task is released at most once; while a released task has not settled no other one is;
 * every pending task stands as one loop delivery exactly while a wait runs and no task is in flight.
 *
 * @example
 * ```ts
 * await runAsync(async (loop) => {
 *   const s = new LoopScheduler(loop);
 *   const order: string[] = [];
 *   void s.schedule(Promise.resolve("a")).then((v) => order.push(v));
 *   void s.schedule(Promise.resolve("b")).then((v) => order.push(v));
 *   await s.waitIdle(); // order: ["a", "b"] without a policy; the policy's pick under the `io` level
 * });
 * ```
 */
export class LoopScheduler<TMetaData = unknown> implements fc.Scheduler<TMetaData> {
  /** The loop whose deliveries stand for the scheduled tasks. */
  readonly loop: EventLoop;
  private readonly _act: fc.SchedulerAct;
  private _lastId = 0;
  private readonly _pending: Item[] = [];
  private readonly _settled: LoopSchedulerReportItem<TMetaData>[] = [];
  private readonly _waiters: Waiter[] = [];
  private _inFlight = 0;
  private _probing = false;
  private readonly _probe = (): void => {
    this._probing = false;
    if (this._pending.length === 0 && this._inFlight === 0) this._finish("idle");
  };

  /**
   * A scheduler whose tasks are deliveries of `loop`. `options.act` wraps every release, as
   * `fc.scheduler({ act })` does (React's `act`, for instance).
   *
   * @throws {@link CheckArgumentError} when `loop` is not an event loop.
   */
  constructor(loop: EventLoop, options: { readonly act?: fc.SchedulerAct } = {}) {
    if (loop === null || typeof loop !== "object" || typeof (loop as { deliver?: unknown }).deliver !== "function") {
      throw new CheckArgumentError(
        `LoopScheduler expects the EventLoop of the run (the argument of an async program), got ${describe(loop)}.`,
      );
    }
    this.loop = loop;
    this._act = options.act ?? defaultAct;
  }

  /**
   * Wraps `task`: the returned promise settles as `task` does, once the scheduler released it (during a
   * wait, in the policy's order).
   *
   * @example
   * ```ts
   * const reply = s.schedule(fetchUser(1), "reply to GET /users/1");
   * ```
   */
  schedule<T>(task: Promise<T>, label?: string, metadata?: TMetaData, customAct?: fc.SchedulerAct): Promise<T> {
    return this._schedule("promise", label ?? "", task, metadata, customAct, undefined) as Promise<T>;
  }

  /**
   * Wraps an async function: each call runs it at once and schedules the promise it returns, labelled
   * with the function's name and arguments.
   *
   * @throws {@link CheckArgumentError} when `asyncFunction` is not a function.
   * @example
   * ```ts
   * const fetchUser = s.scheduleFunction(async function fetchUser(id: number) { return db.get(id); });
   * ```
   */
  scheduleFunction<TArgs extends unknown[], T>(
    asyncFunction: (...args: TArgs) => Promise<T>,
    customAct?: fc.SchedulerAct,
  ): (...args: TArgs) => Promise<T> {
    if (typeof asyncFunction !== "function") {
      throw new CheckArgumentError(
        `scheduleFunction expects an async function, got ${describe(asyncFunction)}. Pass the function itself: s.scheduleFunction(fetchUser).`,
      );
    }
    return (...args: TArgs) =>
      this._schedule(
        "function",
        `${asyncFunction.name}(${args.map((arg) => fc.stringify(arg)).join(",")})`,
        asyncFunction(...args),
        undefined,
        customAct,
        undefined,
      ) as Promise<T>;
  }

  /**
   * Schedules builders to run one after the other: item i+1 is scheduled once item i settled; other
   * tasks may be released in between. The handle's `done`/`faulty` follow the sequence.
   *
   * @example
   * ```ts
   * const { task } = s.scheduleSequence([{ label: "login", builder: () => login() }, () => logout()]);
   * ```
   */
  scheduleSequence(
    sequenceBuilders: fc.SchedulerSequenceItem<TMetaData>[],
    customAct?: fc.SchedulerAct,
  ): { done: boolean; faulty: boolean; task: Promise<{ done: boolean; faulty: boolean }> } {
    const status = { done: false, faulty: false };
    let finish: () => void = noop;
    const task = new Promise<{ done: boolean; faulty: boolean }>((resolve) => {
      finish = () => resolve({ done: status.done, faulty: status.faulty });
    });
    const onFaulty = (): void => {
      status.faulty = true;
      finish();
    };
    const next = (index: number): void => {
      if (index >= sequenceBuilders.length) {
        status.done = true;
        finish();
        return;
      }
      const item = sequenceBuilders[index] as fc.SchedulerSequenceItem<TMetaData>;
      const [builder, label, metadata] =
        typeof item === "function" ? [item, item.name, undefined] : [item.builder, item.label, item.metadata];
      this._schedule("sequence", label, Promise.resolve(), metadata, customAct, builder).then(
        () => next(index + 1),
        onFaulty,
      );
    };
    next(0);
    return Object.assign(status, { task });
  }

  /** How many scheduled tasks are waiting to be released. */
  count(): number {
    return this._pending.length;
  }

  /**
   * Releases one scheduled task (deprecated in fast-check for {@link LoopScheduler.waitNext}).
   *
   * @throws {@link NothingScheduledError} (synchronously, as fast-check's) when no task is scheduled.
   */
  waitOne(customAct?: fc.SchedulerAct): Promise<void> {
    if (this._pending.length === 0) throw new NothingScheduledError();
    return this.waitNext(1, customAct);
  }

  /**
   * Releases scheduled tasks, including those scheduled by released ones, until none is pending when a
   * released task settles (deprecated in fast-check for {@link LoopScheduler.waitIdle}).
   */
  waitAll(customAct?: fc.SchedulerAct): Promise<void> {
    if (this._pending.length === 0 && this._inFlight === 0) return Promise.resolve();
    return this._wait("all", 0, customAct, "waitAll()") as Promise<void>;
  }

  /** Releases exactly `count` tasks, waiting for them to be scheduled if fewer are pending. */
  waitNext(count: number, customAct?: fc.SchedulerAct): Promise<void> {
    if (!(count > 0)) return Promise.resolve();
    return this._wait("next", count, customAct, `waitNext(${count})`) as Promise<void>;
  }

  /**
   * Releases scheduled tasks, in the policy's order, until none is pending and the loop has run every
   * callback that was ready (the program is quiescent with nothing scheduled).
   */
  waitIdle(customAct?: fc.SchedulerAct): Promise<void> {
    return this._wait("idle", 0, customAct, "waitIdle()") as Promise<void>;
  }

  /**
   * Releases scheduled tasks until `unscheduledTask` settles, and settles as it does (after the task
   * being released, if any, settled).
   *
   * @example
   * ```ts
   * const page = await s.waitFor(loadPage());
   * ```
   */
  waitFor<T>(unscheduledTask: Promise<T>, customAct?: fc.SchedulerAct): Promise<T> {
    return this._wait("for", 0, customAct, "waitFor()", (waiter) => {
      Promise.resolve(unscheduledTask).then(
        (value) => this._awaited(waiter, true, value),
        (error: unknown) => this._awaited(waiter, false, error),
      );
    }) as Promise<T>;
  }

  /**
   * The tasks released so far, in the order they settled (with their outcome and virtual instant), then
   * the pending ones: fast-check's report.
   */
  report(): LoopSchedulerReportItem<TMetaData>[] {
    return [
      ...this._settled,
      ...this._pending.map((item) => ({
        status: "pending" as const,
        schedulingType: item.type,
        taskId: item.id,
        label: item.label,
        ...(item.metadata === undefined ? {} : { metadata: item.metadata as TMetaData }),
      })),
    ];
  }

  /** The report, one task a line, in fast-check's words plus the instant each task settled at. */
  toString(): string {
    return `LoopScheduler\`\n${this.report().map(reportLine).join("\n")}\``;
  }

  // ---------------------------------------------------------------- internals

  /**
   * @internal Called on every schedule (`wait` null) and every wait: the error to refuse it with, or
   * `null`. Here: a wait on a loop nobody drives is refused.
   */
  protected _activity(wait: string | null): Error | null {
    return wait !== null && !this.loop.isRunning() ? new SchedulerNotDrivenError(wait) : null;
  }

  /** @internal Called when a scheduled task is released, whether the policy picked it or it was the only one. */
  protected _released(): void {}

  /** @internal Called after a wait ended (resolved or rejected). */
  protected _waitEnded(): void {}

  /** @internal The waits running, by name. */
  protected _waitNames(): string[] {
    return this._waiters.map((waiter) => waitName[waiter.kind]);
  }

  private _schedule(
    type: SchedulingType,
    label: string,
    task: PromiseLike<unknown>,
    metadata: unknown,
    customAct: fc.SchedulerAct | undefined,
    builder: (() => PromiseLike<unknown>) | undefined,
  ): Promise<unknown> {
    const refused = this._activity(null);
    if (refused !== null) throw refused;
    const id = ++this._lastId;
    // The task may reject before its release: that rejection is handled, by its release.
    if (task !== null && typeof task === "object" && typeof task.then === "function") task.then(undefined, noop);
    let resolve: (value: unknown) => void = noop;
    let reject: (error: unknown) => void = noop;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const item: Item = {
      id,
      type,
      label,
      metadata,
      task,
      builder,
      act: customAct ?? defaultAct,
      resolve,
      reject,
      delivery: null,
    };
    this._pending.push(item);
    this._sync();
    return promise;
  }

  private _wait(
    kind: WaitKind,
    remaining: number,
    customAct: fc.SchedulerAct | undefined,
    name: string,
    started?: (waiter: Waiter) => void,
  ): Promise<unknown> {
    const refused = this._activity(name);
    if (refused !== null) return Promise.reject(refused);
    return new Promise<unknown>((resolve, reject) => {
      const waiter: Waiter = { kind, act: customAct ?? defaultAct, remaining, outcome: null, resolve, reject };
      this._waiters.push(waiter);
      started?.(waiter);
      this._sync();
      if (kind === "idle") this._idleCheck();
    });
  }

  /** Opens (one delivery per pending task) or closes (deliveries withdrawn) the scheduler. */
  private _sync(): void {
    const open = this._waiters.length > 0 && this._inFlight === 0;
    for (const item of this._pending) {
      if (open && item.delivery === null) {
        item.delivery = this.loop.deliver(() => this._release(item), { label: deliveryLabel(item) });
      } else if (!open && item.delivery !== null) {
        item.delivery.cancel();
        item.delivery = null;
      }
    }
  }

  /** The loop delivered `item`: the policy picked it. Runs inside the loop's delivery callback. */
  private _release(item: Item): void {
    const at = this._pending.indexOf(item);
    if (at < 0) return;
    this._pending.splice(at, 1);
    item.delivery = null;
    this._released();
    this._inFlight++;
    this._sync();
    for (const waiter of this._waiters) if (waiter.kind === "next") waiter.remaining--;
    const waitAct = this._waiters[0]?.act ?? defaultAct;
    const trigger = (): Promise<void> => {
      const started =
        item.builder === undefined ? Promise.resolve(item.task) : Promise.resolve(item.task).then(item.builder);
      return started.then(
        (value) => {
          this._log(item, "resolved", value);
          item.resolve(value);
        },
        (error: unknown) => {
          this._log(item, "rejected", error);
          item.reject(error);
        },
      );
    };
    const settled = (): void => {
      this._inFlight--;
      this._afterRelease();
    };
    let acted: Promise<unknown>;
    try {
      acted = Promise.resolve(this._act(() => waitAct(() => item.act(trigger))));
    } catch (error) {
      acted = Promise.reject(error);
    }
    acted.then(settled, (error: unknown) => {
      settled();
      this._failWaiters(error);
    });
  }

  private _log(item: Item, status: "resolved" | "rejected", output: unknown): void {
    this._settled.push({
      status,
      schedulingType: item.type,
      taskId: item.id,
      label: item.label,
      ...(item.metadata === undefined ? {} : { metadata: item.metadata as TMetaData }),
      outputValue: fc.stringify(output),
      at: this.loop.time(),
    });
  }

  private _afterRelease(): void {
    this._finish("next");
    if (this._pending.length === 0) this._finish("all");
    for (const waiter of this._waiters.slice()) if (waiter.kind === "for" && waiter.outcome !== null) this._end(waiter);
    this._sync();
    this._idleCheck();
  }

  /** A `waitFor`'s promise settled: it ends now, or once the task in flight settled. */
  private _awaited(waiter: Waiter, ok: boolean, value: unknown): void {
    waiter.outcome = { ok, value };
    if (this._inFlight === 0) {
      this._end(waiter);
      this._sync();
      this._idleCheck();
    }
  }

  /** With nothing pending or in flight, checks idleness after every callback ready now has run. */
  private _idleCheck(): void {
    if (this._probing || this._pending.length > 0 || this._inFlight > 0) return;
    if (!this._waiters.some((waiter) => waiter.kind === "idle")) return;
    this._probing = true;
    this.loop.callSoon(this._probe);
  }

  /** Ends the waiters of `kind` that are satisfied. */
  private _finish(kind: "next" | "all" | "idle"): void {
    for (const waiter of this._waiters.slice()) {
      if (waiter.kind !== kind || (kind === "next" && waiter.remaining > 0)) continue;
      this._end(waiter);
    }
    if (kind === "idle") this._sync();
  }

  private _end(waiter: Waiter): void {
    const at = this._waiters.indexOf(waiter);
    if (at < 0) return;
    this._waiters.splice(at, 1);
    const outcome = waiter.outcome;
    if (outcome !== null && !outcome.ok) waiter.reject(outcome.value);
    else waiter.resolve(outcome?.value);
    this._waitEnded();
  }

  /** @internal Rejects every running wait with `error`. */
  protected _failWaiters(error: unknown): void {
    for (const waiter of this._waiters.splice(0)) waiter.reject(error);
    this._sync();
    this._waitEnded();
  }
}

function deliveryLabel(item: Item): string {
  return `task ${item.id} ${item.label.length === 0 ? item.type : `${item.type}::${item.label}`}`;
}

function reportLine(item: LoopSchedulerReportItem): string {
  const name = item.label.length === 0 ? item.schedulingType : `${item.schedulingType}::${item.label}`;
  const value = item.outputValue === undefined ? "" : ` with value ${item.outputValue}`;
  const at = item.at === undefined ? "" : ` at t=${item.at}`;
  return `-> [task\${${item.taskId}}] ${name} ${item.status}${value}${at}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value === "object") return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}
