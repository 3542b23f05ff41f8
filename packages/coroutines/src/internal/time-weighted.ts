/**
 * Time-weighted averages and sample tallies for resource statistics.
 *
 * @module
 */

/** @internal The area under a step function of virtual time, for time-weighted means. */
export class TimeWeighted {
  private _since: number;
  private _last: number;
  private _value: number;
  private _area = 0;

  constructor(now: number, value: number) {
    this._since = now;
    this._last = now;
    this._value = value;
  }

  /** @internal The current value. */
  get value(): number {
    return this._value;
  }

  /** @internal The value changes to `value` at time `now`. */
  set(now: number, value: number): void {
    this._area += this._value * (now - this._last);
    this._last = now;
    this._value = value;
  }

  /** @internal The time-weighted mean since the last reset, up to `now`. */
  mean(now: number): number {
    const span = now - this._since;
    if (!(span > 0)) return this._value;
    return (this._area + this._value * (now - this._last)) / span;
  }

  /** @internal Starts a new observation window at `now`. */
  reset(now: number): void {
    this._area = 0;
    this._since = now;
    this._last = now;
  }
}

/** @internal A tally of samples (waiting times). */
export class Tally {
  /** @internal */
  readonly samples: number[] = [];
  private _sum = 0;
  private _max = 0;

  /** @internal */
  add(x: number): void {
    this.samples.push(x);
    this._sum += x;
    if (x > this._max) this._max = x;
  }

  /** @internal A frozen summary. */
  summary(): SampleStatistics {
    const n = this.samples.length;
    return Object.freeze({ count: n, mean: n === 0 ? Number.NaN : this._sum / n, max: this._max });
  }

  /** @internal */
  reset(): void {
    this.samples.length = 0;
    this._sum = 0;
    this._max = 0;
  }
}

/** A summary of waiting-time samples: how many, their mean (`NaN` with none) and maximum. */
export interface SampleStatistics {
  readonly count: number;
  readonly mean: number;
  readonly max: number;
}
