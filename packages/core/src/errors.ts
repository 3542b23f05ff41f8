/**
 * Every error simloop throws is a {@link SimloopError}: one base class with a stable `code`, so a program
 * can tell errors apart without parsing messages. Loop misuse (asyncio's `RuntimeError` cases) shares
 * the {@link LoopMisuseError} subclass, whose messages start with asyncio's own text and then say what to
 * do instead.
 *
 * @module
 */
import { describeError, describeValue, functionName, isThenable } from "./describe.ts";

/**
 * The base class of every error simloop throws.
 *
 * @example
 * ```ts
 * try { loop.runForever(); } catch (e) { if (e instanceof SimloopError) console.log(e.code); }
 * ```
 */
export class SimloopError extends Error {
  override readonly name: string = "SimloopError";
  /** A stable identifier of the error's kind, such as `"LOOP_CLOSED"`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The operation was cancelled: thrown into a coroutine at its `yield*` when its task is cancelled, and
 * by `result()` of a cancelled future. A plain `catch (e)` catches it too (JavaScript has no
 * `except Exception`): re-throw it unless the cancellation is really handled, see {@link isCancellation}.
 */
export class CancelledError extends SimloopError {
  override readonly name: string = "CancelledError";

  constructor(message?: string) {
    super("CANCELLED", message ?? "");
  }
}

/**
 * True when `error` is a {@link CancelledError}: `catch (e) { if (isCancellation(e)) throw e; … }`.
 * Never throws: a thrown value that cannot even be inspected (a revoked Proxy, whose `instanceof`
 * throws) is not a cancellation.
 */
export function isCancellation(error: unknown): error is CancelledError {
  if (typeof error !== "object" || error === null) return false;
  try {
    return error instanceof CancelledError;
  } catch {
    return false;
  }
}

/** A future or task was asked for something its state does not allow (asyncio's `InvalidStateError`). */
export class InvalidStateError extends SimloopError {
  override readonly name: string = "InvalidStateError";

  constructor(message: string) {
    super("INVALID_STATE", message);
  }
}

/** An operation ran out of (virtual) time: raised by `waitFor` and `timeout`, as asyncio's `TimeoutError`. */
export class TimeoutError extends SimloopError {
  override readonly name: string = "TimeoutError";

  constructor(message = "The operation exceeded the given deadline.") {
    super("TIMEOUT", message);
  }
}

/** A bad argument: a non-finite delay, a callback that is not a function, a coroutine that is not one. */
export class ArgumentError extends SimloopError {
  override readonly name: string = "ArgumentError";

  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

/**
 * The event loop was used in a way asyncio forbids with a `RuntimeError`. Subclasses name each case; the
 * message starts with asyncio's text and then says what to do.
 */
export class LoopMisuseError extends SimloopError {
  override readonly name: string = "LoopMisuseError";
}

/** `runForever`/`runUntilComplete` was called while this loop (or another) is already running. */
export class LoopRunningError extends LoopMisuseError {
  override readonly name: string = "LoopRunningError";
}

/** The loop is closed: it no longer schedules or runs anything. */
export class LoopClosedError extends LoopMisuseError {
  override readonly name: string = "LoopClosedError";

  constructor(action: string) {
    super(
      "LOOP_CLOSED",
      `Event loop is closed: cannot ${action}. Create a new loop with newEventLoop() (and setEventLoop() it) instead.`,
    );
  }
}

/** `close()` was called while the loop runs. */
export class CloseRunningLoopError extends LoopMisuseError {
  override readonly name: string = "CloseRunningLoopError";

  constructor() {
    super(
      "CLOSE_RUNNING",
      "Cannot close a running event loop. Call loop.stop() from a callback or task, and close() once the run call has returned.",
    );
  }
}

/** `runUntilComplete(f)` returned because the loop stopped before `f` was done. */
export class LoopStoppedError extends LoopMisuseError {
  override readonly name: string = "LoopStoppedError";

  constructor() {
    super(
      "STOPPED_BEFORE_COMPLETE",
      "Event loop stopped before Future completed. Something called loop.stop() while runUntilComplete() was waiting; " +
        "let the future finish, or use runForever() when stopping early is intended.",
    );
  }
}

/** No loop is running (asyncio's `get_running_loop()` outside a callback or task). */
export class NoRunningLoopError extends LoopMisuseError {
  override readonly name: string = "NoRunningLoopError";

  constructor() {
    super(
      "NO_RUNNING_LOOP",
      "no running event loop. Call this from inside a task or callback, or use getEventLoop() outside one.",
    );
  }
}

/** A future or task of one loop was used with another. */
export class WrongLoopError extends LoopMisuseError {
  override readonly name: string = "WrongLoopError";
}

/** A coroutine yielded something a task cannot wait on. Thrown into the coroutine at its next step. */
export class BadYieldError extends LoopMisuseError {
  override readonly name: string = "BadYieldError";
  /** What was yielded. */
  readonly value: unknown;

