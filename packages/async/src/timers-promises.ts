/**
 * `node:timers/promises` on virtual time: `setTimeout`, `setImmediate`, `setInterval` (an async
 * iterator) and `scheduler.wait`/`scheduler.yield`, built on the installed virtual timers. An aborted
 * wait rejects with an `AbortError` shaped as Node's (name `AbortError`, code `ABORT_ERR`, the signal's
 * reason as `cause`).
 *
 * @module
 */
import type { RealTimers } from "./virtual-timers.ts";

/**
 * The error an aborted wait rejects with, shaped as Node's internal one.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const wait = setTimeout(1_000, "late", { signal: controller.signal }); // node:timers/promises
 * controller.abort(); // wait rejects with AbortError { code: "ABORT_ERR" }
 * ```
 */
export class AbortError extends Error {
  override readonly name: string = "AbortError";
  /** Node's code for it. */
  readonly code: string = "ABORT_ERR";

  constructor(message = "The operation was aborted", options?: ErrorOptions) {
    super(message, options);
  }
}

/** Options of the promise timers, as Node's. */
export interface PromiseTimerOptions {
  /** Aborts the wait: the promise rejects with an {@link AbortError}. */
  readonly signal?: AbortSignal;
  /** `false` unrefs the timer. Default true. */
  readonly ref?: boolean;
}

interface Unrefable {
  unref(): unknown;
}

/** @internal The promise API over the given (virtual) timer functions. */
export interface PromiseTimers {
  setTimeout<T = void>(delay?: number, value?: T, options?: PromiseTimerOptions): Promise<T>;
  setImmediate<T = void>(value?: T, options?: PromiseTimerOptions): Promise<T>;
  setInterval<T = void>(delay?: number, value?: T, options?: PromiseTimerOptions): AsyncGenerator<T>;
  scheduler: { wait(delay: number, options?: PromiseTimerOptions): Promise<void>; yield(): Promise<void> };
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal !== undefined && signal.aborted;
}

/** @internal Builds the promise timers over `timers` (the installed virtual functions). */
export function promiseTimers(timers: RealTimers): PromiseTimers {
  function wait<T>(
    arm: (done: () => void) => unknown,
    clear: (timer: unknown) => void,
    value: T,
    options: PromiseTimerOptions,
  ): Promise<T> {
    const { signal, ref = true } = options;
    if (signal?.aborted === true) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
    return new Promise<T>((resolve, reject) => {
      let onAbort: (() => void) | null = null;
      const timer = arm(() => {
        if (onAbort !== null) signal?.removeEventListener("abort", onAbort);
        resolve(value);
      });
      if (!ref) (timer as Unrefable).unref();
      if (signal !== undefined) {
        onAbort = (): void => {
          clear(timer);
          reject(new AbortError(undefined, { cause: signal.reason }));
        };
        signal.addEventListener("abort", onAbort, { once: true });
      }
    });
  }
  const setTimeout = <T = void>(delay?: number, value?: T, options: PromiseTimerOptions = {}): Promise<T> =>
    wait((done) => timers.setTimeout(done, delay), timers.clearTimeout, value as T, options);
  const setImmediate = <T = void>(value?: T, options: PromiseTimerOptions = {}): Promise<T> =>
    wait((done) => timers.setImmediate(done), timers.clearImmediate, value as T, options);
  async function* setInterval<T = void>(
    delay?: number,
    value?: T,
    options: PromiseTimerOptions = {},
  ): AsyncGenerator<T> {
    const { signal, ref = true } = options;
    if (signal?.aborted === true) throw new AbortError(undefined, { cause: signal.reason });
    let notYielded = 0;
    let wake: (() => void) | null = null;
    const interval = timers.setInterval(() => {
      notYielded++;
      wake?.();
      wake = null;
    }, delay);
    if (!ref) (interval as Unrefable).unref();
    const onAbort = (): void => {
      wake?.();
      wake = null;
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (!isAborted(signal)) {
        if (notYielded === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        for (; notYielded > 0; notYielded--) yield value as T;
      }
      throw new AbortError(undefined, { cause: signal?.reason });
    } finally {
      timers.clearInterval(interval);
      signal?.removeEventListener("abort", onAbort);
    }
  }
  const scheduler = {
    wait: (delay: number, options: PromiseTimerOptions = {}): Promise<void> =>
      setTimeout<void>(delay, undefined, options),
    yield: (): Promise<void> => setImmediate<void>(),
  };
  return { setTimeout, setImmediate, setInterval, scheduler };
}
