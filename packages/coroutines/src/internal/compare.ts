/**
 * The default ordering of priority queues and priority stores: Python's `<` on numbers, strings,
 * bigints and (lexicographically) arrays such as `[priority, item]` tuples.
 *
 * @module
 */
import { ArgumentError } from "@simloop/core";

/** A three-way comparison: negative when `a` goes first. */
export type Compare<T> = (a: T, b: T) => number;

/** @internal Python's ordering of numbers, strings, bigints and tuples (arrays). */
export function pythonCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x: unknown = a[i];
      const y: unknown = b[i];
      if (x === y) continue;
      const c = pythonCompare(x, y);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const ta = typeof a;
  if ((ta === "number" || ta === "string" || ta === "bigint") && typeof b === ta) {
    const x = a as number;
    const y = b as number;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new ArgumentError(
    `Cannot order ${describeValue(a)} and ${describeValue(b)}: priority items must be numbers, strings, bigints or ` +
      "arrays of them (such as `[priority, data]` with distinct priorities), or pass a `compare` option.",
  );
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
