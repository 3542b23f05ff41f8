/**
 * `asCompleted`: asyncio 3.11's `as_completed(fs, timeout=)`.
 *
 * Like asyncio's, it is a plain generator: nothing happens until it is first iterated. Then every
 * awaitable is wrapped (coroutines become tasks, in argument order, duplicates removed), a done callback
 * feeds a private {@link Queue}, and the generator yields one coroutine per awaitable. Each coroutine,
 * awaited with `yield*`, returns (or throws) the result of the next future to complete. When the
 * timeout passes first, the remaining coroutines throw `TimeoutError`.
 *
 * @module
 */
import { ArgumentError, Future, TimeoutError, isGenerator, noteAccess, type Coroutine } from "@simloop/core";
import { ensureFuture } from "./ensure-future.ts";
import type { Awaitable, AwaitedOf } from "./gather.ts";
import { checkTimeout } from "./internal/validate.ts";
import type { FutureList } from "./wait.ts";
import { defaultLoop } from "./default-loop.ts";
import { Queue } from "./queue.ts";

/** Options of {@link asCompleted}. */
export interface AsCompletedOptions {
  /** Virtual time after which the remaining coroutines throw `TimeoutError`; `null`/absent: no limit. */
  readonly timeout?: number | null;
}

function* waitForOne<T>(done: Queue<Future<T> | null>): Coroutine<T> {
  const f = yield* done.get();
  if (f === null) throw new TimeoutError();
  return f.result();
}

/**
 * Iterates coroutines that give the awaitables' results in completion order:
 * `for (const next of asCompleted([a, b, c])) { const r = yield* next; }`.
 * @throws {@link ArgumentError} (when iteration starts) if given a single future or coroutine instead
 * of a list, or a non-finite timeout.
 *
 * @example
 * ```ts
 * for (const next of asCompleted([sleep(3, "slow"), sleep(1, "fast")])) log.push(yield* next); // fast, slow
 * ```
 */
export function* asCompleted<A extends Awaitable<unknown>>(
  aws: FutureList<A>,
  options: AsCompletedOptions = {},
): Generator<Coroutine<AwaitedOf<A>>, void, unknown> {
  if (aws instanceof Future || isGenerator(aws)) {
    throw new ArgumentError(
      "asCompleted() expects an array (or iterable) of futures or coroutines, not a single future or coroutine.",
    );
  }
  const timeout = checkTimeout("timeout", options.timeout);
  const done = new Queue<Future<AwaitedOf<A>> | null>();
  const loop = defaultLoop();
  const todo = new Set<Future<AwaitedOf<A>>>();
  for (const aw of new Set(aws)) todo.add(ensureFuture(aw as Awaitable<AwaitedOf<A>>, loop));
  let timeoutHandle: { cancel(): void } | null = null;

  const onTimeout = (): void => {
    noteAccess(todo);
    for (const f of todo) {
      f.removeDoneCallback(onCompletion);
      done.putNowait(null);
    }
    todo.clear();
  };
  const onCompletion = (f: Future<AwaitedOf<A>>): void => {
    noteAccess(todo);
    if (todo.size === 0) return;
    todo.delete(f);
    done.putNowait(f);
    if (todo.size === 0 && timeoutHandle !== null) timeoutHandle.cancel();
  };

  for (const f of todo) f.addDoneCallback(onCompletion);
  if (todo.size > 0 && timeout !== null) timeoutHandle = loop.callLater(timeout, onTimeout);
  const count = todo.size;
  for (let i = 0; i < count; i++) yield waitForOne(done);
}
