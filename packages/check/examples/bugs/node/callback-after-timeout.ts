/**
 * A callback called twice around a socket timeout (modelled on containership/legiond#32). A request
 * over a socket with a 1 s timeout: the reply takes 5–1500 ms. When the timeout fires first, the
 * handler calls back with ETIMEDOUT and destroys the socket, whose `close` event (1–10 ms later) calls
 * back again with "socket closed". The fix: the callback is guarded by a `returned` flag.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { sleep, uncertain } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";

type Callback = (error: Error | null, reply?: string) => void;

function send(loop: EventLoop, message: string, callback: Callback, guarded: boolean): void {
  let returned = false;
  const done: Callback = (error, reply) => {
    if (guarded) {
      if (returned) return;
      returned = true;
    }
    callback(error, reply);
  };
  let open = true;
  let replied = false;
  const timeout = loop.callLater(1000, () => {
    done(new Error("ETIMEDOUT"));
    open = false; // socket.destroy(): 'close' follows
    loop.callLater(uncertain(1, 10), () => {
      if (!replied) done(new Error("socket closed before the reply"));
    });
  });
  loop.callLater(uncertain(5, 1500), () => {
    if (!open) return; // a destroyed socket delivers nothing
    replied = true;
    timeout.cancel();
    done(null, `ack ${message}`);
  });
}

function makeProgram(guarded: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const calls: string[] = [];
    send(loop, "join", (error, reply) => calls.push(error === null ? String(reply) : error.message), guarded);
    yield* sleep(2000);
    if (calls.length !== 1) throw new Error(`the callback was called ${calls.length} times: ${calls.join(", ")}`);
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The double callback on a socket timeout, and the `returned` guard. */
export const callbackAfterTimeoutBug: BugCase = {
  id: "callback-after-timeout",
  summary: "a timed-out request's callback is called again by the socket's close event",
  buggy: makeProgram(false, "callbackAfterTimeout"),
  fixed: makeProgram(true, "callbackAfterTimeoutFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "containership/legiond#32",
  budgets: { random: 50, pct: 50 },
};
