/**
 * Telling coroutines from other values: asyncio's `iscoroutinefunction` and `iscoroutine`, where a
 * coroutine function is a generator function.
 *
 * @module
 */
import { isGenerator } from "@simloop/core";

const GeneratorFunctionPrototype = Object.getPrototypeOf(function* () {}) as object;

/**
 * True when `fn` is a coroutine function: a generator function (`function*`), which is what simloop
 * writes where asyncio writes `async def`.
 *
 * @example
 * ```ts
 * function* task() { yield* sleep(1); }
 * isCoroutineFunction(task); // true
 * isCoroutineFunction(() => 1); // false
 * ```
 */
export function isCoroutineFunction(fn: unknown): boolean {
  return typeof fn === "function" && Object.getPrototypeOf(fn) === GeneratorFunctionPrototype;
}

/** True when `value` is a coroutine: a generator object, such as `task()` for a generator function `task`. */
export function isCoroutine(value: unknown): value is Generator {
  return isGenerator(value);
}
