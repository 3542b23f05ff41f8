/**
 * `Container`: SimPy 4's container of a continuous or discrete amount (fuel, money, parts), on simloop
 * tasks.
 *
 * `yield* tank.put(amount)` waits until the amount fits under `capacity`; `yield* tank.get(amount)`
 * waits until `level >= amount`. Each side is served FIFO without barging (a big request at the head
 * holds back smaller ones behind it, as SimPy does). A get granted to a task that is cancelled or
 * interrupted before it resumes returns its amount.
 *
 * Statistics: time-weighted mean level and, for each side, the time-weighted mean queue length and
 * waiting-time samples.
 *
 * @module
 */
import { ArgumentError, type EventLoop, describeValue, noteAccess } from "@simloop/core";
import { TimeWeighted } from "../internal/time-weighted.ts";
import { BaseResource, type BaseResourceOptions, type QueueSideStatistics } from "./base-resource.ts";
import { ResourceEvent, type EventOwner } from "./resource-event.ts";

/** Options of {@link Container}. */
export interface ContainerOptions extends BaseResourceOptions {
  /** The most the container holds. Default `Infinity`. */
  readonly capacity?: number;
  /** The level at creation. Default 0. */
  readonly init?: number;
}

/** What {@link Container.statistics} returns: a frozen snapshot over the observation window. */
export interface ContainerStatistics {
  readonly time: number;
  readonly since: number;
  readonly capacity: number;
  readonly level: number;
  /** Time-weighted mean level. */
  readonly meanLevel: number;
  readonly put: QueueSideStatistics;
  readonly get: QueueSideStatistics;
}

/**
 * A pending `put` or `get` of an amount; `yield*` it to wait until it is done.
 *
 * @example
 * ```ts
 * yield* tank.get(10);
 * ```
 */
export class ContainerEvent extends ResourceEvent<undefined> {
  /** The amount to put or get. */
  readonly amount: number;
  /** `"put"` or `"get"`. */
  readonly kind: "put" | "get";

  /** @internal */
  constructor(loop: EventLoop, owner: EventOwner, kind: "put" | "get", amount: number) {
    super(loop, owner, `Container.${kind}`);
    this.kind = kind;
    this.amount = amount;
  }
}

function checkAmount(amount: number): void {
  if (typeof amount !== "number" || !(amount > 0) || !Number.isFinite(amount)) {
    throw new ArgumentError(`Expected \`amount\` to be a finite number > 0, got \`${describeValue(amount)}\`.`);
  }
}

/**
 * A container of an amount between 0 and `capacity`: SimPy's `Container(capacity, init)`.
 *
 * Invariants: `0 <= level <= capacity`; puts and gets are granted FIFO per side; a granted get the task
 * never saw gives its amount back.
 *
 * @example
 * ```ts
 * const tank = new Container({ capacity: 100, init: 50 });
 * function* car() { yield* tank.get(40); }
 * function* truck() { yield* tank.put(100 - tank.level); }
 * ```
 */
export class Container extends BaseResource<ContainerEvent, ContainerEvent> {
  /** The most the container holds. */
  readonly capacity: number;
  private _levelValue: number;
  private readonly _level: TimeWeighted;

  /**
   * Creates a container.
   * @throws {@link ArgumentError} unless `capacity > 0` and `0 <= init <= capacity`.
   */
  constructor(options: ContainerOptions = {}) {
    super(options);
    const capacity = options.capacity ?? Infinity;
    const init = options.init ?? 0;
    if (typeof capacity !== "number" || !(capacity > 0)) {
      throw new ArgumentError(`Expected \`capacity\` to be a number > 0, got \`${describeValue(capacity)}\`.`);
    }
    if (typeof init !== "number" || !(init >= 0) || init > capacity || !Number.isFinite(init)) {
      throw new ArgumentError(
        `Expected \`init\` to be a finite number in [0, capacity=${capacity}], got \`${describeValue(init)}\`.`,
      );
    }
    this.capacity = capacity;
    this._levelValue = init;
    this._level = new TimeWeighted(this._startTime(), init);
  }

  /** The amount held now. */
  get level(): number {
    noteAccess(this);
    return this._levelValue;
  }

  /**
   * Adds `amount`, waiting until it fits: `yield* tank.put(5)`.
   * @throws {@link ArgumentError} unless `amount` is a finite number > 0.
   */
  put(amount: number): ContainerEvent {
    noteAccess(this);
    checkAmount(amount);
    return this._add(this._puts, new ContainerEvent(this._useLoop(), this, "put", amount));
  }

  /**
   * Removes `amount`, waiting until the level allows it: `yield* tank.get(5)`.
   * @throws {@link ArgumentError} unless `amount` is a finite number > 0.
   */
  get(amount: number): ContainerEvent {
    noteAccess(this);
    checkAmount(amount);
    return this._add(this._gets, new ContainerEvent(this._useLoop(), this, "get", amount));
  }

  /** A frozen snapshot of the statistics over the observation window. */
  statistics(): ContainerStatistics {
    const now = this._loop.time();
    return Object.freeze({
      time: now,
      since: this._since,
      capacity: this.capacity,
      level: this._levelValue,
      meanLevel: this._level.mean(now),
      put: this._puts.statistics(now),
      get: this._gets.statistics(now),
    });
  }

  /** A readable description, such as `<Container level=50/100>`. */
  override toString(): string {
    return `<Container level=${this._levelValue}/${this.capacity}>`;
  }

  /** @internal */
  protected _doPut(event: ContainerEvent): boolean {
    if (this.capacity - this._levelValue >= event.amount) {
      this._setLevel(this._levelValue + event.amount);
      this._grant(this._puts, event, undefined);
      return true;
    }
    return false;
  }

  /** @internal */
  protected _doGet(event: ContainerEvent): boolean {
    if (this._levelValue >= event.amount) {
      this._setLevel(this._levelValue - event.amount);
      this._grant(this._gets, event, undefined);
      return true;
    }
    return false;
  }

  /** @internal */
  protected _resetLevel(now: number): void {
    this._level.reset(now);
  }

  /** @internal */
  override _undo(event: ResourceEvent<unknown>): void {
    if (event instanceof ContainerEvent && event.kind === "get") {
      this._setLevel(this._levelValue + event.amount);
      this._settle();
    }
  }

  private _setLevel(value: number): void {
    this._levelValue = value;
    this._level.set(this._loop.time(), value);
  }
}
