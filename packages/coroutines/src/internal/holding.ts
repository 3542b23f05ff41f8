/**
 * The body of the scoped `with` forms (asyncio's `async with lock/sem/cond`): acquire, run the body,
 * release on the way out whatever happens.
 *
 * @module
 */
import type { Coroutine } from "@simloop/core";

/** @internal Something with asyncio's acquire/release pair. */
export interface Acquirable {
  acquire(): Coroutine<unknown>;
  release(): void;
}

/** @internal Runs `body` between `primitive.acquire()` and `primitive.release()` and returns its result. */
export function* holding<T>(primitive: Acquirable, body: () => Coroutine<T>): Coroutine<T> {
  yield* primitive.acquire();
  try {
    return yield* body();
  } finally {
    primitive.release();
  }
}
