/**
 * asyncio's `mixins._LoopBoundMixin`: a primitive binds to the loop that first uses it and refuses
 * any other.
 *
 * @module
 */
import { WrongLoopError, getRunningLoop, type EventLoop } from "@simloop/core";

/** @internal Binds an object to the first running loop that asks for it. */
export class LoopBound {
  private _loop: EventLoop | null = null;

  /** @internal The running loop, bound on first use. */
  get(owner: { toString(): string }): EventLoop {
    const loop = getRunningLoop();
    if (this._loop === null) this._loop = loop;
    if (loop !== this._loop) {
      throw new WrongLoopError(
        "WRONG_LOOP",
        `${owner.toString()} is bound to a different event loop. Create one primitive per loop (for example inside the program run by run()).`,
      );
    }
    return loop;
  }
}
