import { describe, expect, it } from "vitest";
import { explore } from "../src/index.ts";
import { bugs } from "../examples/bugs/index.ts";
import { nodeBugs } from "../examples/bugs/node/index.ts";
import { siteWords } from "../src/words.ts";

// The loop's and the coroutines' own callbacks, and the policy's wording of a deferral: a report in the
// user's words names none of them (issue 12: "Reports speak the implementation's language").
const INTERNAL =
  /\b(setResultUnlessCancelled|runUntilCompleteCallback|onChildDone|onCompletion|innerDone|outerDone|_onTaskDone|releaseWaiter|_onTimeout|_wakeup|_step)\b|defer the rest/;

describe("every failing report of the bug corpora speaks the user's words", () => {
  for (const bug of [...bugs, ...nodeBugs]) {
    it(bug.id, () => {
      const failure = explore(bug.buggy, {
        policy: "pct",
        runs: 2000,
        seed: 1,
        depth: bug.depth,
        ...(bug.levels === undefined ? {} : { levels: bug.levels }),
      }).failure;
      expect(failure).toBeDefined();
      expect(failure!.report).not.toMatch(INTERNAL);
      expect(failure!.decisions.decisions.flatMap((d) => d.labels ?? []).join("\n")).not.toMatch(INTERNAL);
    });
  }

  it("names a timer simloop armed for a waitFor or timeout() by that call", () => {
    expect(siteWords("callLater(1, releaseWaiter) in pay (pay.ts:33)")).toBe(
      "the timeout of waitFor or wait (1) in pay (pay.ts:33)",
    );
    expect(siteWords("callAt(5, _onTimeout) in f (f.ts:2)")).toBe("the timeout of timeout() (at t=5) in f (f.ts:2)");
    expect(siteWords("callLater(2, tick) in f (f.ts:2)")).toBe("callLater(2, tick) in f (f.ts:2)");
    expect(siteWords("sleep(1) in deposit (bank.ts:16)")).toBe("sleep(1) in deposit (bank.ts:16)");
  });
});
