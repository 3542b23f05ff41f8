/**
 * `Resource`, `PriorityResource`, `PreemptiveResource`: SimPy 4's shared resources with `capacity`
 * usage slots, on simloop tasks.
 *
 * A process asks with `request()`, awaits the request (`yield* req`), uses the slot and gives it back
 * with `release(req)`, or does all three with `yield* resource.use(function* (req) { … })`. Requests
 * are served FIFO (`Resource`), or by `(priority, request time, insertion)` (`PriorityResource`). A
 * `PreemptiveResource` request with `preempt` (the default) evicts the worst user when it has a better
 * key, interrupting that user's process with an `Interrupt` whose cause is a {@link Preempted}.
 * Grants happen synchronously at `request()`/`release()` (asyncio's locks do the same); the waiting
 * process resumes in the next iteration.
 *
 * Statistics (over the window since creation or `resetStatistics()`): time-weighted mean queue length
 * and number of users, utilisation (mean users / capacity), and waiting-time samples (request to grant).
 *
 * @module
 */
import {
  ArgumentError,
  getEventLoop,
  type Coroutine,
  type EventLoop,
  type Task,
  describeValue,
  noteAccess,
} from "@simloop/core";
import { remove } from "../internal/list.ts";
import { loopForUse, runningLoopOrNull } from "../internal/resource-loop.ts";
import { Tally, TimeWeighted, type SampleStatistics } from "../internal/time-weighted.ts";
import { ResourceEvent } from "./resource-event.ts";

/** Options of the resources. */
export interface ResourceOptions {
  /** The number of slots, a positive integer. Default 1. */
  readonly capacity?: number;
  /**
   * The loop it belongs to. Default: the loop running when it is created, else the loop that first
   * requests, puts or gets (used from a task of another loop, it throws `WrongLoopError`).
   */
  readonly loop?: EventLoop;
}

/** Options of {@link PriorityResource.request} and {@link PreemptiveResource.request}. */
export interface PriorityRequestOptions {
  /** Lower goes first. Default 0. */
  readonly priority?: number;
  /** For a {@link PreemptiveResource}: whether this request may evict a worse user. Default true. */
  readonly preempt?: boolean;
}

/** What {@link Resource.statistics} returns: a frozen snapshot over the observation window. */
export interface ResourceStatistics {
  /** The current virtual time. */
  readonly time: number;
  /** The start of the observation window (creation, or the last `resetStatistics()`). */
  readonly since: number;
  readonly capacity: number;
  /** Users now. */
  readonly users: number;
  /** Requests waiting now. */
  readonly queueLength: number;
  /** Time-weighted mean number of waiting requests (Lq). */
  readonly meanQueueLength: number;
  /** Time-weighted mean number of users (busy slots). */
  readonly meanUsers: number;
  /** `meanUsers / capacity`. */
  readonly utilisation: number;
  /** Waiting times (request to grant) of the requests granted in the window. */
  readonly wait: SampleStatistics;
}

/**
 * The cause of the `Interrupt` a preempted user receives (SimPy's `Preempted`).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof Interrupt && e.cause instanceof Preempted) log(e.cause.usageSince); }
 * ```
 */
export class Preempted {
  /** The task whose request evicted the user, if any. */
  readonly by: Task<unknown> | null;
  /** When the evicted user had got the resource. */
  readonly usageSince: number;
  /** The resource. */
  readonly resource: Resource;

  constructor(by: Task<unknown> | null, usageSince: number, resource: Resource) {
    this.by = by;
    this.usageSince = usageSince;
    this.resource = resource;
  }

  /** A readable description. */
  toString(): string {
    return `Preempted(by=${this.by?.getName() ?? "none"}, usageSince=${this.usageSince})`;
  }
}

/**
 * A request for one slot of a {@link Resource}; `yield* req` waits until it is granted.
 *
 * @example
 * ```ts
 * const req = counter.request();
 * try { yield* req; yield* sleep(2); } finally { counter.release(req); }
 * ```
 */
