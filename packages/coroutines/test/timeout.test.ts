import { CancelledError, TimeoutError, currentTask } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { Timeout, TimeoutStateError, sleep, timeout, timeoutAt } from "../src/index.ts";
import { scenario } from "./support/trace.ts";

describe("timeout / timeoutAt (asyncio rule 37)", () => {
  it("cancels the body at its current wait and turns that cancellation into TimeoutError, uncancelling the task", () => {
    const log = scenario(function* (t) {
      let scope: Timeout | undefined;
      try {
        yield* timeout(2, function* (s) {
          scope = s;
          try {
            yield* sleep(10);
          } finally {
            t.note("body finally");
          }
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        expect(e.cause).toBeInstanceOf(CancelledError);
        t.note(`timeout expired=${scope?.expired()} cancelling=${currentTask()?.cancelling()}`);
      }
    });
    expect(log).toEqual([
      [2, "body finally@3"],
      [2, "timeout expired=true cancelling=0@3"],
    ]);
  });

  it("converts only in the scope that expired when scopes are nested", () => {
    const log = scenario(function* (t) {
      let outer: Timeout | undefined;
      try {
        yield* timeout(5, function* (o) {
          outer = o;
          let inner: Timeout | undefined;
          try {
            yield* timeout(1, function* (i) {
              inner = i;
              yield* sleep(3);
            });
          } catch (e) {
            if (!(e instanceof TimeoutError)) throw e;
            t.note(`inner timeout ${inner?.expired()} ${o.expired()}`);
          }
          yield* sleep(10);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        t.note(`outer timeout ${outer?.expired()}`);
      }
    });
    expect(log).toEqual([
      [1, "inner timeout true false@3"],
      [5, "outer timeout true@5"],
    ]);
  });

  it("queues the expiry with callSoon when the deadline is already reached, so a body that never suspends completes", () => {
    const log = scenario(function* (t) {
      const r = yield* timeout(0, function* (s) {
        t.note("body ran");
        return s;
      });
      t.note(`ok expired=${r.expired()}`);
      try {
        yield* timeout(-1, function* () {
          t.note("body2");
          yield* sleep(0);
          t.note("never");
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        t.note("timeout2");
      }
    });
    expect(log).toEqual([
      [0, "body ran@1"],
      [0, "ok expired=false@1"],
      [0, "body2@1"],
      [0, "timeout2@2"],
    ]);
  });

  it("moves the deadline with reschedule()", () => {
    const log = scenario(function* (t) {
      try {
        yield* timeout(1, function* (s) {
          yield* sleep(0.5);
          s.reschedule(t.loop.time() + 3);
          yield* sleep(2);
          t.note("still here");
          yield* sleep(5);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        t.note("timeout");
      }
    });
    expect(log).toEqual([
      [2.5, "still here@5"],
      [3.5, "timeout@7"],
    ]);
  });

  it("timeoutAt takes an absolute deadline; null never expires; when() reads it", () => {
    const log = scenario(function* (t) {
      yield* sleep(1);
      try {
        yield* timeoutAt(3, function* (s) {
          t.note(`when ${s.when()}`);
          yield* sleep(5);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        t.note("timeout");
      }
      const v = yield* timeout(null, function* (s) {
        expect(s.when()).toBe(null);
        return yield* sleep(100, "v");
      });
      t.note(v);
    });
    expect(log.map(([time, l]) => [time, l.replace(/@\d+$/, "")])).toEqual([
      [1, "when 3"],
      [3, "timeout"],
      [103, "v"],
    ]);
  });

  it("lets a cancellation from outside propagate as CancelledError, not TimeoutError (asyncio's trace)", () => {
    const log = scenario(function* (t) {
      const inner = t.loop.createTask(
        timeout(5, function* () {
          yield* sleep(10);
        }),
      );
      yield* sleep(1);
      inner.cancel();
      try {
        yield* inner;
      } catch (e) {
        t.note(e instanceof CancelledError ? "cancelled" : String(e));
      }
    });
    expect(log).toEqual([[1, "cancelled@6"]]);
  });

  it("refuses reschedule() outside the body, and use outside a task", () => {
    scenario(function* () {
      let kept: Timeout | undefined;
      yield* timeout(1, function* (s) {
        kept = s;
        yield* sleep(0);
      });
      expect(() => kept?.reschedule(5)).toThrow(TimeoutStateError);
      expect(() => new Timeout(1).reschedule(2)).toThrow(/has not been entered/);
    });
  });
});
