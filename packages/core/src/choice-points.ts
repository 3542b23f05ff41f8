/**
 * The choice points: where the loop asks its scheduling policy (see `policy.ts` for the levels).
 *
 * The loop calls into this file only when a policy with the level concerned is installed: due timers
 * sharing a deadline (`ties`), the order of sources within a batch (`interleave`), a suspended
 * cancellable task (`faults`), a duration declared uncertain (`jitter`) and pending I/O completions
 * when nothing is ready (`io`; without the level the oldest is delivered). Every valid answer is
 * recorded in the loop's choice log (and, when tracing, as a `choice` event); an invalid answer or a
 * throwing policy is kept as the run's {@link PolicyError}, answered as 0 (asyncio's own choice), and
 * thrown by the run call once the batch is over.
 *
 * @module
 */
import { ArgumentError, PolicyError } from "./errors.ts";
import { describeError, describeValue } from "./describe.ts";
import type { EventLoop } from "./event-loop.ts";
import { ARGC_SHIFT, FLAG_CANCELLED, FLAG_SCHEDULED, Handle, KIND_CALLBACK, type TimerHandle } from "./handle.ts";
import type { ChoicePoint, ChoiceRecord, JitterPoint, PolicyLevels, SchedulingPolicy } from "./policy.ts";
import type { Task } from "./task.ts";
import { deliver, type PendingDelivery } from "./delivery.ts";

/**
 * @internal Moves the due timers to the ready queue, asking the policy (ties level) which of the timers
 * sharing a deadline fires next, or whether to defer the rest of them to the next iteration.
 */
export function moveDueTimersWithPolicy(loop: EventLoop): void {
  const timers = loop._timers;
  const now = loop._now;
  while (timers.size > 0 && (timers.peek() as TimerHandle)._when <= now) {
    const when = (timers.peek() as TimerHandle)._when;
    // A group deferred by the last iteration comes back whole: the same array, unless a timer of it was
    // cancelled or a new one joined it (then a new array, so a policy keeping state per array starts over).
    const front = timers.takeFront();
    const whole = front !== null && !timers.takenMaybeCancelled;
    let group: TimerHandle[];
    if (front === null) group = [];
    else if (whole) group = front;
    else group = keepLive(loop, front);
    let joined = false;
    while (timers.size > 0 && timers.peekWhen() === when) {
      const handle = timers.pop();
      // A live timer stays marked scheduled until it fires (a deferral then has nothing to re-mark).
      if ((handle._flags & FLAG_CANCELLED) !== 0) {
        handle._flags &= ~FLAG_SCHEDULED;
        loop._timerCancelledCount--;
      } else {
        if (!joined && whole) group = group.slice();
        joined = true;
        group.push(handle);
      }
    }
    if (fireGroup(loop, group)) return;
  }
}

/** The timers of a deferred group not cancelled meanwhile, in a new array (the others taken off the count). */
function keepLive(loop: EventLoop, handles: TimerHandle[]): TimerHandle[] {
  const group: TimerHandle[] = [];
  for (let i = 0; i < handles.length; i++) {
    const handle = handles[i] as TimerHandle;
    if ((handle._flags & FLAG_CANCELLED) !== 0) {
      handle._flags &= ~FLAG_SCHEDULED;
      loop._timerCancelledCount--;
    } else group.push(handle);
  }
  return group;
}

/**
 * Moves a tie group's timers (still marked scheduled) to the ready queue in the policy's order; returns
 * true when the policy deferred the rest, handed back to the timer queue whole.
 */
function fireGroup(loop: EventLoop, group: TimerHandle[]): boolean {
  const ready = loop._ready;
  const now = loop._now;
  let firedInGroup = 0;
  while (group.length > 0) {
    const canDefer = firedInGroup > 0;
    const options = group.length + (canDefer ? 1 : 0);
    const pick =
      options < 2
        ? 0
        : askPolicy(loop, {
            kind: "tie",
            time: now,
            iteration: loop._iteration,
            options,
            // The live group, not a copy: a question costs the same however many timers tie.
            candidates: group,
            canDefer,
          });
    if (pick === group.length) {
      loop._timers.restoreFront(group);
      return true;
    }
    // shift() for asyncio's own pick: V8 trims the array's start in place instead of moving it.
    const handle = (pick === 0 ? group.shift() : group.splice(pick, 1)[0]) as TimerHandle;
    handle._flags &= ~FLAG_SCHEDULED;
    ready.push(handle);
    firedInGroup++;
  }
  return false;
}