export class Request extends ResourceEvent<undefined> {
  /** The resource asked. */
  readonly resource: Resource;
  /** The priority (lower first); 0 for a plain resource. */
  readonly priority: number;
  /** Whether the request may preempt (only for a {@link PreemptiveResource}). */
  readonly preempt: boolean;
  /** @internal Insertion counter, the last tie-breaker. */
  readonly _seq: number;

  /** @internal Created by `resource.request()`. */
  constructor(resource: Resource, loop: EventLoop, priority: number, preempt: boolean, seq: number) {
    super(loop, resource, "Resource.request");
    this.resource = resource;
    this.priority = priority;
    this.preempt = preempt;
    this._seq = seq;
  }

  /** When the request was granted (SimPy's `usage_since`), or `null`. */
  get usageSince(): number | null {
    return this.grantedAt;
  }
}

function compareKeys(a: Request, b: Request): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.requestedAt !== b.requestedAt) return a.requestedAt - b.requestedAt;
  return (a.preempt ? 0 : 1) - (b.preempt ? 0 : 1);
}

/**
 * A resource with `capacity` slots, served first come, first served: SimPy's `Resource`.
 *
 * Invariants: at most `capacity` users; requests granted in FIFO order; a withdrawn or cancelled request
 * never holds a slot; statistics integrate over virtual time.
 *
 * @example
 * ```ts
 * const teller = new Resource({ capacity: 2 });
 * function* customer() {
 *   yield* teller.use(function* () { yield* sleep(loop.random.exponential(1)); });
 * }
 * ```
 */
export class Resource {
  /** The number of slots. */
  readonly capacity: number;
  /** The loop given as `{ loop }` or bound at the first use; `null` until then. */
  private _boundLoop: EventLoop | null;
  /** @internal */
  protected readonly _users: Request[] = [];
  /** @internal */
  protected readonly _queue: Request[] = [];
  private _seq = 0;
  private readonly _queueLength: TimeWeighted;
  /** @internal */
  protected readonly _busy: TimeWeighted;
  private readonly _waits = new Tally();

