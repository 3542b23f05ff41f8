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
import { ArgumentError, type Coroutine, type EventLoop, type Task, describeValue, noteAccess } from "@simloop/core";
import { remove } from "../internal/list.ts";
import { TimeWeighted, type SampleStatistics } from "../internal/time-weighted.ts";
import { BaseResource, type BaseResourceOptions } from "./base-resource.ts";
import { ResourceEvent } from "./resource-event.ts";

/** Options of the resources. */
export interface ResourceOptions extends BaseResourceOptions {
  /** The number of slots, a positive integer. Default 1. */
  readonly capacity?: number;
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
export class Resource extends BaseResource<Request, never> {
  /** The number of slots. */
  readonly capacity: number;
  /** @internal */
  protected readonly _users: Request[] = [];
  private _seq = 0;
  /** @internal The number of users over virtual time (the resource's level). */
  protected readonly _busy: TimeWeighted;

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
    super(options);
    this.capacity = capacity;
    this._busy = new TimeWeighted(this._startTime(), 0);
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

  /** The waiting requests, in service order (SimPy's `queue`, the resource's put queue). */
  get queue(): readonly Request[] {
    noteAccess(this);
    return this._puts.events;
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
      this._settle();
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
      queueLength: this._puts.events.length,
      meanQueueLength: this._puts.length.mean(now),
      meanUsers,
      utilisation: meanUsers / this.capacity,
      wait: this._puts.waits.summary(),
    });
  }

  /** The waiting times (request to grant) recorded in the observation window, in grant order. */
  waitingTimes(): readonly number[] {
    return this._puts.waits.samples;
  }

  /** A readable description, such as `<Resource 1/2 users, 3 waiting>`. */
  override toString(): string {
    return `<${this.constructor.name} ${this._users.length}/${this.capacity} users, ${this._puts.events.length} waiting>`;
  }

  /** @internal */
  protected _request(priority: number, preempt: boolean): Request {
    if (!Number.isFinite(priority)) {
      throw new ArgumentError(`Expected \`priority\` to be a finite number, got \`${describeValue(priority)}\`.`);
    }
    const req = new Request(this, this._useLoop(), priority, preempt, this._seq++);
    this._enqueue(req);
    this._puts.length.set(this._loop.time(), this._puts.events.length);
    this._settle();
    return req;
  }

  /** @internal Adds a request to the queue (FIFO). */
  protected _enqueue(req: Request): void {
    this._puts.events.push(req);
  }

  /** @internal SimPy's `Resource._do_put`: grants `req` if a slot is free; returns whether it was granted. */
  protected _doPut(req: Request): boolean {
    if (this._users.length >= this.capacity) return false;
    this._users.push(req);
    this._busy.set(this._loop.time(), this._users.length);
    this._grant(this._puts, req, undefined);
    return true;
  }

  /** @internal A resource has no get events: a release is immediate (`release`). */
  protected _doGet(_event: never): boolean {
    return false;
  }

  /** @internal Restarts the time-weighted number of users. */
  protected _resetLevel(now: number): void {
    this._busy.reset(now);
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
    const queue = this._puts.events;
    let i = queue.length;
    while (i > 0 && compareKeys(queue[i - 1] as Request, req) > 0) i--;
    queue.splice(i, 0, req);
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
