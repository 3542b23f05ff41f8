/**
 * Installing the virtual globals: `setTimeout`, `clearTimeout`, `setInterval`, `clearInterval`,
 * `setImmediate`, `clearImmediate`, `Date`, `performance.now`, `process.hrtime` (and `.bigint`),
 * `AbortSignal.timeout`, the `node:timers` and `node:timers/promises` exports (ES module bindings
 * included, through `module.syncBuiltinESMExports()`), and under `random: true` `Math.random`,
 * `crypto.randomUUID`, `crypto.getRandomValues` and `node:crypto`'s `randomBytes`/`randomUUID` (its `getRandomValues` calls the web crypto one).
 *
 * They are replaced in the main realm (decision 0012), installed once per campaign: each run binds them
 * to its fresh loop ({@link VirtualGlobals.bind}); with no run bound they behave as the real ones, which
 * is also what keeps the test runner working (vitest keeps its own copies of the timers and clocks).
 * Microtasks stay native: `queueMicrotask` and `process.nextTick` are JavaScript semantics, not time.
 *
 * The clocks do not start at 0, which libraries read as "unset": `Date.now()` starts at a fixed,
 * documented epoch ({@link DEFAULT_EPOCH}, not the real clock) and `performance.now()` at a fixed
 * non-zero origin ({@link DEFAULT_PERFORMANCE_ORIGIN}); `loop.time()` counts milliseconds from the run's start.
 *
 * @module
 */
import { uncertain, type EventLoop, type Random, type Uncertain } from "@simloop/core";
import cryptoModule from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import timersModule from "node:timers";
import timersPromisesModule from "node:timers/promises";
import { VirtualGlobalsError } from "./errors.ts";
import type { UnrefTimers } from "./driver.ts";
import { currentBinding, setBinding, type Binding } from "./internal/binding.ts";
import { promiseTimers } from "./timers-promises.ts";
import { virtualDate } from "./virtual-date.ts";
import { virtualTimerFunctions, type RealTimers } from "./virtual-timers.ts";

/** A global {@link install} can replace (the `toFake` option selects some). */
export type VirtualGlobalName =
  | "setTimeout"
  | "clearTimeout"
  | "setInterval"
  | "clearInterval"
  | "setImmediate"
  | "clearImmediate"
  | "Date"
  | "performance"
  | "hrtime"
  | "AbortSignal.timeout";

/** Every global {@link install} replaces by default. */
export const ALL_VIRTUAL_GLOBALS: readonly VirtualGlobalName[] = Object.freeze([
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "setImmediate",
  "clearImmediate",
  "Date",
  "performance",
  "hrtime",
  "AbortSignal.timeout",
]);

/** `Date.now()` at the start of a run by default: 2025-01-01T00:00:00.000Z (fixed, never the real clock). */
export const DEFAULT_EPOCH = 1_735_689_600_000;

/** `performance.now()` at the start of a run by default: 1000 ms (not 0, which libraries read as unset). */
export const DEFAULT_PERFORMANCE_ORIGIN = 1_000;

/** Options of {@link install}. */
export interface InstallOptions {
  /** Which globals to replace (as fake-timers' `toFake`). Default: {@link ALL_VIRTUAL_GLOBALS}. */
  readonly toFake?: readonly VirtualGlobalName[];
  /** `Date.now()` at virtual time 0, as milliseconds or a `Date`. Default {@link DEFAULT_EPOCH}. */
  readonly now?: number | Date;
  /** `performance.now()` (and `process.hrtime`) at virtual time 0, in ms. Default {@link DEFAULT_PERFORMANCE_ORIGIN}. */
  readonly performanceOrigin?: number;
  /** The time zone `Date` formats in while installed (sets `process.env.TZ`), such as `"UTC"`. Default: unchanged. */
  readonly timeZone?: string;
  /**
   * Make `Math.random`, `crypto.randomUUID`, `crypto.getRandomValues` and `node:crypto`'s `randomBytes`,
   * `randomUUID` and `getRandomValues` draw from a stream forked from the run loop's seeded PRNG. Default false.
   */
  readonly random?: boolean;
  /**
   * Timer delays the scheduling policy may lengthen, without touching the code under test: each
   * `setTimeout`/`setInterval` arming of `d` ms is armed with the delay `uncertain(d, d + extra)`, where
   * `extra` is the larger of `absolute` ms and `relative × d`; the loop follows it to the timer, so
   * `exhaustive` orders it among the other deadlines. Without a policy at the `jitter` level the delay
   * stays `d`. Default: none.
   */
  readonly jitter?: TimerJitter;
}

