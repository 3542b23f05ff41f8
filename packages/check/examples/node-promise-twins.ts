/**
 * Promise versions of the corpus modelled on Node.js issues (`./bugs/node/`), for fast-check's
 * `fc.scheduler()`: each uncertain I/O wait of the simloop program, and each timer, becomes one
 * `s.schedule(…)` point, so the scheduler decides which pending one resolves next. Each program keeps
 * the bug logic and the failure message of its simloop version; each `fixed` program applies the same fix.
 *
 * fc.scheduler has no clock: a 4 s timer may resolve before a 20 ms reply. Here that only adds orders
 * in which the buggy program fails (and none in which a fixed one does); the bug depends on the order of
 * two events, which a uniform pick gets right far more often than a uniform duration lands in a narrow
 * window.
 *
 * @module
 */
import { settle, type PromiseProgram, type PromiseTwin, type Sched } from "./promise-twins.ts";

function delay(s: Sched, label: string): Promise<void> {
  return s.schedule(Promise.resolve(), label);
}

/** A `setTimeout` whose firing the scheduler orders; `cancel` keeps the callback from running. */
function timer(s: Sched, label: string, callback: () => void): { cancel(): void } {
  let cancelled = false;
  void delay(s, label).then(() => {
    if (!cancelled) callback();
  });
  return {
    cancel: () => {
      cancelled = true;
    },
  };
}

/**
 * {@link settle}, with the program's rejection held until the scheduler is idle: a rejection that
 * waits a macrotask for its handler would be reported by Node as unhandled.
 */
async function settled(s: Sched, program: Promise<unknown>, waiting: () => string): Promise<void> {
  const outcome = await settle(
    s,
    program.then(
      () => null,
      (error: unknown) => ({ error }),
    ),
    waiting,
  );
  if (outcome !== null) throw outcome.error;
}

// ---------------------------------------------------------------- keepalive-socket-reuse

function keepaliveSocketReuse(removeOnTimeout: boolean): PromiseProgram {
  return async (s) => {
    interface Socket {
      id: number;
      destroyed: boolean;
      idle: { cancel(): void } | null;
    }
    const free: Socket[] = [];
    let opened = 0;
    const remove = (socket: Socket): void => {
      const at = free.indexOf(socket);
      if (at >= 0) free.splice(at, 1);
    };
    const acquire = (): Socket => {
      const socket = free.shift();
      if (socket === undefined) return { id: ++opened, destroyed: false, idle: null };
      socket.idle?.cancel();
      socket.idle = null;
      return socket;
    };
    const release = (socket: Socket): void => {
      free.push(socket);
      socket.idle = timer(s, `free socket ${socket.id} times out (4 s)`, () => {
        socket.idle = null;
        if (removeOnTimeout) remove(socket);
        socket.destroyed = true;
        timer(s, `socket ${socket.id} 'close' (1-30 ms)`, () => remove(socket));
      });
    };
    const request = async (): Promise<void> => {
      const socket = acquire();
      await delay(s, "request and response (20-80 ms)");
      if (socket.destroyed) {
        throw new Error(`socket hang up (ECONNRESET): the agent handed out socket ${socket.id} while destroying it`);
      }
      release(socket);
    };
    await settled(
      s,
      (async () => {
        await request();
        await delay(s, "think time (3.9-4.1 s)");
        await request();
      })(),
      () => "the client never ends",
    );
  };
}

// ---------------------------------------------------------------- job-processed-twice

function jobProcessedTwice(ensureActive: boolean): PromiseProgram {
  return async (s) => {
    const redis = {
      state: "wait" as "wait" | "active" | "completed",
      lock: null as string | null,
      processed: [] as string[],
    };
    const processJob = async (worker: string): Promise<void> => {
      await delay(s, `${worker}: takeLock (1-5 ms)`);
      if (redis.lock !== null || (ensureActive && redis.state !== "active")) return;
      redis.lock = worker;
      redis.processed.push(worker);
      await delay(s, `${worker}: the job's work (50-200 ms)`);
      await delay(s, `${worker}: moveToCompleted (1-5 ms)`);
      redis.state = "completed";
      redis.lock = null;
    };
    const workerA = async (): Promise<void> => {
      await delay(s, "A: getNextJob (1-5 ms)");
      redis.state = "active";
      await processJob("A");
    };
    const workerB = async (): Promise<void> => {
      await delay(s, "B: the 'added' notification (2-400 ms)");
      await processJob("B");
    };
    await settled(s, Promise.all([workerA(), workerB()]), () => "a worker never ends");
    if (redis.processed.length !== 1) {
      throw new Error(`job processed ${redis.processed.length} times (by ${redis.processed.join(" and ")})`);
    }
  };
}

