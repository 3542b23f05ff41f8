/**
 * `anyOf` and `allOf`: SimPy's condition events (`env.any_of`, `env.all_of`, `a | b`, `a & b`) on
 * futures. A process waits until one (any) or every (all) of the events has happened and gets the
 * values of those that have, in argument order; the others keep going (nothing is cancelled), as in
 * SimPy. A failed event fails the condition with its error.
 *
 * Built on {@link wait}, so they keep asyncio's ordering: the waiting task resumes one iteration after
 * the completing future's done callback, and yields at least once even when an event already happened
 * (SimPy's condition on processed events also resumes the process in a later step).
 *
 * @module
 */
import { Future, describeValue, ArgumentError, type Coroutine } from "@simloop/core";
import { ensureFuture } from "./ensure-future.ts";
import { wait } from "./wait.ts";

/** An event `anyOf` and `allOf` accept: a future (a task, a resource request) or a coroutine (a process). */
export type ConditionEvent<T = unknown> = Future<T> | Coroutine<T>;

function futuresOf(events: readonly ConditionEvent[], caller: string): Future<unknown>[] {
  if (events.length === 0) throw new ArgumentError(`${caller}() needs at least one event, got none.`);
  return events.map((event) => {
    if (event === null || typeof event !== "object") {
      throw new ArgumentError(`${caller}() expects futures or coroutines, got ${describeValue(event)}.`);
    }
    return ensureFuture(event);
  });
}

/** The values of the done futures, in argument order; the first failure is thrown. */
function values(futures: readonly Future<unknown>[]): Map<Future<unknown>, unknown> {
  const result = new Map<Future<unknown>, unknown>();
  for (const future of futures) {
    if (!future.done() || result.has(future)) continue;
    result.set(future, future.result()); // throws a failed event's error, as SimPy's condition fails
  }
  return result;
}

/**
 * Waits until any of `events` has happened (SimPy's `env.any_of(events)` or `a | b`) and returns a map
 * from each future that is done to its value. Coroutines are wrapped in tasks now (SimPy processes).
 * The other events are not cancelled.
 * @throws the error of a failed event; {@link ArgumentError} for no event or a value that is not one.
 *
 * @example
 * ```ts
 * const req = machine.request();
 * const done = yield* anyOf(req, sleep(patience)); // a request or a timeout, whichever first
 * if (!done.has(req)) machine.release(req); // reneged: withdraw the request
 * ```
 */
export function* anyOf(...events: ConditionEvent[]): Coroutine<Map<Future<unknown>, unknown>> {
  const futures = futuresOf(events, "anyOf");
  yield* wait(futures, { returnWhen: "FIRST_COMPLETED" });
  return values(futures);
}

/**
 * Waits until every one of `events` has happened (SimPy's `env.all_of(events)` or `a & b`) and returns
 * a map from each to its value, in argument order. A failure ends the wait at once with its error.
 * @throws the error of a failed event; {@link ArgumentError} for no event or a value that is not one.
 *
 * @example
 * ```ts
 * const both = yield* allOf(crane.request(), truck.request()); // holds both once granted
 * ```
 */
export function* allOf(...events: ConditionEvent[]): Coroutine<Map<Future<unknown>, unknown>> {
  const futures = futuresOf(events, "allOf");
  yield* wait(futures, { returnWhen: "FIRST_EXCEPTION" });
  return values(futures);
}
