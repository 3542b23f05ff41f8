/**
 * Which kind a program is, where one entry takes both (`simloopTest`, `exploreParallel`, the `simloop`
 * command): an `async function` is an async program (recognised by its constructor, `AsyncFunction`),
 * anything else a generator program. A plain function that returns a Promise cannot be told from a
 * generator program before it runs: wrap it in {@link asyncProgram} (decision 0030).
 *
 * @module
 */
import type { AsyncProgram } from "@simloop/async";
import { CheckArgumentError } from "./errors.ts";
import type { ExploreAsyncOptions } from "./explore-async.ts";
import { exploreAsync } from "./explore-async.ts";
import type { ExploreResult } from "./explore-options.ts";
import { explore } from "./explore.ts";
import type { Program } from "./run-program.ts";

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as unknown;

/**
 * Whether `program` is an async program: an `async function` (or arrow), or one made by
 * {@link asyncProgram}.
 *
 * @example
 * ```ts
 * isAsyncProgram(async () => {}); // true
 * isAsyncProgram(function* () {}); // false
 * isAsyncProgram(() => Promise.resolve()); // false: wrap it in asyncProgram()
 * ```
 */
export function isAsyncProgram(program: unknown): program is AsyncProgram {
  return typeof program === "function" && (program as { constructor?: unknown }).constructor === AsyncFunction;
}

/**
 * Marks a plain function that returns a Promise (a transpiled async function, a function that returns
 * `fetchAll(loop)`) as an async program, for the entries that take both kinds: it returns an `async
 * function` of the same name that calls `program`.
 * @throws {@link CheckArgumentError} when `program` is not a function.
 *
 * @example
 * ```ts
 * export const refresh = asyncProgram((loop) => refreshTwice(loop)); // simloop explore picks it as async
 * ```
 */
export function asyncProgram<T>(
  program: (loop: Parameters<AsyncProgram<T>>[0]) => T | PromiseLike<T>,
): AsyncProgram<T> {
  if (typeof program !== "function") {
    throw new CheckArgumentError(
      `asyncProgram() expects a function, got ${program === null ? "null" : typeof program}.`,
    );
  }
  if (isAsyncProgram(program as unknown)) return program as AsyncProgram<T>;
  const wrapped = async function (loop: Parameters<AsyncProgram<T>>[0]): Promise<T> {
    return await program(loop);
  };
  Object.defineProperty(wrapped, "name", { value: program.name });
  return wrapped;
}

/**
 * Explores `program` with `exploreAsync` when it is an async program ({@link isAsyncProgram}), else
 * with `explore`: the entry of the helpers that take both kinds.
 *
 * @example
 * ```ts
 * const result = await exploreProgram(await import("./race.ts").then((m) => m.default), { runs: 100 });
 * ```
 */
export function exploreProgram(
  program: Program | AsyncProgram,
  options: ExploreAsyncOptions = {},
): Promise<ExploreResult> {
  if (isAsyncProgram(program)) return exploreAsync(program, options);
  return Promise.resolve().then(() => explore(program as Program, options));
}
