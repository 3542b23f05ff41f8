/**
 * Per-loop bookkeeping of the checks attached to a run (invariants, store predicates): violations are
 * recorded here while the run goes on, and finishers (such as `eventually`) run when it ends.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import type { InvariantViolationError } from "../errors.ts";

interface Entry {
  readonly violations: InvariantViolationError[];
  readonly finishers: (() => void)[];
}

const entries = new WeakMap<EventLoop, Entry>();

function entryOf(loop: EventLoop): Entry {
  let entry = entries.get(loop);
  if (entry === undefined) {
    entry = { violations: [], finishers: [] };
    entries.set(loop, entry);
  }
  return entry;
}

/** @internal Records a violation on `loop`'s run. */
export function reportViolation(loop: EventLoop, violation: InvariantViolationError): void {
  entryOf(loop).violations.push(violation);
}

/** @internal Registers a check to run when the run ends. */
export function onFinish(loop: EventLoop, finisher: () => void): void {
  entryOf(loop).finishers.push(finisher);
}

/** @internal Runs the finishers (once) and returns every violation, oldest first. */
export function finishChecks(loop: EventLoop): readonly InvariantViolationError[] {
  const entry = entries.get(loop);
  if (entry === undefined) return [];
  const finishers = entry.finishers.splice(0);
  for (const finish of finishers) finish();
  return entry.violations;
}
