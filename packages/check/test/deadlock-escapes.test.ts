import { describe, expect, it } from "vitest";
import type { EventLoop } from "@simloop/core";
import { explore } from "@simloop/check";

describe("a deadlock report", () => {
  it("names the native Promise that was to settle the awaited future (issue 11 item 13)", () => {
    function* waitsOnAPromise(loop: EventLoop) {
      const fut = loop.createFuture<number>();
      void Promise.resolve().then(() => {
        // Runs after the run has deadlocked and its loop is closed: nothing to settle any more.
        try {
          fut.setResult(1);
        } catch {
          /* the loop is closed */
        }
      });
      return yield* fut;
    }
    const result = explore(waitsOnAPromise, { runs: 1 });
    expect(result.failure?.kind).toBe("deadlock");
    expect(result.failure?.report).toContain("The run called Promise.prototype.then (native Promises)");
    expect(result.failure?.report).toContain("outside virtual time");
  });

  it("says nothing of escapes when the run called none", () => {
    function* waitsForever(loop: EventLoop) {
      return yield* loop.createFuture<number>();
    }
    const result = explore(waitsForever, { runs: 1 });
    expect(result.failure?.kind).toBe("deadlock");
    expect(result.failure?.report).not.toContain("outside virtual time");
  });
});
