/**
 * Describing any value for a message, safely.
 *
 * Why: JavaScript can throw anything, and `String(value)` itself throws for some values: an object with
 * a null prototype (a module namespace, `Object.create(null)`), a revoked Proxy, an object whose
 * `toString` throws. An error message built with `String()` from such a value turns the report of one
 * failure into a second, unnamed failure (a `TypeError` out of the exception handler, a run call cut
 * short). Every message simloop builds from a value the user supplied goes through these two
 * functions, which never throw.
 *
 * @module
 */

/**
 * A short description of any value, for messages: `String(value)` when that works, otherwise a
 * placeholder that says why it could not be printed. Never throws.
 *
 * @example
 * ```ts
 * describeValue(3); // "3"
 * describeValue(Object.create(null)); // "[object with a null prototype]"
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value !== "object" && typeof value !== "function") return String(value);
  if (value === null) return "null";
  try {
    return String(value);
  } catch {
    return unprintable(value);
  }
}

/**
 * One line describing a thrown value: `name: message` for an `Error`, {@link describeValue} for
 * anything else. Never throws, whatever was thrown.
 *
 * @example
 * ```ts
 * describeError(new RangeError("out")); // "RangeError: out"
 * describeError(Object.create(null)); // "[object with a null prototype]"
 * ```
 */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${describeValue(error.name)}: ${describeValue(error.message)}`;
  } catch {
    return unprintable(error as object);
  }
  return describeValue(error);
}

/** Why `value` has no printable form, as far as can be told without running its code. */
function unprintable(value: object): string {
  try {
    if (Object.getPrototypeOf(value) === null) return "[object with a null prototype]";
  } catch {
    // A revoked Proxy throws on every operation, getPrototypeOf included.
    return "[unprintable object: a revoked Proxy?]";
  }
  return `[unprintable ${typeof value}: its conversion to a string threw]`;
}

/** @internal A function's name, for messages; `null` when reading it throws (a revoked Proxy). */
export function functionName(fn: { readonly name: unknown }): string | null {
  try {
    return describeValue(fn.name);
  } catch {
    return null;
  }
}

/** @internal Whether `value` has a callable `then` (a Promise or thenable); false when looking throws. */
export function isThenable(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  try {
    return typeof (value as { then?: unknown }).then === "function";
  } catch {
    return false;
  }
}
