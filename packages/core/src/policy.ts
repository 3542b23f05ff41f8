/**
 * The scheduling-policy hook: the loop asks a policy at every *choice point*, a moment where two or more
 * candidates could go next. Index 0 is always asyncio's own choice, so a policy that answers 0 everywhere
 * reproduces asyncio exactly; any other answer is a *deviation*.
 *
 * Why a hook with levels: exploration (random, PCT, exhaustive, fast-check-driven) lives in
 * `@simloop/check`, but only the loop knows where a choice is real. The loop therefore describes each
 * choice point (its kind, its candidates, the virtual time and iteration) and the policy answers with an
 * index. With no policy installed the loop never builds a choice point at all (the FIFO fast path).
 *
 * Choice points, by level:
 * - `ties`: two or more due timers share the earliest due deadline. The policy picks which fires next;
 *   after the first pick of an iteration it may instead *defer* the rest to the next iteration at the
 *   same instant (option `candidates.length`), so the first one's consequences run before they fire.
 * - `interleave`: within a batch, callbacks from two or more sources are queued; the policy picks whose
 *   next callback runs. Each source keeps its own FIFO order (Trio leaves this order unspecified).
 * - `faults`: a task created with `cancellable: true` has just suspended; option 1 cancels it there.
 * - `jitter`: a duration the program declared uncertain (`uncertain(min, max)` given to a timer, or a bare
 *   `loop.jitter(min, max)`) is drawn by `chooseDuration` within its bounds.
 * - `io`: completions requested with `loop.deliver(complete)` are pending and the loop has nothing ready
 *   at the current instant: the policy picks which pending completion is delivered now, or (last option,
 *   when a timer is pending) lets the next timer fire first. No virtual time is attached to a delivery.
 *
 * Only real decision points (two or more options) are asked. Every answer is recorded in
 * `loop.choiceLog()` so that a run can be replayed from its choices.
 *
 * @module
 */
import type { PendingDelivery } from "./delivery.ts";
import type { Handle, TimerHandle } from "./handle.ts";
import type { Task } from "./task.ts";

/** Which choice points a policy wants to be asked about. */
export interface PolicyLevels {
  /** Timers due at the same instant (on by default in exploration). */
  readonly ties: boolean;
  /** The order of different sources within a batch (opt-in). */
  readonly interleave: boolean;
  /** Durations declared uncertain (`uncertain(min, max)`, `loop.jitter`). */
  readonly jitter: boolean;
  /** Cancelling tasks marked `cancellable` at their suspension points (opt-in). */
  readonly faults: boolean;
  /**
   * The order in which completions requested with `loop.deliver` arrive, against each other and against
   * the next timer. Optional so that level objects written before it existed still type-check; absent
   * means off (the oldest pending completion is delivered as soon as the loop waits).
   */
  readonly io?: boolean;
}

interface ChoiceBase {
  /** The virtual time of the choice. */
  readonly time: number;
  /** The loop iteration (batch number) in which the choice is made. */
  readonly iteration: number;
  /** The number of options: the answer must be an integer in `[0, options)`. Always 2 or more. */
  readonly options: number;
}

/**
 * Timers due at the same instant: pick one (index into `candidates`, in `(when, seq)` order), or, when
 * `canDefer` is true, `candidates.length` to leave them all for the next iteration. `candidates` is the
 * loop's own list of the group, read-only and valid during the call only: the next question of the same
 * group passes the same array without the timer picked (copy it to keep it), and after a deferral the
 * next iteration's first question passes the same array again when the group is unchanged (a new array
 * when one of its timers was cancelled or a new timer joined it), so a policy can keep per-group state
 * keyed by the array.
 */
export interface TieChoice extends ChoiceBase {
  readonly kind: "tie";
  readonly candidates: readonly TimerHandle[];
  readonly canDefer: boolean;
}

/** Callbacks of different sources in one batch: pick whose next callback runs (heads, in queue order). */
export interface InterleaveChoice extends ChoiceBase {
  readonly kind: "interleave";
  readonly candidates: readonly Handle[];
}

