/**
 * A proactive token refresh and a 401 interceptor both refresh with the same rotating refresh token
 * (modelled on axios/axios#10701). A timer refreshes the tokens 5 s before they expire; the user clicks
 * at some moment between 54 s and 56 s, sending an API call with the access token the client holds.
 * Each network leg takes 10–300 ms. The server rotates both tokens on a refresh, so a call carrying the
 * old access token gets a 401, and its interceptor refreshes with the refresh token the client holds.
 * When that 401 comes back before the proactive refresh's reply, the interceptor sends the refresh token
 * the server just rotated away: the server rejects it and the user is logged out. The fix: the timer and
 * the interceptor share one in-flight refresh, and the interceptor waits for it.
 *
 * @module
 */
import type { EventLoop, Task } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";
import { io } from "./io.ts";

interface Tokens {
  readonly access: string;
  readonly refresh: string;
}

class AuthServer {
  private generation = 0;
  current: Tokens = { access: "a0", refresh: "r0" };
  refresh(token: string): Tokens | null {
    if (token !== this.current.refresh) return null; // a rotated refresh token: invalid_grant
    this.generation++;
    this.current = { access: `a${this.generation}`, refresh: `r${this.generation}` };
    return this.current;
  }
  api(access: string): 200 | 401 {
    return access === this.current.access ? 200 : 401;
  }
}

class Client {
  tokens: Tokens = { access: "a0", refresh: "r0" };
  loggedOut = false;
  private inFlight: Task<void> | null = null;
  private readonly loop: EventLoop;
  private readonly server: AuthServer;
  private readonly shared: boolean;
  constructor(loop: EventLoop, server: AuthServer, shared: boolean) {
    this.loop = loop;
    this.server = server;
    this.shared = shared;
  }

  private *doRefresh() {
    yield* io(this.loop, 10, 300); // to the server
    const tokens = this.server.refresh(this.tokens.refresh);
    yield* io(this.loop, 10, 300); // back
    if (tokens === null) this.loggedOut = true;
    else this.tokens = tokens;
  }

  *refresh() {
    if (!this.shared) return yield* this.doRefresh();
    this.inFlight ??= this.loop.createTask(this.doRefresh(), { name: "refresh" });
    const flight = this.inFlight;
    try {
      yield* flight;
    } finally {
      if (this.inFlight === flight) this.inFlight = null;
    }
  }

  *call() {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const access = this.tokens.access;
      yield* io(this.loop, 10, 300);
      const status = this.server.api(access);
      yield* io(this.loop, 10, 300);
      if (status === 200 || this.loggedOut) return status;
      yield* this.refresh(); // the 401 interceptor
    }
    return 401;
  }
}

function makeProgram(shared: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const server = new AuthServer();
    const client = new Client(loop, server, shared);
    const proactive = loop.createTask(
      (function* () {
        yield* sleep(55_000); // 5 s before the tokens expire
        yield* client.refresh();
      })(),
      { name: "proactive-refresh" },
    );
    yield* io(loop, 54_000, 56_000); // the user clicks
    yield* gather(proactive, client.call());
    if (client.loggedOut) throw new Error("logged out: a refresh was sent with a refresh token the server had rotated");
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The two uncoordinated refreshes, and the shared in-flight refresh. */
export const refreshTokenReuseBug: BugCase = {
  id: "refresh-token-reuse",
  summary: "a 401 interceptor refreshes with the refresh token a proactive refresh just rotated away",
  buggy: makeProgram(false, "refreshTokenReuse"),
  fixed: makeProgram(true, "refreshTokenReuseFixed"),
  kind: "error",
  depth: 2,
  levels: { jitter: true },
  source: "axios/axios#10701",
  budgets: { random: 400, pct: 400 },
};