// ---------------------------------------------------------------- lock-renewal-after-finish

function lockRenewalAfterFinish(guarded: boolean): PromiseProgram {
  return async (s) => {
    const lock = { held: false, stopped: false, renewals: 0 };
    const renewal: { pending: { cancel(): void } | null } = { pending: null };
    let rounds = 0;
    const arm = (): void => {
      // Bounded, so that a renewal loop that never stops still lets the run end.
      if (++rounds > 5) return;
      renewal.pending = timer(s, "renew timer (1 s)", () => {
        renewal.pending = null;
        void (async () => {
          await delay(s, "SET lock PX (1-50 ms)");
          if (guarded && !lock.held) return;
          lock.held = true;
          lock.renewals++;
          if (!guarded || !lock.stopped) arm();
        })();
      });
    };
    lock.held = true;
    arm();
    await settled(
      s,
      (async () => {
        try {
          await delay(s, "the job's work (0.6-1.4 s)");
        } finally {
          lock.stopped = true;
          renewal.pending?.cancel();
          renewal.pending = null;
          lock.held = false;
        }
      })(),
      () => "the job never ends",
    );
    if (lock.held) {
      throw new Error(
        `the finished job is still locked (${lock.renewals} renewal(s)): a renewal re-armed after cleanup`,
      );
    }
  };
}

// ---------------------------------------------------------------- mkdir-check-then-create

function mkdirCheckThenCreate(tolerant: boolean): PromiseProgram {
  return async (s) => {
    const dirs = new Set(["/var", "/var/cache"]);
    class ExistsError extends Error {
      readonly code = "EEXIST";
    }
    const isDirectory = async (path: string): Promise<boolean> => {
      await delay(s, `stat ${path} (0.2-4 ms)`);
      return dirs.has(path);
    };
    const mkdir = async (path: string): Promise<void> => {
      await delay(s, `mkdir ${path} (0.2-4 ms)`);
      if (dirs.has(path)) throw new ExistsError(`EEXIST: file already exists, mkdir '${path}'`);
      dirs.add(path);
    };
    const mkpath = async (path: string): Promise<void> => {
      if (await isDirectory(path)) return;
      try {
        await mkdir(path);
      } catch (error) {
        if (tolerant && error instanceof ExistsError && (await isDirectory(path))) return;
        throw error;
      }
    };
    const first = mkpath("/var/cache/app");
    const second = delay(s, "the second request arrives (2 ms)").then(() => mkpath("/var/cache/app"));
    await settled(s, Promise.all([first, second]), () => "an mkpath never ends");
  };
}

// ---------------------------------------------------------------- callback-after-timeout

function callbackAfterTimeout(guarded: boolean): PromiseProgram {
  return async (s) => {
    const calls: string[] = [];
    let returned = false;
    const done = (error: Error | null, reply?: string): void => {
      if (guarded) {
        if (returned) return;
        returned = true;
      }
      calls.push(error === null ? String(reply) : error.message);
    };
    let open = true;
    let replied = false;
    const timeout = timer(s, "socket timeout (1 s)", () => {
      done(new Error("ETIMEDOUT"));
      open = false;
      timer(s, "'close' after destroy (1-10 ms)", () => {
        if (!replied) done(new Error("socket closed before the reply"));
      });
    });
    timer(s, "the reply (5-1500 ms)", () => {
      if (!open) return;
      replied = true;
      timeout.cancel();
      done(null, "ack join");
    });
    await settled(s, delay(s, "the test waits (2 s)"), () => "the test never ends");
    if (calls.length !== 1) throw new Error(`the callback was called ${calls.length} times: ${calls.join(", ")}`);
  };
}

// ---------------------------------------------------------------- lazy-init-twice