/**
 * @internal Runs the first `ntodo` ready callbacks, asking the policy (interleave level) whose next
 * callback runs whenever two or more sources have one queued; each source keeps its own FIFO order.
 */
export function runBatchInterleaved(loop: EventLoop, ntodo: number): void {
  const batch: Handle[] = [];
  for (let i = 0; i < ntodo; i++) batch.push(loop._ready.shift());
  for (;;) {
    const index = pickInterleaved(loop, batch);
    if (index < 0) return;
    const [handle] = batch.splice(index, 1);
    loop._dispatch(handle as Handle);
  }
}

/**
 * @internal The position in `batch` of the callback to run next at the interleave level (asking the
 * policy when two or more sources have one queued), or -1 when no callback is left.
 */
export function pickInterleaved(loop: EventLoop, batch: readonly Handle[]): number {
  const heads: Handle[] = [];
  const positions: number[] = [];
  const seen = new Set<unknown>();
  for (let i = 0; i < batch.length; i++) {
    const handle = batch[i] as Handle;
    if ((handle._flags & FLAG_CANCELLED) !== 0) continue;
    const source = handle.source;
    if (seen.has(source)) continue;
    seen.add(source);
    heads.push(handle);
    positions.push(i);
  }
  if (heads.length === 0) return -1;
  const pick =
    heads.length < 2
      ? 0
      : askPolicy(loop, {
          kind: "interleave",
          time: loop._now,
          iteration: loop._iteration,
          options: heads.length,
          candidates: heads,
        });
  return positions[pick] as number;
}

/** @internal Asks the policy (faults level) whether to cancel a cancellable task that just suspended. */
export function maybeInjectFault(loop: EventLoop, task: Task<unknown>): void {
  if (loop._policy === null || !task._cancellable || !(loop._levels as PolicyLevels).faults || task._mustCancel) return;
  const pick = askPolicy(loop, {
    kind: "fault",
    time: loop._now,
    iteration: loop._iteration,
    options: 2,
    task,
  });
  if (pick === 1) task.cancel("cancelled by the scheduling policy (fault injection)");
}

/**
 * @internal `loop.jitter(min, max)`: the policy (jitter level) draws the duration, else it is `min`.
 * `deadlines`: for a duration the loop follows to its timer (`uncertain`), the durations inside the range
 * at which other timers are due (see {@link JitterPoint.deadlines}).
 * @throws {@link ArgumentError} unless `min` and `max` are finite with `min <= max`.
 */
export function drawJitter(loop: EventLoop, min: number, max: number, deadlines?: readonly number[]): number {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new ArgumentError(
      `Expected finite bounds with min <= max, got min=${describeValue(min)}, max=${describeValue(max)}.`,
    );
  }
  const policy = loop._policy;
  if (policy === null || min === max || !(loop._levels as PolicyLevels).jitter) return min;
  const point: JitterPoint = {
    kind: "jitter",
    time: loop._now,
    iteration: loop._iteration,
    min,
    max,
    task: loop._currentTask,
  };
  if (deadlines !== undefined) (point as { deadlines?: readonly number[] }).deadlines = deadlines;
  let value: number;
  try {
    value = policy.chooseDuration(point);
  } catch (error) {
    failPolicy(
      loop,
      new PolicyError(`Policy "${policy.name}" threw while drawing a duration: ${describeError(error)}`, {
        cause: error,
      }),
    );
    return min;
  }
  if (typeof value !== "number" || !(value >= min && value <= max)) {
    failPolicy(
      loop,
      new PolicyError(
        `Policy "${policy.name}" drew ${describeValue(value)} for a duration in [${min}, ${max}]; it must stay within the bounds.`,
      ),
    );
    return min;
  }
  loop._choices.pushJitter(loop._now, loop._iteration, value, min, max);
  traceChoice(loop, "jitter", loop._now, loop._iteration, 0, value);
  return value;
}

