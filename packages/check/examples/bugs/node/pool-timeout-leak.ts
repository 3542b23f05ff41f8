/**
 * A pool leaks a connection whose checkout timed out (modelled on brianc/node-postgres#3543, fixed by
 * brianc/node-postgres#3711). The pool (max 1 client) opens a connection for a checkout with a 2 s
 * `connectionTimeoutMillis`; opening takes 50–3000 ms. When the timeout fires first, the caller gets
 * "timeout exceeded", but the connection that completes afterwards stays counted by the pool, neither
 * idle nor checked out: every later checkout of a full pool waits for a release that never comes. The
 * fix: a connection that completes after its checkout timed out is closed and dropped.
 *
 * @module
 */
import type { EventLoop, Future } from "@simloop/core";
import { sleep, uncertain } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";

interface Client {
  readonly id: number;
  connected: boolean;
  closed: boolean;
}

class Pool {
  readonly clients: Client[] = [];
  readonly idle: Client[] = [];
  readonly checkedOut = new Set<Client>();
  private opened = 0;
  private readonly loop: EventLoop;
  private readonly dropLate: boolean;
  constructor(loop: EventLoop, dropLate: boolean) {
    this.loop = loop;
    this.dropLate = dropLate;
  }

  *connect() {
    const idle = this.idle.shift();
    if (idle !== undefined) {
      this.checkedOut.add(idle);
      return idle;
    }
    if (this.clients.length >= 1) throw new Error("pool exhausted");
    const client: Client = { id: ++this.opened, connected: false, closed: false };
    this.clients.push(client);
    const ready: Future<Client> = this.loop.createFuture();
    let timedOut = false;
    const timer = this.loop.callLater(2000, () => {
      timedOut = true;
      ready.setException(new Error("timeout exceeded when trying to connect"));
    });
    this.loop.callLater(uncertain(50, 3000), () => {
      client.connected = true;
      if (!timedOut) {
        timer.cancel();
        ready.setResult(client);
      } else if (this.dropLate) {
        client.closed = true; // client.end()
        this.clients.splice(this.clients.indexOf(client), 1);
      }
    });
    const connected = yield* ready;
    this.checkedOut.add(connected);
    return connected;
  }

  release(client: Client): void {
    this.checkedOut.delete(client);
    this.idle.push(client);
  }

  leaked(): Client[] {
    return this.clients.filter((c) => !this.idle.includes(c) && !this.checkedOut.has(c));
  }
}

function makeProgram(dropLate: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const pool = new Pool(loop, dropLate);
    try {
      const client = yield* pool.connect();
      yield* sleep(5); // SELECT 1
      pool.release(client);
    } catch {
      // the request answers 503; the next one may succeed
    }
    yield* sleep(5000);
    const leaked = pool.leaked();
    if (leaked.length > 0) {
      throw new Error(
        `the pool leaked client ${leaked.map((c) => c.id).join(", ")}: counted, neither idle nor checked out`,
      );
    }
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The connection leaked by a timed-out checkout, and the pool that closes late connections. */
export const poolTimeoutLeakBug: BugCase = {
  id: "pool-timeout-leak",
  summary: "a connection that completes after its checkout timed out stays in the pool, unusable",
  buggy: makeProgram(false, "poolTimeoutLeak"),
  fixed: makeProgram(true, "poolTimeoutLeakFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "brianc/node-postgres#3543, fixed by brianc/node-postgres#3711",
  budgets: { random: 50, pct: 50 },
};