function lazyInitTwice(shared: boolean): PromiseProgram {
  return async (s) => {
    let instances = 0;
    let web3: { provider: string } | null = null;
    let pending: Promise<{ provider: string }> | null = null;
    const init = async (): Promise<{ provider: string }> => {
      await delay(s, "detect the provider (10-400 ms)");
      instances++;
      web3 = { provider: "injected" };
      return web3;
    };
    const getWeb3 = async (): Promise<{ provider: string }> => {
      if (shared) return (pending ??= init());
      if (web3 !== null) return web3;
      return init();
    };
    const header = getWeb3();
    const page = delay(s, "the account page mounts (50 ms)").then(getWeb3);
    await settled(s, Promise.all([header, page]), () => "a component never gets web3");
    if (instances !== 1) throw new Error(`web3 initialised ${instances} times`);
  };
}

// ---------------------------------------------------------------- stale-response-overwrites

function staleResponseOverwrites(guarded: boolean): PromiseProgram {
  return async (s) => {
    let data: string | null = null;
    let counter = 0;
    const execute = async (url: string): Promise<void> => {
      const id = ++counter;
      await delay(s, `fetch ${url} (30-400 ms)`);
      if (guarded && id !== counter) return;
      data = `body of ${url}`;
    };
    const first = execute("/slow");
    const second = delay(s, "the URL changes (100 ms)").then(() => execute("/fast"));
    await settled(s, Promise.all([first, second]), () => "a fetch never ends");
    if (data !== "body of /fast") throw new Error(`stale data shown: ${String(data)} instead of body of /fast`);
  };
}

// ---------------------------------------------------------------- cache-entry-lost

function cacheEntryLost(perUrl: boolean): PromiseProgram {
  return async (s) => {
    const items = new Map<string, Record<string, string>>();
    const get = async (key: string): Promise<Record<string, string>> => {
      await delay(s, `storage.get ${key} (1-10 ms)`);
      return { ...items.get(key) };
    };
    const set = async (key: string, value: Record<string, string>): Promise<void> => {
      await delay(s, `storage.set ${key} (1-10 ms)`);
      items.set(key, { ...value });
    };
    const fetchWithCache = async (url: string): Promise<string> => {
      const key = perUrl ? `cachedFetch:${url}` : "cachedFetch";
      const cache = await get(key);
      const hit = cache[url];
      if (hit !== undefined) return hit;
      await delay(s, `fetch ${url} (50-500 ms)`);
      cache[url] = `response of ${url}`;
      await set(key, cache);
      return cache[url];
    };
    const gas = fetchWithCache("/gas-prices");
    const tokens = delay(s, "the user opens the token list (300 ms)").then(() => fetchWithCache("/token-list"));
    await settled(s, Promise.all([gas, tokens]), () => "a fetch never ends");
    const cached = [...items.values()].flatMap((cache) => Object.keys(cache)).sort();
    if (cached.length !== 2) throw new Error(`a cache entry was lost: cached ${cached.join(", ")} only`);
  };
}

// ---------------------------------------------------------------- refresh-token-reuse

function refreshTokenReuse(shared: boolean): PromiseProgram {
  return async (s) => {
    let generation = 0;
    let server = { access: "a0", refresh: "r0" };
    let tokens = { access: "a0", refresh: "r0" };
    let loggedOut = false;
    let inFlight: Promise<void> | null = null;
    const doRefresh = async (): Promise<void> => {
      await delay(s, "refresh request (10-300 ms)");
      let answer: typeof tokens | null = null;
      if (tokens.refresh === server.refresh) {
        generation++;
        server = { access: `a${generation}`, refresh: `r${generation}` };
        answer = server;
      }
      await delay(s, "refresh reply (10-300 ms)");
      if (answer === null) loggedOut = true;
      else tokens = answer;
    };
    const refresh = async (): Promise<void> => {
      if (!shared) return doRefresh();
      const flight = (inFlight ??= doRefresh());
      try {
        await flight;
      } finally {
        if (inFlight === flight) inFlight = null;
      }
    };
    const call = async (): Promise<number> => {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const access = tokens.access;
        await delay(s, "API request (10-300 ms)");
        const status = access === server.access ? 200 : 401;
        await delay(s, "API reply (10-300 ms)");
        if (status === 200 || loggedOut) return status;
        await refresh();
      }
      return 401;
    };
    const proactive = delay(s, "proactive refresh timer (55 s)").then(refresh);
    const click = delay(s, "the user clicks (54-56 s)").then(call);
    await settled(s, Promise.all([proactive, click]), () => "a refresh or a call never ends");
    if (loggedOut) throw new Error("logged out: a refresh was sent with a refresh token the server had rotated");
  };
}