/** @internal True when a completion requested with `deliver` is still pending (dropping the withdrawn ones). */
export function hasDeliveries(loop: EventLoop): boolean {
  const deliveries = loop._deliveries;
  if (deliveries === null) return false;
  let kept = 0;
  for (let i = 0; i < deliveries.length; i++) {
    const delivery = deliveries[i] as PendingDelivery;
    if (!delivery.withdrawn) deliveries[kept++] = delivery;
  }
  deliveries.length = kept;
  return kept > 0;
}

/**
 * @internal The loop has nothing ready: delivers a pending completion now (the policy's pick at the
 * `io` level, else the oldest) by queueing its callback, and returns true; false when none is pending
 * or the policy lets the next timer (`canWait`: one is pending) fire first.
 */
export function offerDelivery(loop: EventLoop, canWait: boolean): boolean {
  loop._timersOutOfReach = false;
  if (!hasDeliveries(loop)) return false;
  const deliveries = loop._deliveries as PendingDelivery[];
  const options = deliveries.length + (canWait ? 1 : 0);
  const pick =
    options < 2 || loop._levels === null || loop._levels.io !== true
      ? 0
      : askPolicy(loop, {
          kind: "delivery",
          time: loop._now,
          iteration: loop._iteration,
          options,
          candidates: deliveries.slice(),
          canWait,
          timer: canWait ? (loop._timers.peek() as TimerHandle) : null,
        });
  if (pick === deliveries.length) return false;
  const delivery = deliveries.splice(pick, 1)[0] as PendingDelivery;
  loop._ready.push(new Handle(KIND_CALLBACK | (1 << ARGC_SHIFT), deliver, delivery, undefined, delivery.task));
  return true;
}

function askPolicy(loop: EventLoop, point: ChoicePoint): number {
  const policy = loop._policy as SchedulingPolicy;
  if (loop._policyError !== null) return 0;
  let pick: number;
  try {
    pick = policy.choose(point);
  } catch (error) {
    failPolicy(
      loop,
      new PolicyError(`Policy "${policy.name}" threw at a ${point.kind} choice: ${describeError(error)}`, {
        cause: error,
      }),
    );
    return 0;
  }
  if (!Number.isInteger(pick) || pick < 0 || pick >= point.options) {
    failPolicy(
      loop,
      new PolicyError(
        `Policy "${policy.name}" answered ${describeValue(pick)} at a ${point.kind} choice with ${point.options} options ` +
          `(t=${point.time}, iteration ${point.iteration}); answers must be integers in [0, ${point.options}).`,
      ),
    );
    return 0;
  }
  loop._choices.push(point.kind, point.time, point.iteration, point.options, pick);
  traceChoice(loop, point.kind, point.time, point.iteration, point.options, pick);
  return pick;
}

/** Records an answer in the trace, if the loop keeps one. */
function traceChoice(
  loop: EventLoop,
  kind: ChoiceRecord["kind"],
  time: number,
  iteration: number,
  options: number,
  pick: number,
): void {
  const trace = loop.trace;
  if (trace === null) return;
  trace.record({
    time,
    iteration,
    kind: "choice",
    source: loop._currentTask?.getName() ?? "loop",
    label: kind,
    detail: { options, pick },
  });
}

/** Keeps the first policy error; the batch finishes in FIFO order and the run call throws it. */
function failPolicy(loop: EventLoop, error: PolicyError): void {
  if (loop._policyError === null) loop._policyError = error;
}

/** @internal Throws the policy error kept during the last iteration, if any (and forgets it). */
export function throwPolicyError(loop: EventLoop): void {
  const error = loop._policyError;
  if (error !== null) {
    loop._policyError = null;
    throw error;
  }
}
