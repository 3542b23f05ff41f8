import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Handle } from "@simloop/core";
import { PriorityGroup } from "../src/internal/priority-group.ts";

/** The scan PCT did before the heap: the first candidate of the highest priority. */
function scan(candidates: readonly Handle[], priority: Map<Handle, number>): number {
  let index = 0;
  let top = -Infinity;
  candidates.forEach((handle, i) => {
    const p = priority.get(handle) as number;
    if (p > top) {
      top = p;
      index = i;
    }
  });
  return index;
}

describe("PCT's priority group", () => {
  it("answers what a scan of the candidates answers, question after question, through deferrals and lowered priorities", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 30 }),
        fc.array(fc.constantFrom("fire", "defer", "lower"), { minLength: 1, maxLength: 40 }),
        (priorities, ops) => {
          // Handles are opaque to the group: plain objects stand in for timers (equal priorities included).
          const handles = priorities.map((_, i) => ({ id: i }) as unknown as Handle);
          const priority = new Map(handles.map((h, i) => [h, priorities[i] as number]));
          const current = (h: Handle): number => priority.get(h) as number;
          let group: Handle[] = handles.slice();
          const pg = new PriorityGroup();
          // The priority changes so far: an entry read since the last one is not read again.
          let changes = 0;
          pg.reset(group, current, changes);
          let lowered = -1;
          for (const op of ops) {
            if (group.length === 0) break;
            if (pg.continues(group)) {
              if (pg.last >= 0) pg.advance();
            } else pg.reset(group, current, changes);
            pg.settle(current, changes);
            if (op === "lower") {
              priority.set(pg.handles[pg.topPosition()] as Handle, lowered--);
              pg.settle(current, ++changes);
            }
            const index = pg.indexOf(pg.topPosition());
            expect(index).toBe(scan(group, priority));
            if (op === "defer") {
              pg.defer();
              group = group.slice(); // the next iteration asks on a new array holding the same timers
            } else {
              pg.last = pg.topPosition();
              group.splice(index, 1);
            }
          }
        },
      ),
    );
  });
});