/** The bounds of the install's `jitter` option. */
export interface TimerJitter {
  /** At most this many milliseconds added to every delay. Default 0. */
  readonly absolute?: number;
  /** At most this fraction of each delay added to it (0.1: up to 10% longer). Default 0. */
  readonly relative?: number;
}

interface Saved {
  readonly target: object;
  readonly key: PropertyKey;
  readonly descriptor: PropertyDescriptor | undefined;
}

let installed: VirtualGlobals | null = null;

/**
 * The installed virtual globals: bind them to a run's loop, unbind, uninstall.
 *
 * Invariants: at most one installation at a time; bound to at most one loop at a time; after
 * `uninstall()` every replaced global is the original again, whatever happened in between.
 *
 * @example
 * ```ts
 * const globals = install({ random: true });
 * try {
 *   for (const seed of [1, 2, 3]) await runAsync(main, { seed, globals });
 * } finally {
 *   globals.uninstall();
 * }
 * ```
 */
export class VirtualGlobals {
  /** The options it was installed with. */
  readonly options: InstallOptions;
  private readonly _saved: Saved[] = [];
  private readonly _epoch: number;
  private readonly _origin: number;
  private _installed = true;
  private _tz: { had: boolean; value: string | undefined } | null = null;

  /** @internal Installed with {@link install}. */
  constructor(options: InstallOptions) {
    this.options = options;
    const now = options.now ?? DEFAULT_EPOCH;
    this._epoch = typeof now === "number" ? now : now.getTime();
    this._origin = options.performanceOrigin ?? DEFAULT_PERFORMANCE_ORIGIN;
    if (options.jitter !== undefined) checkJitter(options.jitter);
    if (!Number.isFinite(this._epoch) || !Number.isFinite(this._origin)) {
      throw new VirtualGlobalsError(
        "INVALID_OPTION",
        `Expected \`now\` and \`performanceOrigin\` to be finite, got now=${String(options.now)}, performanceOrigin=${String(options.performanceOrigin)}.`,
      );
    }
  }

  /** The loop the globals are bound to, or `null` between runs. */
  get loop(): EventLoop | null {
    return currentBinding()?.loop ?? null;
  }

  /** True until {@link VirtualGlobals.uninstall}. */
  get installed(): boolean {
    return this._installed;
  }

  /**
   * Binds the globals to `loop` (a run's fresh loop): timers go on it, and the clocks read its time.
   * @throws {@link VirtualGlobalsError} when uninstalled, or bound to another loop (code `ALREADY_BOUND`).
   */
  bind(loop: EventLoop): void {
    if (!this._installed) {
      throw new VirtualGlobalsError("NOT_INSTALLED", "These virtual globals were uninstalled: install() them again.");
    }
    const bound = currentBinding();
    if (bound !== null && bound.loop !== loop) {
      throw new VirtualGlobalsError(
        "ALREADY_BOUND",
        "The virtual globals are bound to another run's loop: one run at a time. Wait for the other run to end.",
      );
    }
    if (bound !== null) return;
    const binding: Binding = {
      loop,
      epoch: this._epoch,
      origin: this._origin,
      random: this.options.random === true ? loop.random.fork() : null,
      pending: new Set(),
      byId: new Map(),
      nextId: 1,
      unrefArmed: 0,
      delayOf: delayJitter(this.options.jitter),
    };
    setBinding(binding);
  }

