/**
 * The words a failure report (text and HTML) uses for the order a run deviates from and for an async
 * install's timer jitter. Option 0 of every decision point is the loop's own order: asyncio's for a
 * generator program; for an async program, Node's (promise jobs and `process.nextTick` run as Node runs
 * them, timers due together in the order they were armed, replies oldest first), so an async report
 * says "Node's order" where a generator report says "asyncio's order".
 *
 * @module
 */
import type { Decision } from "../schedule.ts";

/** The bounds of an async install's timer jitter, as the report describes them. */
export interface TimerJitterBounds {
  /** At most this many milliseconds added to every delay. */
  readonly absolute?: number;
  /** At most this fraction of each delay added to it. */
  readonly relative?: number;
}

/** @internal Whose order option 0 is: `"Node"` for an async program, else `"asyncio"`. */
export function orderOwner(async: boolean | undefined): "Node" | "asyncio" {
  return async === true ? "Node" : "asyncio";
}

/** @internal The timer jitter in its own terms: `every setTimeout and setInterval may fire up to 25 ms late`. */
export function timerJitterWords(jitter: TimerJitterBounds): string {
  const { absolute = 0, relative = 0 } = jitter;
  const percent = `${Number((relative * 100).toFixed(3))}% of its delay`;
  const bound =
    relative === 0 ? `${absolute} ms` : absolute === 0 ? percent : `${absolute} ms or ${percent}, whichever is more`;
  return `every setTimeout and setInterval may fire up to ${bound} late`;
}

/** A number of milliseconds for prose: at most three decimals (the schedule keeps the exact draw). */
function ms(value: number): string {
  return `${Number(value.toFixed(3))} ms`;
}

/** @internal A timer-jitter draw in the user's words: `a 5 ms timer fires 10.237 ms late (drew 15.237 in [5, 30])`. */
export function lateTimerWords(decision: Decision): string {
  const min = decision.min ?? 0;
  const late = decision.pick - min;
  const drew = `drew ${decision.pick} in [${min}, ${decision.max}]`;
  return late === 0
    ? `a ${ms(min)} timer fires on time (${drew})`
    : `a ${ms(min)} timer fires ${ms(late)} late (${drew})`;
}
