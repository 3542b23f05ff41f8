/**
 * A seeded pseudo-random generator for simulations: `loop.random`. Deterministic per seed and
 * independent of `Math.random`, so simulated latencies replay exactly.
 *
 * Algorithm: xoshiro128** (Blackman and Vigna), seeded through splitmix32; doubles take 53 bits from
 * two outputs. Normal variates use the Box–Muller transform without caching, so each call consumes a
 * fixed number of draws.
 *
 * @module
 */
import { describeValue } from "./describe.ts";
import { ArgumentError } from "./errors.ts";
import { noteAccess } from "./access.ts";

const GOLDEN = 0x9e3779b9;

/** splitmix32's output for a state: the seeding of xoshiro takes the outputs of four consecutive states. */
function splitmix32(state: number): number {
  let z = state | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded PRNG with the distributions simulations use.
 *
 * @example
 * ```ts
 * const rng = new Random(42);
 * rng.exponential(2); // an inter-arrival time with rate 2
 * rng.integer(1, 6);  // a die
 * ```
 */
export class Random {
  private _a: number;
  private _b: number;
  private _c: number;
  private _d: number;
  /** The seed this generator started from. */
  readonly seed: number;

  constructor(seed = 0) {
    if (!Number.isFinite(seed))
      throw new ArgumentError(`Expected \`seed\` to be a finite number, got \`${describeValue(seed)}\`.`);
    this.seed = seed;
    const state = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) | 0;
    this._a = splitmix32(state + GOLDEN);
    this._b = splitmix32(state + 2 * GOLDEN);
    this._c = splitmix32(state + 3 * GOLDEN);
    this._d = splitmix32(state + 4 * GOLDEN);
    if ((this._a | this._b | this._c | this._d) === 0) this._a = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    noteAccess(this);
    return this._advance();
  }

  /** One step of the generator, without noting the access (the public draws note it once each). */
  private _advance(): number {
    const result = Math.imul(rotl(Math.imul(this._b, 5), 7), 9) >>> 0;
    const t = this._b << 9;
    this._c ^= this._a;
    this._d ^= this._b;
    this._b ^= this._c;
    this._a ^= this._d;
    this._c ^= t;
    this._d = rotl(this._d, 11);
    return result;
  }

  /** A uniform double in `[0, 1)`. */
  next(): number {
    noteAccess(this);
    const high = this._advance() >>> 5;
    const low = this._advance() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniform double in `[low, high)`. */
  uniform(low = 0, high = 1): number {
    requireFinite("low", low);
    requireFinite("high", high);
    return low + (high - low) * this.next();
  }

  /** A uniform integer in `[min, max]`, both included. */
  integer(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new ArgumentError(
        `Expected integers with min <= max, got min=${describeValue(min)}, max=${describeValue(max)}.`,
      );
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** An exponential variate with the given `rate` (mean `1 / rate`), as Python's `random.expovariate`. */
  exponential(rate: number): number {
    if (!Number.isFinite(rate) || !(rate > 0)) {
      throw new ArgumentError(`Expected \`rate\` to be a finite number > 0, got \`${describeValue(rate)}\`.`);
    }
    return -Math.log(1 - this.next()) / rate;
  }

  /** A normal variate with the given `mean` and standard deviation `sd`. */
  normal(mean = 0, sd = 1): number {
    requireFinite("mean", mean);
    if (!Number.isFinite(sd) || !(sd >= 0)) {
      throw new ArgumentError(`Expected \`sd\` to be a finite number >= 0, got \`${describeValue(sd)}\`.`);
    }
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `true` with probability `p`. */
  bernoulli(p: number): boolean {
    if (typeof p !== "number" || !(p >= 0 && p <= 1))
      throw new ArgumentError(`Expected \`p\` in [0, 1], got \`${describeValue(p)}\`.`);
    return this.next() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new ArgumentError("choice() needs a non-empty array.");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A new generator seeded from this one: independent streams for independent components. */
  fork(): Random {
    return new Random(this.nextUint32() * 4096 + (this.nextUint32() >>> 20));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value))
    throw new ArgumentError(`Expected \`${name}\` to be a finite number, got \`${describeValue(value)}\`.`);
}