  /**
   * Creates a resource with `capacity` slots (default 1): `new Resource({ capacity: 2, loop })`, as every
   * resource takes its options (`Container`, `Store`…). `new Resource(2, { loop })` is the same.
   * @throws {@link ArgumentError} unless `capacity` is a positive integer.
   */
  constructor(capacityOrOptions: number | ResourceOptions = {}, moreOptions: ResourceOptions = {}) {
    const options = typeof capacityOrOptions === "number" ? moreOptions : capacityOrOptions;
    const capacity = typeof capacityOrOptions === "number" ? capacityOrOptions : (options.capacity ?? 1);
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new ArgumentError(`Expected \`capacity\` to be a positive integer, got \`${describeValue(capacity)}\`.`);
    }
    this.capacity = capacity;
    this._boundLoop = options.loop ?? runningLoopOrNull();
    const now = this._boundLoop?.time() ?? 0;
    this._queueLength = new TimeWeighted(now, 0);
    this._busy = new TimeWeighted(now, 0);
  }

  /**
   * @internal The loop: given as `{ loop }`, running at creation, or bound at the first request (see
   * `internal/resource-loop.ts`); read before any of these, the current event loop.
   */
  protected get _loop(): EventLoop {
    return this._boundLoop ?? this._bind(getEventLoop());
  }

  /** Binds to `loop`; the statistics window starts now. */
  private _bind(loop: EventLoop): EventLoop {
    this._boundLoop = loop;
    this.resetStatistics();
    return loop;
  }

  /** The number of users now. */
  get count(): number {
    noteAccess(this);
    return this._users.length;
  }

  /** The granted requests, in grant order. */
  get users(): readonly Request[] {
    noteAccess(this);
    return this._users;
  }

  /** The waiting requests, in service order. */
  get queue(): readonly Request[] {
    noteAccess(this);
    return this._queue;
  }

  /**
   * Asks for a slot. The request is granted at once when a slot is free and nobody is ahead; await it
   * with `yield* req`, and give the slot back with `release(req)`.
   */
  request(): Request {
    noteAccess(this);
    return this._request(0, false);
  }

  /**
   * Gives the slot of `request` back (or withdraws it if it is still waiting), and grants the next
   * request. Releasing twice, or a request that was preempted, does nothing (as SimPy).
   */
  release(request: Request): void {
    noteAccess(this);
    if (remove(this._users, request)) {
      this._busy.set(this._loop.time(), this._users.length);
      this._triggerPut();
    } else if (!request.done()) {
      request.cancel();
    }
  }

  /**
   * Requests a slot, runs `body` holding it, and releases it afterwards, also on error, cancellation
   * or interrupt (SimPy's `with resource.request() as req: yield req`). Returns the body's result.
   * In a loop that runs often, pass a generator function defined once rather than an inline
   * `function* () { … }`: V8 makes each new generator closure slow to call (microseconds each).
   * @throws whatever the body throws; `CancelledError` or `Interrupt` while waiting.
   */
  *use<T>(body: (request: Request) => Coroutine<T>): Coroutine<T> {
    const req = this.request();
    try {
      yield* req;
      return yield* body(req);
    } finally {
      this.release(req);
    }
  }

  /** A frozen snapshot of the statistics over the observation window. */
  statistics(): ResourceStatistics {
    const now = this._loop.time();
    const meanUsers = this._busy.mean(now);
    return Object.freeze({
      time: now,
      since: this._since,
      capacity: this.capacity,
      users: this._users.length,
      queueLength: this._queue.length,
      meanQueueLength: this._queueLength.mean(now),
      meanUsers,
      utilisation: meanUsers / this.capacity,
      wait: this._waits.summary(),
    });
  }

  /** The waiting times (request to grant) recorded in the observation window, in grant order. */
  waitingTimes(): readonly number[] {
    return this._waits.samples;
  }

  /** Starts a new observation window now (for example after a warm-up period). */
  resetStatistics(): void {
    const now = this._loop.time();
    this._since = now;
    this._queueLength.reset(now);
    this._busy.reset(now);
    this._waits.reset();
  }

  /** A readable description, such as `<Resource 1/2 users, 3 waiting>`. */
  toString(): string {
    return `<${this.constructor.name} ${this._users.length}/${this.capacity} users, ${this._queue.length} waiting>`;
  }

  private _since = 0;

  /** @internal */
  protected _request(priority: number, preempt: boolean): Request {
    if (!Number.isFinite(priority)) {
      throw new ArgumentError(`Expected \`priority\` to be a finite number, got \`${describeValue(priority)}\`.`);
    }
    const loop = loopForUse(this, this._boundLoop, (l) => this._bind(l));
    const req = new Request(this, loop, priority, preempt, this._seq++);
    this._enqueue(req);
    this._queueLength.set(this._loop.time(), this._queue.length);
    this._triggerPut();
    return req;
  }

  /** @internal Adds a request to the queue (FIFO). */
  protected _enqueue(req: Request): void {
    this._queue.push(req);
  }

  /** @internal Tries to grant `req`; returns whether it was granted. */
  protected _doPut(req: Request): boolean {
    if (this._users.length >= this.capacity) return false;
    const now = this._loop.time();
    this._users.push(req);
    this._busy.set(now, this._users.length);
    this._waits.add(now - req.requestedAt);
    req._grant(undefined);
    return true;
  }

  /** @internal Grants waiting requests from the head while slots are free. */
  protected _triggerPut(): void {
    let granted = false;
    while (this._queue.length > 0) {
      const head = this._queue[0] as Request;
      if (!this._doPut(head)) break;
      this._queue.shift();
      granted = true;
    }
    if (granted) this._queueLength.set(this._loop.time(), this._queue.length);
  }

  /** @internal A waiting request was cancelled. */
  _withdraw(req: Request): void {
    if (remove(this._queue, req)) {
      this._queueLength.set(this._loop.time(), this._queue.length);
      this._triggerPut();
    }
  }

  /** @internal The waiting task never saw the grant: give the slot back. */
  _undo(req: Request): void {
    this.release(req);
  }
}

