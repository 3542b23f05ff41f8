/**
 * The FIFO exploration policy: asyncio's order, while still asking (and recording) every decision point.
 *
 * @module
 */
import type { ChoicePoint, JitterPoint, PolicyLevels } from "@simloop/core";
import { RecordingPolicy } from "./exploration-policy.ts";
import { resolveLevels, type LevelOptions } from "./levels.ts";

class FifoPolicy extends RecordingPolicy {
  protected pick(_point: ChoicePoint): number {
    return 0;
  }
  protected draw(point: JitterPoint): number {
    return point.min;
  }
  override beginRun(run: number): boolean {
    // One run covers everything: FIFO has a single schedule.
    if (run > 0) return false;
    return super.beginRun(run);
  }
}

/**
 * asyncio's own order at every decision point (pick 0; jitter at its minimum). Unlike core's `fifo`, it
 * asks at the enabled levels, so the run's decision points are recorded; an exploration with it runs once.
 *
 * @example
 * ```ts
 * explore(program, { policy: fifo() }).runs; // 1
 * ```
 */
export function fifo(levels: LevelOptions | PolicyLevels = {}): RecordingPolicy {
  return new FifoPolicy("fifo", resolveLevels(levels));
}
