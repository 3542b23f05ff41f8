/**
 * The determinism self-check: a run must be a pure function of (program, seed, schedule). Run the same
 * schedule twice, compare the traces, and when they differ, name what the program touched outside the
 * loop (the globals are wrapped, counted and restored around the two runs).
 *
 * @module
 */
import { describeValue, type TraceEvent } from "@simloop/core";

/** Why two traces differ: the first differing event, both sides. */
export interface TraceDifference {
  readonly index: number;
  readonly first: string;
  readonly second: string;
}

function detailText(detail: unknown): string {
  if (detail === undefined) return "";
  try {
    return ` ${JSON.stringify(detail)}`;
  } catch {
    return ` ${describeValue(detail)}`;
  }
}

/**
 * One line per trace event, for comparison and for golden files.
 *
 * @example
 * ```ts
 * traceLines(replay(program, "t2=1").trace); // ["t=0 #1 step main Task-1", …]
 * ```
 */
export function traceLines(events: readonly TraceEvent[]): string[] {
  return events.map((e) => `t=${e.time} #${e.iteration} ${e.kind} ${e.source} ${e.label}${detailText(e.detail)}`);
}

/**
 * The first difference between two traces, or `null` when they are identical.
 *
 * @example
 * ```ts
 * compareTraces(replay(p, s).trace, replay(p, s).trace); // null for a deterministic program
 * ```
 */
export function compareTraces(a: readonly TraceEvent[], b: readonly TraceEvent[]): TraceDifference | null {
  const la = traceLines(a);
  const lb = traceLines(b);
  const n = Math.max(la.length, lb.length);
  for (let i = 0; i < n; i++) {
    if (la[i] !== lb[i]) return { index: i, first: la[i] ?? "<end of trace>", second: lb[i] ?? "<end of trace>" };
  }
  return null;
}

type Patchable = Record<string, unknown>;

const WATCHED: readonly (readonly [string, () => Patchable | undefined, string])[] = [
  ["Math.random", () => Math as unknown as Patchable, "random"],
  ["Date.now", () => Date as unknown as Patchable, "now"],
  ["performance.now", () => globalThis.performance as unknown as Patchable | undefined, "now"],
  ["setTimeout", () => globalThis as unknown as Patchable, "setTimeout"],
  ["setInterval", () => globalThis as unknown as Patchable, "setInterval"],
  ["setImmediate", () => globalThis as unknown as Patchable, "setImmediate"],
  ["queueMicrotask", () => globalThis as unknown as Patchable, "queueMicrotask"],
  ["Promise.prototype.then (native Promises)", () => Promise.prototype as unknown as Patchable, "then"],
  ["crypto.getRandomValues", () => globalThis.crypto as unknown as Patchable | undefined, "getRandomValues"],
  ["crypto.randomUUID", () => globalThis.crypto as unknown as Patchable | undefined, "randomUUID"],
];

/** Replaces the global `Date` by a twin that counts `new Date()` and `Date()` (the current time). */
function watchDateConstructor(counts: Map<string, number>): () => void {
  const original = globalThis.Date;
  const count = (name: string): void => {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  globalThis.Date = new Proxy(original, {
    construct(target, args, newTarget) {
      if (args.length === 0) count("new Date()");
      return Reflect.construct(target, args, newTarget === globalThis.Date ? target : newTarget) as object;
    },
    apply(target, self, args) {
      count("Date()");
      return Reflect.apply(target, self, args) as unknown;
    },
  });
  return () => {
    globalThis.Date = original;
  };
}

/**
 * Runs `body` with the usual sources of nondeterminism wrapped (Math.random, Date.now, `new Date()`,
 * performance.now, real timers, queueMicrotask, native Promise `then`, crypto's random values) and returns what it returned
 * with the names of those it called. The globals are restored before returning.
 *
 * @example
 * ```ts
 * const { culprits } = watchGlobals(() => runProgram(program)); // ["Math.random"]
 * ```
 */
export function watchGlobals<T>(body: () => T): { value: T; culprits: string[] } {
  const watch = startWatching();
  let culprits: string[] = [];
  try {
    const value = body();
    culprits = watch.stop();
    return { value, culprits };
  } finally {
    watch.stop();
  }
}

/** @internal A watch of the globals begun by {@link startWatching}: `stop()` restores them and names those called. */
export interface GlobalsWatch {
  stop(): string[];
}

/**
 * @internal Wraps the globals {@link watchGlobals} watches (those `only` names, when given: names as
 * `"Math.random"`, `"new Date()"`) until `stop()`, which restores them (a second call does nothing)
 * and returns the names of those called.
 */
export function startWatching(only?: ReadonlySet<string>): GlobalsWatch {
  const counts = new Map<string, number>();
  const restore: (() => void)[] = [];
  for (const [name, target, key] of WATCHED) {
    if (only !== undefined && !only.has(name)) continue;
    const holder = target();
    const original = holder?.[key];
    if (holder === undefined || typeof original !== "function") continue;
    const fn = original as (...args: unknown[]) => unknown;
    holder[key] = function (this: unknown, ...args: unknown[]) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return fn.apply(this, args);
    };
    restore.push(() => {
      holder[key] = original;
    });
  }
  if (only === undefined || only.has("new Date()")) restore.push(watchDateConstructor(counts));
  let stopped = false;
  return {
    stop: () => {
      if (!stopped) {
        stopped = true;
        for (const undo of restore.reverse()) undo();
      }
      return [...counts.keys()];
    },
  };
}