/**
 * A resource whose waiting requests are served by priority (lower first), then request time, then
 * arrival: SimPy's `PriorityResource`.
 *
 * @example
 * ```ts
 * const desk = new PriorityResource({ capacity: 1 });
 * const urgent = desk.request({ priority: -1 });
 * ```
 */
export class PriorityResource extends Resource {
  /**
   * Asks for a slot with a priority (lower first; default 0).
   * @throws {@link ArgumentError} for a non-finite priority.
   */
  override request(options: PriorityRequestOptions = {}): Request {
    return this._request(options.priority ?? 0, false);
  }

  /**
   * Like {@link Resource.use}, with a priority.
   * @throws whatever the body throws; `CancelledError` or `Interrupt` while waiting.
   */
  override *use<T>(body: (request: Request) => Coroutine<T>, options: PriorityRequestOptions = {}): Coroutine<T> {
    const req = this.request(options);
    try {
      yield* req;
      return yield* body(req);
    } finally {
      this.release(req);
    }
  }

  /** @internal Sorted insertion by `(priority, time, not preempt)`; equal keys keep arrival order. */
  protected override _enqueue(req: Request): void {
    let i = this._queue.length;
    while (i > 0 && compareKeys(this._queue[i - 1] as Request, req) > 0) i--;
    this._queue.splice(i, 0, req);
  }
}

/**
 * A priority resource whose requests may evict a user with a worse `(priority, time, not preempt)` key:
 * SimPy's `PreemptiveResource`. The evicted user loses its slot at once and its process receives an
 * `Interrupt` whose cause is a {@link Preempted}. A user whose process cannot receive an
 * interrupt (it waits directly on another task) is not preempted.
 *
 * @example
 * ```ts
 * const machine = new PreemptiveResource({ capacity: 1 });
 * function* job(priority: number) {
 *   try { yield* machine.use(function* () { yield* sleep(5); }, { priority }); }
 *   catch (e) { if (e instanceof Interrupt && e.cause instanceof Preempted) log("preempted"); else throw e; }
 * }
 * ```
 */
export class PreemptiveResource extends PriorityResource {
  /**
   * Asks for a slot with a priority (lower first; default 0), preempting a worse user when `preempt`
   * (default true).
   * @throws {@link ArgumentError} for a non-finite priority.
   */
  override request(options: PriorityRequestOptions = {}): Request {
    return this._request(options.priority ?? 0, options.preempt ?? true);
  }

  /** @internal SimPy's `PreemptiveResource._do_put`. */
  protected override _doPut(req: Request): boolean {
    if (this._users.length >= this.capacity && req.preempt) {
      let victim = this._users[0] as Request;
      for (const user of this._users) if (compareKeys(user, victim) >= 0) victim = user;
      if (compareKeys(victim, req) > 0) this._preempt(victim, req);
    }
    return super._doPut(req);
  }

  private _preempt(victim: Request, by: Request): void {
    const proc = victim.process;
    const cause = new Preempted(by.process, victim.grantedAt ?? victim.requestedAt, this);
    if (proc !== null && !proc.done()) {
      // The victim's process is the one requesting (it preempts itself): SimPy refuses, so no eviction.
      if (proc === this._loop.currentTask()) return;
      proc.interrupt(cause);
    }
    remove(this._users, victim);
    this._busy.set(this._loop.time(), this._users.length);
  }
}