  constructor(message: string, value: unknown, cause?: unknown) {
    super("BAD_YIELD", message, cause === undefined ? undefined : { cause });
    this.value = value;
  }
}

/** A future was iterated (`yield*`, destructuring, spread) outside a task, where nothing can wait on it. */
export class AwaitOutsideTaskError extends LoopMisuseError {
  override readonly name: string = "AwaitOutsideTaskError";

  constructor(what: string) {
    super(
      "AWAIT_OUTSIDE_TASK",
      `${what} was iterated outside a task. Futures are awaited with \`yield* future\` inside a coroutine ` +
        "(a generator function run by a task); from outside, use loop.runUntilComplete(future).",
    );
  }
}

/** One waiter in a {@link DeadlockError}: a pending task (or `null` for `runUntilComplete` itself) and what it waits on. */
export interface DeadlockWaiter {
  /** The pending task, or `null` when the waiter is `runUntilComplete()` waiting on a plain future. */
  readonly task: { getName(): string } | null;
  /** The future it waits on (or the timer handle of the sleep it is in), or `null` if it is not waiting on any. */
  readonly waitsOn: { toString(): string; readonly label: string | undefined } | null;
}

/**
 * Nothing is ready, no timer is pending and the loop is not stopping: asyncio would block forever.
 * `pending` lists every task still pending and what it waits on; `waiters` gives the same as objects.
 */
export class DeadlockError extends SimloopError {
  override readonly name: string = "DeadlockError";
  /** One line per pending task (or awaited future), as in the message. */
  readonly pending: readonly string[];
  /** The same, as objects: each pending task and the future it waits on. */
  readonly waiters: readonly DeadlockWaiter[];
  /** The virtual time at which the loop found itself stuck. */
  readonly time: number;

  constructor(time: number, pending: readonly string[], waiters: readonly DeadlockWaiter[] = []) {
    const list = pending.length > 0 ? pending.map((line) => `  - ${line}`).join("\n") : "  (no pending task)";
    super(
      "DEADLOCK",
      `Deadlock at t=${time}: nothing is ready and no timer is pending, so the loop would wait forever.\n` +
        `Pending:\n${list}\n` +
        "Resolve the awaited futures, or use runUntilIdle() when running out of events is expected.",
    );
    this.pending = pending;
    this.waiters = waiters;
    this.time = time;
  }
}

/** The loop ran more iterations than its `maxSteps` budget in one run call (a livelock, or a budget too small). */
export class StepBudgetExceededError extends SimloopError {
  override readonly name: string = "StepBudgetExceededError";
  /** The budget that was exceeded. */
  readonly maxSteps: number;
  /** The last callbacks dispatched before the budget ran out, most recent last. */
  readonly recent: readonly string[];

  constructor(maxSteps: number, time: number, recent: readonly string[]) {
    super(
      "STEP_BUDGET",
      `The loop ran ${maxSteps} iterations in one run call without finishing (t=${time}): a livelock, or maxSteps is too small.\n` +
        `Last callbacks:\n${recent.map((line) => `  ${line}`).join("\n")}\n` +
        "Raise maxSteps in the loop options if the program is simply long.",
    );
    this.maxSteps = maxSteps;
    this.recent = recent;
  }
}

/** Errors reached the exception handler during a run and the loop's `unhandled` option is `"throw"`. */
export class UnhandledErrorsError extends SimloopError {
  override readonly name: string = "UnhandledErrorsError";
  /** The exceptions, in the order they reached the handler. */
  readonly errors: readonly unknown[];
  /** The handler contexts, in the same order. */
  readonly contexts: readonly { readonly message: string }[];

  constructor(
    contexts: readonly {
      readonly message: string;
      readonly exception?: unknown;
    }[],
  ) {
    const lines = contexts.map(
      (c) => `  - ${c.message}${c.exception !== undefined ? `: ${describeError(c.exception)}` : ""}`,
    );
    super(
      "UNHANDLED_ERRORS",
      `${contexts.length} error(s) escaped callbacks or tasks during the run:\n${lines.join("\n")}\n` +
        "Catch them where they happen, or set an exception handler with loop.setExceptionHandler().",
    );
    this.contexts = contexts;
    this.errors = contexts.map((c) => c.exception);
  }
}

/** A scheduling policy broke its contract (threw, or picked an option that does not exist). */
export class PolicyError extends SimloopError {
  override readonly name: string = "PolicyError";

