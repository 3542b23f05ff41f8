/**
 * The real macrotask the driver dispatches each virtual callback from.
 *
 * Why a macrotask, and which: JavaScript runs every queued microtask (and `process.nextTick` callback)
 * before the next macrotask, so a callback dispatched at the start of a macrotask of its own has, when
 * that macrotask ends, every promise continuation it caused already run — exact quiescence, with no
 * guess at how many ticks a chain needs. Only from a macrotask (not from a microtask of a driver loop)
 * do Node's rules hold inside the callback (`nextTick` callbacks before promise jobs). A
 * `MessageChannel` message is the cheapest macrotask Node offers (measured about 1.3–2.5 µs a round
 * trip, against 3–9 µs for `setImmediate`, see decision 0010), so it is the one used; both are captured
 * when this module loads, before any virtual global can be installed.
 *
 * @module
 */

import { MessageChannel as RealMessageChannel, type MessagePort } from "node:worker_threads";

const realSetImmediate = globalThis.setImmediate;
const realPerformanceNow = globalThis.performance.now.bind(globalThis.performance);

/** @internal The real `performance.now`, captured at load: the watchdog's clock. */
export function realNow(): number {
  return realPerformanceNow();
}

/** @internal The real `setImmediate`, captured at load. */
export function realImmediate(callback: () => void): void {
  realSetImmediate(callback);
}

/**
 * @internal A poster of real macrotasks to one callback: `post()` queues one call of `onMacrotask` as a
 * real macrotask. One message channel serves every run; it keeps the process alive only between
 * `open()` and `close()`.
 */
export class MacrotaskPoster {
  private readonly _send: MessagePort;
  private readonly _receive: MessagePort;

  constructor(onMacrotask: () => void) {
    const channel = new RealMessageChannel();
    this._receive = channel.port1;
    this._send = channel.port2;
    this._receive.on("message", onMacrotask);
    this._receive.unref();
  }

  /** Keeps the process alive while a run is driven. */
  open(): void {
    this._receive.ref();
  }

  /** Queues one real macrotask. */
  post(): void {
    this._send.postMessage(null);
  }

  /** Lets the process exit again. */
  close(): void {
    this._receive.unref();
  }
}
