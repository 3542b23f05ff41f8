/**
 * A `Date` on virtual time: `new Date()` and `Date.now()` read the bound run's clock (its epoch plus
 * `loop.time()` milliseconds); every other form (`new Date(value)`, `Date.parse`, `Date.UTC`) is the real
 * one. Instances are real `Date`s (`instanceof Date` holds both ways), and subclasses work. With no run
 * bound it reads the real clock.
 *
 * @module
 */

/** @internal Builds the virtual `Date` over `now()`. */
export function virtualDate(RealDate: DateConstructor, now: () => number): DateConstructor {
  function Date(this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  Object.defineProperties(Date, {
    prototype: { value: RealDate.prototype, writable: false, enumerable: false, configurable: false },
    now: { value: now, writable: true, enumerable: false, configurable: true },
    parse: { value: RealDate.parse, writable: true, enumerable: false, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, enumerable: false, configurable: true },
    length: { value: 7, configurable: true },
    toString: { value: () => RealDate.toString(), writable: true, enumerable: false, configurable: true },
  });
  return Date as unknown as DateConstructor;
}
