import type { ChoicePoint, SchedulingPolicy } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { TIMEOUT_MAX, runAsync } from "../src/index.ts";

describe("virtual timers follow Node's rules", () => {
  it("coerce delays as Node does: outside [1, 2^31-1] is 1 ms, strings are numbers, fractions truncate", async () => {
    const fired = await runAsync(async (loop) => {
      const log: string[] = [];
      const at = (label: string, delay: unknown): void => {
        setTimeout(() => log.push(`${label}@${loop.time()}`), delay as number);
      };
      at("zero", 0);
      at("negative", -5);
      at("nan", Number.NaN);
      at("undefined", undefined);
      at("string", "10");
      at("fraction", 2.9);
      at("overflow", TIMEOUT_MAX + 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return log;
    });
    expect(fired).toEqual(["zero@1", "negative@1", "nan@1", "undefined@1", "overflow@1", "fraction@2", "string@10"]);
  });

  it("refuse a callback that is not a function with Node's TypeError", async () => {
    await runAsync(async () => {
      let caught: unknown;
      try {
        setTimeout("code" as never, 1);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TypeError);
      expect((caught as { code?: string }).code).toBe("ERR_INVALID_ARG_TYPE");
    });
  });

  it("pass extra arguments, call with the timer as this, clear intervals by id, and dispose", async () => {
    const log: unknown[] = [];
    await runAsync(async () => {
      const timeout = setTimeout(
        function (this: unknown, a: string, b: number) {
          log.push(this === timeout, a, b);
        },
        1,
        "x",
        2,
      );
      const interval = setInterval(() => log.push("tick"), 3);
      const id = +interval;
      setTimeout(() => clearInterval(id as unknown as NodeJS.Timeout), 7);
      {
        using disposed = setTimeout(() => log.push("disposed timer fired"), 1);
        void disposed;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(log).toEqual([true, "x", 2, "tick", "tick"]);
  });

  it("runs immediates before a setTimeout(0) scheduled with them from main, and in FIFO order", async () => {
    const log = await runAsync(async () => {
      const order: string[] = [];
      setTimeout(() => order.push("timeout 0"), 0);
      setImmediate(() => order.push("immediate 1"));
      setImmediate(() => order.push("immediate 2"));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return order;
    });
    expect(log).toEqual(["immediate 1", "immediate 2", "timeout 0"]);
  });

  it("does not explore Node's open order of setTimeout(0) and setImmediate: the immediate first, from main and from an immediate, under every choice", async () => {
    // Node leaves this order to real time (whether 1 ms passed before the next timers phase); on virtual
    // time the timeout is 1 ms later, and no choice point moves time (docs/async.md). A policy asked
    // everything, answering the last option, and one answering the first, give the same order.
    const everyLevel = { ties: true, interleave: true, jitter: true, faults: true, io: true };
    const policies: SchedulingPolicy[] = [
      {
        name: "last",
        levels: everyLevel,
        choose: (point: ChoicePoint) => point.options - 1,
        chooseDuration: (p) => p.max,
      },
      { name: "first", levels: everyLevel, choose: () => 0, chooseDuration: (p) => p.min },
    ];
    for (const policy of policies) {
      const log = await runAsync(
        async (loop) => {
          const order: string[] = [];
          setTimeout(() => order.push(`timeout from main@${loop.time()}`), 0);
          setImmediate(() => {
            order.push(`immediate from main@${loop.time()}`);
            setTimeout(() => order.push(`timeout from an immediate@${loop.time()}`), 0);
            setImmediate(() => order.push(`immediate from an immediate@${loop.time()}`));
          });
          await new Promise((resolve) => setTimeout(resolve, 5));
          return order;
        },
        { policy, jitter: { absolute: 0 } },
      );
      // (The two timeouts, both due at t=1, are a tie the "last" policy may reorder.)
      expect(log.slice(0, 2), policy.name).toEqual(["immediate from main@0", "immediate from an immediate@0"]);
      expect(log.slice(2).sort(), policy.name).toEqual(["timeout from an immediate@1", "timeout from main@1"]);
    }
  });
});
