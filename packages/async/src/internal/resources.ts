/**
 * The real resources Node keeps for the process (`process.getActiveResourcesInfo()`: `Timeout`,
 * `Immediate`, `FSReqCallback`, `TCPWrap`, …), counted by kind, to name what a run escaped to.
 *
 * @module
 */

/** @internal The active resources now, counted by kind. */
export function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * @internal The resources active now beyond those counted in `before`, as `"Timeout"` or `"2 × FSReqCallback"`;
 * the driver's own message port is not one.
 */
export function resourcesSince(before: ReadonlyMap<string, number>): string[] {
  const lines: string[] = [];
  for (const [kind, count] of activeResources()) {
    const extra = count - (before.get(kind) ?? 0);
    if (extra <= 0) continue;
    lines.push(extra === 1 ? kind : `${extra} × ${kind}`);
  }
  return lines;
}
