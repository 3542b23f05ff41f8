/**
 * The run the installed globals are bound to: its loop, its clocks' origins, its seeded stream, and the
 * virtual timers it holds. The globals are installed once per campaign; each run binds them to its
 * fresh loop, and between runs (nothing bound) they behave as the real ones.
 *
 * @module
 */
import type { EventLoop, Random, Uncertain } from "@simloop/core";

/** @internal Something that holds a virtual timer a run may end with (a timeout, an interval, an immediate). */
export interface PendingTimer {
  /** Whether it keeps a run (and a process) alive: `ref`'d and not an interval. */
  _countsAsLeftover(): boolean;
  /** Whether it keeps a run with main pending alive: not an `unref()`'d armed timeout or interval. */
  _countsAsAlive(): boolean;
  /** One line for a leftover report. */
  _describe(): string;
}

/** @internal One bound run. */
export interface Binding {
  readonly loop: EventLoop;
  /** `Date.now()` at virtual time 0. */
  readonly epoch: number;
  /** `performance.now()` at virtual time 0. */
  readonly origin: number;
  /** The stream `Math.random` and crypto draw from, when `random` is on; else `null`. */
  readonly random: Random | null;
  /** The virtual timers not yet fired or cleared. */
  readonly pending: Set<PendingTimer>;
  /** Timers whose primitive id was taken (`+timeout`), for `clearTimeout(id)`. */
  readonly byId: Map<number, PendingTimer>;
  /** The virtual timeouts and intervals armed on the loop while `unref()`'d (they do not keep a run alive). */
  unrefArmed: number;
  /** The next timer id. */
  nextId: number;
  /**
   * The delay a timer is armed with, given the one asked for (the `jitter` option: an uncertain one the
   * loop follows to the timer), or `null`: as asked.
   */
  readonly delayOf: ((delay: number) => number | Uncertain) | null;
}

let bound: Binding | null = null;

/** @internal The bound run, or `null` between runs. */
export function currentBinding(): Binding | null {
  return bound;
}

/** @internal */
export function setBinding(binding: Binding | null): void {
  bound = binding;
}
