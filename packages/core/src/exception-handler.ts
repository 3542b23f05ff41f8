/**
 * The exception handler: where errors that escape callbacks go (asyncio's `call_exception_handler`).
 *
 * A custom handler set with `loop.setExceptionHandler` receives `(loop, context)`; if it throws, the
 * default handler reports that and the loop goes on. The default handler collects every context
 * (`loop.unhandledErrors()`) and, by the loop's `unhandled` mode, logs it (`"log"`), keeps it
 * (`"collect"`), or has the run call throw an {@link UnhandledErrorsError} when it returns (`"throw"`).
 *
 * @module
 */
import { UnhandledErrorsError } from "./errors.ts";
import { describeError } from "./describe.ts";
import type { EventLoop } from "./event-loop.ts";
import type { Future } from "./future.ts";
import type { Handle } from "./handle.ts";
import type { Task } from "./task.ts";

/** What the default exception handler does with an error that escaped a callback. */
export type UnhandledMode = "log" | "collect" | "throw";

/** What the exception handler receives (asyncio's context dict). */
export interface ExceptionContext {
  /** What happened, such as `Exception in callback tick`. */
  readonly message: string;
  /** The thrown value, if any. */
  readonly exception?: unknown;
  /** The handle whose callback threw, if any. */
  readonly handle?: Handle;
  /** The task concerned, if any. */
  readonly task?: Task<unknown>;
  /** The future concerned, if any. */
  readonly future?: Future<unknown>;
  /** For errors raised by a custom handler: the context it was handling. */
  readonly context?: ExceptionContext;
}

/** A custom exception handler, as asyncio's `(loop, context)`. */
export type ExceptionHandler = (loop: EventLoop, context: ExceptionContext) => void;

/** @internal The default handler: collects `context` and, in `"log"` mode, writes it to `console.error`. */
export function defaultExceptionHandler(loop: EventLoop, context: ExceptionContext): void {
  loop._unhandled.push(context);
  if (loop._unhandledMode === "log") {
    const detail = context.exception === undefined ? "" : `\n${describeError(context.exception)}`;
    console.error(`[simloop t=${loop.time()}] ${context.message}${detail}`);
  }
}

/** @internal Reports `context` to the custom handler if one is set (falling back if it throws), else the default. */
export function callExceptionHandler(loop: EventLoop, context: ExceptionContext): void {
  const handler = loop.getExceptionHandler();
  if (handler === null) {
    defaultExceptionHandler(loop, context);
    return;
  }
  try {
    handler(loop, context);
  } catch (error) {
    defaultExceptionHandler(loop, { message: "Unhandled error in exception handler", exception: error, context });
  }
}

/**
 * @internal In `"throw"` mode, throws the contexts collected since the last throw, if any.
 * @throws {@link UnhandledErrorsError} with those contexts.
 */
export function throwUnhandled(loop: EventLoop): void {
  const unhandled = loop._unhandled;
  if (loop._unhandledMode !== "throw" || unhandled.length <= loop._unhandledThrowFrom) return;
  const contexts = unhandled.slice(loop._unhandledThrowFrom);
  loop._unhandledThrowFrom = unhandled.length;
  throw new UnhandledErrorsError(contexts);
}