  /** Unbinds the globals from the run (they behave as the real ones again). Timers still pending stay on that loop. */
  unbind(): void {
    setBinding(null);
  }

  /**
   * The virtual timers of the bound run that would keep a process alive: ref'd timeouts and immediates
   * not yet fired or cleared (intervals and `unref()`'d timers are not counted), one line each.
   */
  leftoverTimers(): string[] {
    const binding = currentBinding();
    if (binding === null) return [];
    const lines: string[] = [];
    for (const timer of binding.pending) if (timer._countsAsLeftover()) lines.push(timer._describe());
    return lines;
  }

  /** @internal The unref'd virtual timers armed on the bound run's loop: their count, and one line each. */
  _unrefTimers(): UnrefTimers {
    return {
      count: () => currentBinding()?.unrefArmed ?? 0,
      describe: () => {
        const binding = currentBinding();
        const lines: string[] = [];
        if (binding !== null) {
          for (const timer of binding.pending) if (!timer._countsAsAlive()) lines.push(timer._describe());
        }
        return lines;
      },
    };
  }

  /** Restores every replaced global (and the time zone). A second call does nothing. */
  uninstall(): void {
    if (!this._installed) return;
    this._installed = false;
    setBinding(null);
    for (let i = this._saved.length - 1; i >= 0; i--) {
      const { target, key, descriptor } = this._saved[i] as Saved;
      if (descriptor === undefined) Reflect.deleteProperty(target, key);
      else Object.defineProperty(target, key, descriptor);
    }
    this._saved.length = 0;
    const tz = this._tz;
    if (tz !== null) {
      if (tz.had) process.env["TZ"] = tz.value;
      else delete process.env["TZ"];
    }
    syncBuiltinESMExports();
    if (installed === this) installed = null;
  }

  /** @internal Replaces `target[key]`, remembering the original. */
  _replace(target: object, key: PropertyKey, value: unknown): void {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    this._saved.push({ target, key, descriptor });
    Object.defineProperty(target, key, {
      value,
      writable: true,
      configurable: true,
      enumerable: descriptor?.enumerable ?? false,
    });
  }

  /** @internal */
  _setTimeZone(timeZone: string): void {
    this._tz = { had: "TZ" in process.env, value: process.env["TZ"] };
    process.env["TZ"] = timeZone;
  }

  /** @internal Virtual `Date.now()`. */
  _dateNow(): number {
    const binding = currentBinding();
    return binding === null ? realDateNow() : Math.floor(binding.epoch + binding.loop.time());
  }
}

function checkJitter(jitter: TimerJitter): void {
  const { absolute = 0, relative = 0 } = jitter;
  if (!(absolute >= 0 && relative >= 0 && Number.isFinite(absolute) && Number.isFinite(relative))) {
    throw new VirtualGlobalsError(
      "INVALID_OPTION",
      `Expected the jitter bounds to be finite numbers >= 0, got absolute=${String(jitter.absolute)}, relative=${String(jitter.relative)}.`,
    );
  }
}

/** The `jitter` option as each timer's uncertain delay (the loop follows it to the timer), or `null`. */
function delayJitter(jitter: TimerJitter | undefined): ((delay: number) => Uncertain) | null {
  if (jitter === undefined) return null;
  const { absolute = 0, relative = 0 } = jitter;
  return (delay) => uncertain(delay, delay + Math.max(absolute, relative * delay));
}

const RealDate = globalThis.Date;
const realDateNow = RealDate.now;
const realPerformanceNow = globalThis.performance.now.bind(globalThis.performance);
const realHrtime = process.hrtime;
const realHrtimeBigint = process.hrtime.bigint;
const realMathRandom = Math.random;

