/**
 * The machinery shared by {@link Resource}, {@link Store} and {@link Container}: SimPy's `BaseResource`,
 * with a put queue and a get queue of {@link ResourceEvent}s (a resource's requests are its puts; its
 * releases are immediate, so its get queue stays empty).
 *
 * SimPy's queue discipline is kept: each trigger walks its queue from the head and stops at the first
 * event `_doPut`/`_doGet` says not to go past (FIFO without barging; a `FilterStore` getter lets later
 * getters try). SimPy re-triggers the other queue when an event is *processed*; simloop does it at once,
 * until nothing changes, so grants are synchronous as in asyncio's primitives.
 *
 * @module
 */
import { getEventLoop, type EventLoop } from "@simloop/core";
import { remove } from "../internal/list.ts";
import { loopForUse, runningLoopOrNull } from "../internal/resource-loop.ts";
import { Tally, TimeWeighted, type SampleStatistics } from "../internal/time-weighted.ts";
import type { EventOwner, ResourceEvent } from "./resource-event.ts";

/** Options of stores and containers. */
export interface BaseResourceOptions {
  /**
   * The loop it belongs to. Default: the loop running when it is created, else the loop that first
   * requests, puts or gets (used from a task of another loop, it throws `WrongLoopError`).
   */
  readonly loop?: EventLoop;
}

/** The queue statistics stores and containers share. */
export interface QueueSideStatistics {
  /** Events waiting now. */
  readonly queueLength: number;
  /** Time-weighted mean number of waiting events. */
  readonly meanQueueLength: number;
  /** Waiting times (creation to grant) of the events granted in the window. */
  readonly wait: SampleStatistics;
}

/** @internal A queue of events with its statistics. */
export class EventQueue<E extends ResourceEvent<unknown>> {
  /** The waiting events, in queue order. */
  readonly events: E[] = [];
  /** The queue length over virtual time. */
  readonly length: TimeWeighted;
  /** Waiting times of granted events. */
  readonly waits: Tally = new Tally();

  constructor(now: number) {
    this.length = new TimeWeighted(now, 0);
  }

  /** A frozen snapshot of this queue's statistics at `now`. */
  statistics(now: number): QueueSideStatistics {
    return Object.freeze({
      queueLength: this.events.length,
      meanQueueLength: this.length.mean(now),
      wait: this.waits.summary(),
    });
  }
}

/**
 * The base of resources, stores and containers: a put queue, a get queue, and SimPy's trigger discipline.
 *
 * Invariants: an event is granted at most once and leaves its queue when granted or withdrawn.
 */
export abstract class BaseResource<
  P extends ResourceEvent<unknown>,
  G extends ResourceEvent<unknown>,
> implements EventOwner {
  /** The loop given as `{ loop }` or bound at the first use; `null` until then. */
  private _boundLoop: EventLoop | null;
  /** @internal */
  protected readonly _puts: EventQueue<P>;
  /** @internal */
  protected readonly _gets: EventQueue<G>;
  /** @internal */
  protected _since: number;

  constructor(options: BaseResourceOptions = {}) {
    this._boundLoop = options.loop ?? runningLoopOrNull();
    const now = this._boundLoop?.time() ?? 0;
    this._since = now;
    this._puts = new EventQueue<P>(now);
    this._gets = new EventQueue<G>(now);
  }

  /** The put events waiting now, in order. */
  get putQueue(): readonly P[] {
    return this._puts.events;
  }

  /** The get events waiting now, in order. */
  get getQueue(): readonly G[] {
    return this._gets.events;
  }

  /**
   * @internal The loop: given as `{ loop }`, running at creation, or bound at the first put or get (see
   * `internal/resource-loop.ts`); read before any of these, the current event loop.
   */
  protected get _loop(): EventLoop {
    return this._boundLoop ?? this._bind(getEventLoop());
  }

  /** @internal The time for a statistic started at creation: the bound loop's, else 0 (reset at binding). */
  protected _startTime(): number {
    return this._boundLoop?.time() ?? 0;
  }

  /** @internal The loop a new put or get event uses (binds an unbound owner; refuses another loop). */
  protected _useLoop(): EventLoop {
    const bound = this._boundLoop;
    // The usual case, a resource used on the loop it is bound to while that loop runs, needs no closure.
    if (bound !== null && bound.isRunning()) return bound;
    return loopForUse(this, bound, (l) => this._bind(l));
  }

  /** Binds to `loop`; the statistics window starts now. */
  private _bind(loop: EventLoop): EventLoop {
    this._boundLoop = loop;
    this.resetStatistics();
    return loop;
  }

  /** Starts a new observation window now (for example after a warm-up period). */
  resetStatistics(): void {
    const now = this._loop.time();
    this._since = now;
    for (const q of [this._puts, this._gets] as EventQueue<ResourceEvent<unknown>>[]) {
      q.length.reset(now);
      q.waits.reset();
    }
    this._resetLevel(now);
  }

  /** @internal Tries to grant a put; returns whether the trigger may go on to the next put. */
  protected abstract _doPut(event: P): boolean;
  /** @internal Tries to grant a get; returns whether the trigger may go on to the next get. */
  protected abstract _doGet(event: G): boolean;
  /** @internal Restarts the level's time-weighted mean. */
  protected abstract _resetLevel(now: number): void;
  /** @internal Undoes a grant the waiting task never saw. */
  abstract _undo(event: ResourceEvent<unknown>): void;

  /** @internal Queues a new event and triggers. */
  protected _add<E extends P | G>(queue: EventQueue<E>, event: E): E {
    queue.events.push(event);
    queue.length.set(this._loop.time(), queue.events.length);
    this._settle();
    return event;
  }

  /** @internal Grants `event` with `value`, recording its waiting time. */
  protected _grant<T>(queue: EventQueue<ResourceEvent<T>>, event: ResourceEvent<T>, value: T): void {
    queue.waits.add(this._loop.time() - event.requestedAt);
    event._grant(value);
  }

  /** @internal Triggers both queues until nothing changes. */
  protected _settle(): void {
    for (;;) {
      const put = this._trigger(this._puts, true);
      const get = this._trigger(this._gets, false);
      if (!put && !get) return;
    }
  }

  /** @internal A waiting event was cancelled. */
  _withdraw(event: ResourceEvent<unknown>): void {
    for (const q of [this._puts, this._gets] as EventQueue<ResourceEvent<unknown>>[]) {
      if (remove(q.events, event)) {
        q.length.set(this._loop.time(), q.events.length);
        this._settle();
        return;
      }
    }
  }

  /** Walks the put queue (`puts`) or the get queue; returns whether an event left it. */
  private _trigger(queue: EventQueue<P> | EventQueue<G>, puts: boolean): boolean {
    const events = queue.events;
    if (events.length === 0) return false;
    let any = false;
    let idx = 0;
    while (idx < events.length) {
      const event = events[idx] as P | G;
      const proceed = puts ? this._doPut(event as P) : this._doGet(event as G);
      if (!event.done()) idx++;
      else {
        events.splice(idx, 1);
        any = true;
      }
      if (!proceed) break;
    }
    if (any) queue.length.set(this._loop.time(), events.length);
    return any;
  }
}
