/**
 * A superseded fetch overwrites newer data (modelled on vueuse/vueuse#5571, fixed by vueuse/vueuse#5574).
 * `useFetch` re-runs when its URL changes: the user switches from `/slow` to `/fast` 100 ms after the first
 * request; each response takes 30–400 ms. When the first response comes last, it overwrites the newer
 * data. The fix: each execution takes a number, and only the latest one may write its result.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";
import { io } from "./io.ts";

class UseFetch {
  data: string | null = null;
  private counter = 0;
  private readonly loop: EventLoop;
  private readonly guarded: boolean;
  constructor(loop: EventLoop, guarded: boolean) {
    this.loop = loop;
    this.guarded = guarded;
  }
  *execute(url: string) {
    const id = ++this.counter;
    yield* io(this.loop, 30, 400); // the request and its response
    if (this.guarded && id !== this.counter) return; // superseded
    this.data = `body of ${url}`;
  }
}

function makeProgram(guarded: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const fetcher = new UseFetch(loop, guarded);
    const first = loop.createTask(fetcher.execute("/slow"), { name: "fetch-slow" });
    yield* sleep(100); // the URL changes
    yield* fetcher.execute("/fast");
    yield* first;
    if (fetcher.data !== "body of /fast") throw new Error(`stale data shown: ${fetcher.data} instead of body of /fast`);
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The superseded response that overwrites the latest one, and the execution counter. */
export const staleResponseOverwritesBug: BugCase = {
  id: "stale-response-overwrites",
  summary: "the response of a superseded request, arriving last, overwrites the newer data",
  buggy: makeProgram(false, "staleResponseOverwrites"),
  fixed: makeProgram(true, "staleResponseOverwritesFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "vueuse/vueuse#5571, fixed by vueuse/vueuse#5574",
  budgets: { random: 50, pct: 50 },
};