function virtualMs(): number | null {
  const binding = currentBinding();
  return binding === null ? null : binding.origin + binding.loop.time();
}

function hrtime(previous?: readonly [number, number]): [number, number] {
  const ms = virtualMs();
  if (ms === null) return realHrtime(previous as [number, number] | undefined);
  const total = Math.round(ms * 1e6);
  let seconds = Math.floor(total / 1e9);
  let nanos = total - seconds * 1e9;
  if (previous !== undefined) {
    seconds -= previous[0];
    nanos -= previous[1];
    if (nanos < 0) {
      seconds--;
      nanos += 1e9;
    }
  }
  return [seconds, nanos];
}
hrtime.bigint = (): bigint => {
  const ms = virtualMs();
  return ms === null ? realHrtimeBigint() : BigInt(Math.round(ms * 1e6));
};

function performanceNow(): number {
  return virtualMs() ?? realPerformanceNow();
}

function drawRandom(): Random | null {
  return currentBinding()?.random ?? null;
}

function fillRandom<T extends ArrayBufferView | null>(view: T, random: Random): T {
  if (view === null) return view;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.nextUint32() & 0xff;
  return view;
}

function uuidFrom(random: Random): string {
  const bytes = fillRandom(new Uint8Array(16), random);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Replaces the globals (see the module header) and returns the installation. Install once per campaign
 * and bind each run's loop (`runAsync` does it when given `globals`, or installs and uninstalls by
 * itself when not).
 * @throws {@link VirtualGlobalsError} (code `ALREADY_INSTALLED`) when globals are installed already;
 * (code `INVALID_OPTION`) for a non-finite `now` or `performanceOrigin`, negative or non-finite `jitter`
 * bounds, or an unknown `toFake` name.
 *
 * @example
 * ```ts
 * const globals = install({ now: new Date("2030-01-01T00:00:00Z"), timeZone: "UTC" });
 * globals.bind(loop);
 * // … setTimeout, Date.now(), performance.now() now run on loop's virtual time
 * globals.uninstall();
 * ```
 */