// ---------------------------------------------------------------- pool-timeout-leak

function poolTimeoutLeak(dropLate: boolean): PromiseProgram {
  return async (s) => {
    interface Client {
      id: number;
      connected: boolean;
    }
    const clients: Client[] = [];
    const idle: Client[] = [];
    const checkedOut = new Set<Client>();
    const connect = (): Promise<Client> => {
      const client: Client = { id: clients.length + 1, connected: false };
      clients.push(client);
      return new Promise<Client>((resolve, reject) => {
        let timedOut = false;
        const timeout = timer(s, "connectionTimeoutMillis (2 s)", () => {
          timedOut = true;
          reject(new Error("timeout exceeded when trying to connect"));
        });
        timer(s, "the connection opens (50-3000 ms)", () => {
          client.connected = true;
          if (!timedOut) {
            timeout.cancel();
            checkedOut.add(client);
            resolve(client);
          } else if (dropLate) {
            clients.splice(clients.indexOf(client), 1);
          }
        });
      });
    };
    const handler = async (): Promise<void> => {
      try {
        const client = await connect();
        await delay(s, "SELECT 1 (5 ms)");
        checkedOut.delete(client);
        idle.push(client);
      } catch {
        // 503; the next request may succeed
      }
    };
    await settled(s, handler(), () => "the request never ends");
    const leaked = clients.filter((c) => !idle.includes(c) && !checkedOut.has(c));
    if (leaked.length > 0) {
      throw new Error(
        `the pool leaked client ${leaked.map((c) => c.id).join(", ")}: counted, neither idle nor checked out`,
      );
    }
  };
}

// ---------------------------------------------------------------- the twins

/** The Promise version of every bug of `./bugs/node/`, in its order. */
export const nodePromiseTwins: readonly PromiseTwin[] = [
  {
    id: "keepalive-socket-reuse",
    buggy: keepaliveSocketReuse(false),
    fixed: keepaliveSocketReuse(true),
    kind: "error",
    budget: 50,
  },
  {
    id: "job-processed-twice",
    buggy: jobProcessedTwice(false),
    fixed: jobProcessedTwice(true),
    kind: "error",
    budget: 50,
  },
  {
    id: "lock-renewal-after-finish",
    buggy: lockRenewalAfterFinish(false),
    fixed: lockRenewalAfterFinish(true),
    kind: "error",
    budget: 50,
    note: "The re-arming renewal is bounded to 5 rounds so that a run of the buggy program ends.",
  },
  {
    id: "mkdir-check-then-create",
    buggy: mkdirCheckThenCreate(false),
    fixed: mkdirCheckThenCreate(true),
    kind: "error",
    budget: 50,
  },
  {
    id: "callback-after-timeout",
    buggy: callbackAfterTimeout(false),
    fixed: callbackAfterTimeout(true),
    kind: "error",
    budget: 50,
  },
  { id: "lazy-init-twice", buggy: lazyInitTwice(false), fixed: lazyInitTwice(true), kind: "error", budget: 50 },
  {
    id: "stale-response-overwrites",
    buggy: staleResponseOverwrites(false),
    fixed: staleResponseOverwrites(true),
    kind: "error",
    budget: 50,
  },
  { id: "cache-entry-lost", buggy: cacheEntryLost(false), fixed: cacheEntryLost(true), kind: "error", budget: 50 },
  {
    id: "refresh-token-reuse",
    buggy: refreshTokenReuse(false),
    fixed: refreshTokenReuse(true),
    kind: "error",
    budget: 50,
  },
  { id: "pool-timeout-leak", buggy: poolTimeoutLeak(false), fixed: poolTimeoutLeak(true), kind: "error", budget: 50 },
];
