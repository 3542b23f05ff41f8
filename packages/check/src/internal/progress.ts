/**
 * What an `exploreParallel` worker publishes while it explores, in a shared `Int32Array` the parent
 * reads without a message: the run it is in and its phase. The parent's watchdog and its report of a
 * worker that exited without answering read it.
 *
 * @module
 */

/** @internal The slot holding the run the worker is in (its first run until one ends, then the next). */
export const PROGRESS_RUN = 0;
/** @internal The slot holding the worker's {@link PHASE}. */
export const PROGRESS_PHASE = 1;
/** @internal The phases of a worker: importing the program's module, exploring, answered. */
export const PHASE = { loading: 0, exploring: 1, done: 2 } as const;

/** @internal A fresh progress array for a worker whose range starts at `firstRun`. */
export function newProgress(firstRun: number): Int32Array {
  const progress = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  progress[PROGRESS_RUN] = firstRun;
  progress[PROGRESS_PHASE] = PHASE.loading;
  return progress;
}