export function install(options: InstallOptions = {}): VirtualGlobals {
  if (installed !== null) {
    throw new VirtualGlobalsError(
      "ALREADY_INSTALLED",
      "The virtual globals are installed already: install once per campaign and bind each run's loop, or uninstall() first.",
    );
  }
  const selected = new Set<VirtualGlobalName>(options.toFake ?? ALL_VIRTUAL_GLOBALS);
  for (const name of selected) {
    if (!ALL_VIRTUAL_GLOBALS.includes(name)) {
      throw new VirtualGlobalsError(
        "INVALID_OPTION",
        `Unknown global in \`toFake\`: ${JSON.stringify(name)}. Expected some of ${ALL_VIRTUAL_GLOBALS.join(", ")}.`,
      );
    }
  }
  const globals = new VirtualGlobals(options);
  const g = globalThis as unknown as Record<string, unknown>;
  const real: RealTimers = {
    setTimeout: g["setTimeout"] as RealTimers["setTimeout"],
    clearTimeout: g["clearTimeout"] as RealTimers["clearTimeout"],
    setInterval: g["setInterval"] as RealTimers["setInterval"],
    clearInterval: g["clearInterval"] as RealTimers["clearInterval"],
    setImmediate: g["setImmediate"] as RealTimers["setImmediate"],
    clearImmediate: g["clearImmediate"] as RealTimers["clearImmediate"],
  };
  const virtual = virtualTimerFunctions(real);
  // Each timer function is virtual only if selected; the promise API uses the same selection.
  const chosen: RealTimers = {
    setTimeout: selected.has("setTimeout") ? virtual.setTimeout : real.setTimeout,
    clearTimeout: selected.has("clearTimeout") ? virtual.clearTimeout : real.clearTimeout,
    setInterval: selected.has("setInterval") ? virtual.setInterval : real.setInterval,
    clearInterval: selected.has("clearInterval") ? virtual.clearInterval : real.clearInterval,
    setImmediate: selected.has("setImmediate") ? virtual.setImmediate : real.setImmediate,
    clearImmediate: selected.has("clearImmediate") ? virtual.clearImmediate : real.clearImmediate,
  };
  const timers = timersModule as unknown as Record<string, unknown>;
  for (const key of Object.keys(chosen) as (keyof RealTimers)[]) {
    if (!selected.has(key)) continue;
    globals._replace(globalThis, key, chosen[key]);
    globals._replace(timers, key, chosen[key]);
  }
  if (selected.has("setTimeout") || selected.has("setImmediate") || selected.has("setInterval")) {
    const promises = promiseTimers(chosen);
    const target = timersPromisesModule as unknown as Record<string, unknown>;
    globals._replace(target, "setTimeout", promises.setTimeout);
    globals._replace(target, "setImmediate", promises.setImmediate);
    globals._replace(target, "setInterval", promises.setInterval);
    globals._replace(target, "scheduler", promises.scheduler);
  }
  if (selected.has("Date"))
    globals._replace(
      globalThis,
      "Date",
      virtualDate(RealDate, () => globals._dateNow()),
    );
  if (selected.has("performance")) globals._replace(globalThis.performance, "now", performanceNow);
  if (selected.has("hrtime")) globals._replace(process, "hrtime", hrtime);
  if (selected.has("AbortSignal.timeout")) {
    const setTimer = chosen.setTimeout;
    globals._replace(AbortSignal, "timeout", (delay: number): AbortSignal => {
      const controller = new AbortController();
      const timer = setTimer(() => {
        controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
      }, delay) as { unref?: () => unknown };
      timer.unref?.();
      return controller.signal;
    });
  }
  if (options.random === true) installRandom(globals);
  if (options.timeZone !== undefined) globals._setTimeZone(options.timeZone);
  syncBuiltinESMExports();
  installed = globals;
  return globals;
}

function installRandom(globals: VirtualGlobals): void {
  const webCrypto = globalThis.crypto;
  const realGetRandomValues = webCrypto.getRandomValues.bind(webCrypto);
  const realRandomUUID = webCrypto.randomUUID.bind(webCrypto);
  const node = cryptoModule as unknown as Record<string, unknown>;
  const realRandomBytes = cryptoModule.randomBytes;
  const getRandomValues = <T extends ArrayBufferView | null>(view: T): T => {
    const random = drawRandom();
    return random === null ? (realGetRandomValues(view as never) as T) : fillRandom(view, random);
  };
  const randomUUID = (): string => {
    const random = drawRandom();
    return random === null ? realRandomUUID() : uuidFrom(random);
  };
  const randomBytes = (size: number, callback?: (error: Error | null, buffer: Buffer) => void): Buffer | undefined => {
    const random = drawRandom();
    if (random === null) return (realRandomBytes as (...args: unknown[]) => Buffer | undefined)(size, callback);
    const buffer = fillRandom(Buffer.alloc(size), random);
    if (callback === undefined) return buffer;
    globalThis.setImmediate(() => callback(null, buffer));
    return undefined;
  };
  globals._replace(Math, "random", () => drawRandom()?.next() ?? realMathRandom());
  globals._replace(webCrypto, "getRandomValues", getRandomValues);
  globals._replace(webCrypto, "randomUUID", randomUUID);
  // node:crypto's getRandomValues is a getter that reaches the web crypto object's method: replaced above.
  globals._replace(node, "randomUUID", randomUUID);
  globals._replace(node, "randomBytes", randomBytes);
}

/**
 * The installed virtual globals, or `null`.
 *
 * @example
 * ```ts
 * installedGlobals()?.uninstall();
 * ```
 */
export function installedGlobals(): VirtualGlobals | null {
  return installed;
}