/** A cancellable task has just suspended: 0 lets it wait, 1 cancels it at this suspension point. */
export interface FaultChoice extends ChoiceBase {
  readonly kind: "fault";
  readonly task: Task<unknown>;
}

/**
 * The loop has nothing ready and completions requested with `loop.deliver` are pending: pick the one
 * delivered now (index into `candidates`, in request order), or, when `canWait` is true,
 * `candidates.length` to let the next timer (`timer`) fire first and keep them all pending.
 */
export interface DeliveryChoice extends ChoiceBase {
  readonly kind: "delivery";
  readonly candidates: readonly PendingDelivery[];
  /** True when a timer is pending, so the last option (wait for it) exists. */
  readonly canWait: boolean;
  /** The timer that fires first if the policy waits, or `null` when `canWait` is false. */
  readonly timer: TimerHandle | null;
}

/** A choice point the loop asks a policy about. */
export type ChoicePoint = TieChoice | InterleaveChoice | FaultChoice | DeliveryChoice;

/** An uncertain duration: the policy draws a value in `[min, max]`. */
export interface JitterPoint {
  readonly kind: "jitter";
  readonly time: number;
  readonly iteration: number;
  readonly min: number;
  readonly max: number;
  /** The task that asked, if any. */
  readonly task: Task<unknown> | null;
  /**
   * Present when the loop follows the duration to its timer (`uncertain(min, max)` given to `callLater`,
   * `callAt` or a sleep), absent for a bare `loop.jitter` number: the durations strictly inside
   * `(min, max)` at which other timers are due, unsorted, possibly repeated. It holds the timers pending
   * when the duration is drawn, and the loop appends, for the rest of the run, the deadline of every timer
   * armed with a fixed deadline while this one is pending (uncertain ones are ordered when they are drawn).
   * Read it at the end of the run to know every order the deadline could take; do not modify it.
   */
  readonly deadlines?: readonly number[];
}

/** One recorded answer: what was asked and what the policy picked. */
export interface ChoiceRecord {
  readonly kind: ChoicePoint["kind"] | "jitter";
  readonly time: number;
  readonly iteration: number;
  /** The number of options (for jitter: 0, the value is continuous). */
  readonly options: number;
  /** The index picked (for jitter: the duration drawn). */
  readonly pick: number;
  /** For jitter: the bounds the duration was drawn in. */
  readonly min?: number;
  /** For jitter: the bounds the duration was drawn in. */
  readonly max?: number;
}

/**
 * A scheduling policy. Implementations live in `@simloop/check`; the loop only needs these members.
 *
 * @example
 * ```ts
 * const reversed: SchedulingPolicy = {
 *   name: "last-first",
 *   levels: { ties: true, interleave: false, jitter: false, faults: false },
 *   choose: (point) => (point.kind === "tie" ? point.candidates.length - 1 : 0),
 *   chooseDuration: (point) => point.min,
 * };
 * const loop = new EventLoop({ policy: reversed });
 * ```
 */
export interface SchedulingPolicy {
  /** A name for reports. */
  readonly name: string;
  /** The choice points this policy wants to see. */
  readonly levels: PolicyLevels;
  /** Answers a choice point with an integer in `[0, point.options)`; 0 is asyncio's choice. */
  choose(point: ChoicePoint): number;
  /** Draws an uncertain duration in `[point.min, point.max]`. */
  chooseDuration(point: JitterPoint): number;
}

/** No level enabled. */
export const NO_LEVELS: PolicyLevels = Object.freeze({
  ties: false,
  interleave: false,
  jitter: false,
  faults: false,
  io: false,
});

/**
 * asyncio's order at every choice point: the policy a loop has when none is given. Installing it
 * explicitly is the same as installing none (the loop keeps its fast path).
 */
export const asyncioOrder: SchedulingPolicy = Object.freeze({
  name: "asyncio-order",
  levels: NO_LEVELS,
  choose: (): number => 0,
  chooseDuration: (point: JitterPoint): number => point.min,
});
