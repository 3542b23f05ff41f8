/**
 * Which choice points an exploration asks about. On by default: `ties`, `jitter` and `io` — a program
 * that declares uncertainty (durations with `loop.jitter`, I/O replies with `loop.deliver`) is explored
 * over it unless the levels turn it off, and a program that declares none pays nothing for them (no
 * choice point is asked). Opt-in: `interleave` (orders asyncio's FIFO never produces) and `faults`.
 *
 * @module
 */
import type { PolicyLevels } from "@simloop/core";

/** Levels as options: any level left out takes its default (`ties`, `jitter`, `io` on; `interleave`, `faults` off). */
export interface LevelOptions {
  readonly ties?: boolean;
  readonly interleave?: boolean;
  readonly jitter?: boolean;
  readonly faults?: boolean;
  /** The order of completions requested with `loop.deliver` (and against the next timer). */
  readonly io?: boolean;
}

/**
 * The levels an exploration uses when none are given: timer ties, uncertain durations and I/O replies.
 *
 * @example
 * ```ts
 * DEFAULT_LEVELS.ties; // true
 * ```
 */
export const DEFAULT_LEVELS: PolicyLevels = Object.freeze({
  ties: true,
  interleave: false,
  jitter: true,
  faults: false,
  io: true,
});

/**
 * Completes level options with their defaults.
 *
 * @example
 * ```ts
 * resolveLevels({ interleave: true }); // { ties: true, interleave: true, jitter: true, faults: false, io: true }
 * ```
 */
export function resolveLevels(options: LevelOptions = {}): PolicyLevels {
  return Object.freeze({
    ties: options.ties ?? DEFAULT_LEVELS.ties,
    interleave: options.interleave ?? DEFAULT_LEVELS.interleave,
    jitter: options.jitter ?? DEFAULT_LEVELS.jitter,
    faults: options.faults ?? DEFAULT_LEVELS.faults,
    io: options.io ?? DEFAULT_LEVELS.io ?? false,
  });
}

/**
 * The enabled levels as a short list, for reports.
 *
 * @example
 * ```ts
 * describeLevels(resolveLevels({ faults: true })); // "ties, faults"
 * ```
 */
export function describeLevels(levels: PolicyLevels): string {
  const on = (["ties", "interleave", "jitter", "faults", "io"] as const).filter((level) => levels[level] === true);
  return on.length === 0 ? "none" : on.join(", ");
}