  constructor(message: string, options?: ErrorOptions) {
    super("POLICY", message, options);
  }
}

/**
 * A task was interrupted (SimPy's `Interrupt`): thrown into the task at its current wait by
 * {@link Task.interrupt}. `cause` is what the interrupter passed, such as a resource's `Preempted`.
 *
 * It is built without the `Error` constructor when {@link Task.interrupt} makes it: in V8 that constructor
 * costs about a microsecond even with no stack to capture, which was a large part of an interrupt in a
 * model with frequent breakdowns. Such an `Interrupt` is an `instanceof` `Interrupt`, `SimloopError`
 * and `Error` like any other, with `name`, `code` and `cause` of its own; its `message` describes the
 * cause when read, and its `stack` holds only the `name: message` line (a stack trace would show where
 * `interrupt()` was called, not where the task was waiting). It is not a native error object (Node's
 * `util.types.isNativeError` says false). `new Interrupt(cause)` builds a native one, also without a
 * stack trace.
 *
 * @example
 * ```ts
 * try { yield* sleep(10); } catch (e) { if (e instanceof Interrupt) log(e.cause); else throw e; }
 * ```
 */
export class Interrupt extends SimloopError {
  override readonly name: string = "Interrupt";
  /** The reason given to `task.interrupt(cause)`. */
  override readonly cause: unknown;

  constructor(cause?: unknown) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super("INTERRUPT", interruptMessage(cause));
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.cause = cause;
  }
}

function interruptMessage(cause: unknown): string {
  return `The process was interrupted${cause === undefined ? "" : `: ${describeError(cause)}`}.`;
}

/** An `Interrupt` under construction by {@link makeInterrupt}: its fields, writable. */
type InterruptFields = { -readonly [K in "name" | "code" | "cause"]: Interrupt[K] };

/**
 * @internal An {@link Interrupt} carrying `cause`, built without the `Error` constructor (see the
 * class): an object of `Interrupt`'s prototype with `name`, `code` and `cause` of its own.
 */
export function makeInterrupt(cause: unknown): Interrupt {
  const error = Object.create(Interrupt.prototype) as InterruptFields;
  error.name = "Interrupt";
  error.code = "INTERRUPT";
  error.cause = cause;
  return error as Interrupt;
}

// What an Interrupt from makeInterrupt reads where a native one has own properties: its message and
// a stack of the `name: message` line. Assigning either gives the object its own, as on any Error.
for (const [key, read] of [
  ["message", (error: Interrupt): string => interruptMessage(error.cause)],
  ["stack", (error: Interrupt): string => `${error.name}: ${error.message}`],
] as const) {
  Object.defineProperty(Interrupt.prototype, key, {
    configurable: true,
    enumerable: false,
    get(this: Interrupt): string {
      return read(this);
    },
    set(this: Interrupt, value: unknown): void {
      Object.defineProperty(this, key, { value, writable: true, enumerable: false, configurable: true });
    },
  });
}

/** `interrupt()` was called on a task that cannot receive it: one that has terminated, or the calling task itself. */
export class InterruptMisuseError extends LoopMisuseError {
  override readonly name: string = "InterruptMisuseError";

  constructor(message: string) {
    super("INTERRUPT_MISUSE", message);
  }
}

/** @internal The message for a value given where a coroutine (a generator object) was expected. */
export function notACoroutineMessage(value: unknown, caller: string): string {
  if (typeof value === "function") {
    const name = functionName(value) || "coroutine";
    return `${caller}() expects a coroutine (a generator object), got the function \`${name}\`. Call it: ${caller}(${name}()).`;
  }
  if (isThenable(value)) {
    return (
      `${caller}() got a Promise. A synchronous run call cannot wait on a Promise (the JS engine runs its continuations only after the call returns): ` +
      "run async code in async mode (runAsync, or runUntilCompleteAsync(loop, promise) from @simloop/async), " +
      "or write a generator function (`function*`, with `yield*` where you would `await`) and pass its generator."
    );
  }
  return `${caller}() expects a coroutine (a generator object) or a future, got ${value === null ? "null" : typeof value}.`;
}

/** @internal The message for a value given where a callback (a plain function) was expected. */
export function notACallbackMessage(callback: unknown, caller: string, isCoroutine: boolean): string {
  if (typeof callback === "function") {
    const name = functionName(callback);
    if (name === null) {
      return `Expected a function as the callback of ${caller}(), got a function that cannot be inspected (a revoked Proxy?).`;
    }
    return (
      `coroutines cannot be used with ${caller}(): got the generator function \`${name}\`. ` +
      `Run it as a task instead: loop.createTask(${name || "coroutine"}()).`
    );
  }
  if (isCoroutine) {
    return `A coroutine object cannot be used as a callback: ${caller}() got a generator. Run it with loop.createTask(coro) instead.`;
  }
  return `Expected a function as the callback of ${caller}(), got ${callback === null ? "null" : typeof callback}.`;
}

/**
 * @internal The error of a delay that cannot be scheduled: not a finite number, or finite with a
 * deadline that overflows (`now + delay` is ±Infinity, as `Number.MAX_VALUE` twice).
 */
export function badDelayError(delay: unknown, now: number): ArgumentError {
  if (typeof delay !== "number" || !Number.isFinite(delay)) {
    return new ArgumentError(
      `Expected \`delay\` to be a finite number, got \`${describeValue(delay)}\` (${typeof delay}).`,
    );
  }
  return new ArgumentError(
    `The deadline of a delay of ${delay} at t=${now} overflows (${now + delay}): virtual time must stay finite. ` +
      "Use a shorter delay, or wait on a future that is never settled to wait forever.",
  );
}
