/**
 * Argument checks shared by the combinators.
 *
 * @module
 */
import { ArgumentError, describeValue } from "@simloop/core";

/** @internal A timeout is `null`/`undefined` (none) or a finite number. */
export function checkTimeout(name: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ArgumentError(
      `Expected \`${name}\` to be a finite number or null (no timeout), got \`${describeValue(value)}\` (${typeof value}).`,
    );
  }
  return value;
}
