/**
 * The ready queue: a growable ring buffer of handles, FIFO (asyncio's `_ready` deque).
 *
 * @module
 */
import type { Handle } from "./handle.ts";

/** A FIFO ring buffer of handles with power-of-two capacity. */
export class ReadyQueue {
  // Eight slots from an array literal (copied from its boilerplate): `new Array(16).fill(undefined)`
  // called the builtin's C++ fill on every new loop, a share of a short exploration run's cost.
  private _buf: (Handle | undefined)[] = [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ];
  private _mask = 7;
  private _head = 0;
  private _length = 0;

  /** The number of queued handles. */
  get length(): number {
    return this._length;
  }

  /** Appends a handle. */
  push(handle: Handle): void {
    if (this._length > this._mask) this._grow();
    this._buf[(this._head + this._length) & this._mask] = handle;
    this._length++;
  }

  /** Removes and returns the first handle. The queue must not be empty. */
  shift(): Handle {
    const head = this._head;
    const handle = this._buf[head] as Handle;
    this._buf[head] = undefined;
    this._head = (head + 1) & this._mask;
    this._length--;
    return handle;
  }

  /** The handle at position `index` from the front, without removing it. */
  at(index: number): Handle | undefined {
    return index < this._length ? this._buf[(this._head + index) & this._mask] : undefined;
  }

  /** Removes every handle. */
  clear(): void {
    this._buf.fill(undefined);
    this._head = 0;
    this._length = 0;
  }

  private _grow(): void {
    const old = this._buf;
    const capacity = old.length * 2;
    const buf = new Array<Handle | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this._length; i++) buf[i] = old[(this._head + i) & this._mask];
    this._buf = buf;
    this._head = 0;
    this._mask = capacity - 1;
  }
}
