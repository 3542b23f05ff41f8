/**
 * A bug of depth 3: a register replicated on three nodes, written twice (v1, then v2) by a client whose
 * two messages reach each replica at the same instant (t=1, 2, 3). Replicas apply writes in arrival
 * order (last writer wins, ignoring versions); a read takes the newest version it sees across all
 * three. It returns stale data only if v1 overtook v2 at every replica: three specific reorderings.
 * Fixed by letting replicas keep the highest version.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import type { BugCase } from "./bug-case.ts";

interface Replica {
  version: number;
  value: string;
}

function* deliver(replica: Replica, at: number, version: number, value: string, versioned: boolean) {
  yield* sleep(at);
  if (!versioned || version > replica.version) {
    replica.version = version;
    replica.value = value;
  }
}

function makeProgram(versioned: boolean, name: string) {
  const program = function* (_loop: EventLoop) {
    const replicas: Replica[] = [0, 1, 2].map(() => ({ version: 0, value: "v0" }));
    // Each message is its own link task; v1's link to a replica is set up before v2's.
    yield* gather(
      ...replicas.flatMap((replica, i) => [
        deliver(replica, i + 1, 1, "v1", versioned),
        deliver(replica, i + 1, 2, "v2", versioned),
      ]),
    );
    const newest = replicas.reduce((a, b) => (b.version > a.version ? b : a));
    if (newest.value !== "v2") throw new Error(`stale read: every replica holds ${newest.value}`);
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The depth-3 stale read and its versioned twin. */
export const staleReadDepth3Bug: BugCase = {
  id: "stale-read-depth-3",
  summary: "v1 overtakes v2 at each of three replicas",
  buggy: makeProgram(false, "staleReadDepth3"),
  fixed: makeProgram(true, "staleReadDepth3Fixed"),
  kind: "error",
  depth: 3,
  budgets: { random: 200, pct: 200, exhaustive: 300, "fast-check": 300 },
};
