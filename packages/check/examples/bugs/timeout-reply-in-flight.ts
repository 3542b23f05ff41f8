/**
 * A timeout that fires while a reply is in flight: a client sends a payment, then waits for the reply
 * with `waitFor(…, 1)`. The server commits on receipt and its reply takes exactly 1 s. If the timeout is
 * handled before the reply, the client retries and the payment is committed twice. Fixed with an
 * idempotency key (the server commits a request id once). Giving up after three timeouts is allowed.
 *
 * @module
 */
import { TimeoutError, type EventLoop } from "@simloop/core";
import { sleep, waitFor } from "@simloop/coroutines";
import type { BugCase } from "./bug-case.ts";

class Server {
  readonly committed: string[] = [];
  private readonly idempotent: boolean;
  constructor(idempotent: boolean) {
    this.idempotent = idempotent;
  }
  *pay(requestId: string) {
    if (!this.idempotent || !this.committed.includes(requestId)) this.committed.push(requestId);
    yield* sleep(1); // the reply travels back
    return "ok";
  }
}

function makeProgram(idempotent: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const server = new Server(idempotent);
    for (let attempt = 1; ; attempt++) {
      const call = loop.createTask(server.pay("payment-42"), { name: `call-${attempt}` });
      yield; // the request leaves before the client arms its timeout
      try {
        yield* waitFor(call, 1);
        break;
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        if (attempt >= 3) break; // give up: the caller sees an error, which is fine
      }
    }
    if (server.committed.length !== 1) throw new Error(`payment committed ${server.committed.length} times`);
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The timeout-versus-reply race and its idempotent twin. */
export const timeoutReplyInFlightBug: BugCase = {
  id: "timeout-reply-in-flight",
  summary: "waitFor's timeout is handled before a reply due at the same instant",
  buggy: makeProgram(false, "timeoutReplyInFlight"),
  fixed: makeProgram(true, "timeoutReplyInFlightFixed"),
  kind: "error",
  depth: 1,
  budgets: { random: 50, pct: 50, exhaustive: 10, "fast-check": 100 },
};
