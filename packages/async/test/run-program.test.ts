import type { JitterPoint, SchedulingPolicy } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { install, runProgramAsync } from "../src/index.ts";

const reverseTies: SchedulingPolicy = {
  name: "reverse-ties",
  levels: { ties: true, interleave: false, jitter: false, faults: false },
  choose: (point) => (point.kind === "tie" ? point.candidates.length - 1 : 0),
  chooseDuration: (point) => point.min,
};

/** A lost update: two workers read, wait, and write back a shared counter. */
async function lostUpdate(): Promise<number> {
  let counter = 0;
  const worker = async (delay: number): Promise<void> => {
    const read = counter;
    await new Promise((resolve) => setTimeout(resolve, delay));
    counter = read + 1;
  };
  await Promise.all([worker(10), worker(10)]);
  if (counter !== 2) throw new Error(`lost update: counter is ${counter}`);
  return counter;
}

describe("runProgramAsync: one run as a function of the program, the loop options and the globals", () => {
  it("reports main's error, the deadlock, the leftovers and success as outcomes, never rejecting", async () => {
    const globals = install();
    try {
      const failed = await runProgramAsync(lostUpdate, { globals });
      expect(failed.failure?.kind).toBe("error");
      expect((failed.failure?.error as Error).message).toBe("lost update: counter is 1");
      const stuck = await runProgramAsync(() => new Promise(() => undefined), { globals });
      expect(stuck.failure?.kind).toBe("deadlock");
      const leftover = await runProgramAsync(async () => void setTimeout(() => undefined, 5), { globals });
      expect(leftover.failure?.kind).toBe("leftover-timers");
      const thrown = await runProgramAsync(
        async () => {
          setTimeout(() => {
            throw new Error("in a timer");
          }, 1);
          await new Promise((resolve) => setTimeout(resolve, 2));
        },
        { globals },
      );
      expect(thrown.failure?.kind).toBe("unhandled");
      const rejection = await runProgramAsync(
        async () => {
          void Promise.reject(new Error("unhandled"));
          await new Promise((resolve) => setTimeout(resolve, 2));
        },
        { globals },
      );
      expect(rejection.failure?.kind).toBe("unhandled-rejection");
      const ok = await runProgramAsync(async (loop) => loop.time(), { globals });
      expect(ok).toMatchObject({ value: 0 });
    } finally {
      globals.uninstall();
    }
  });

  it("asks the loop's policy at the choice points of async code: ties between timers due together", async () => {
    const order = async (policy?: SchedulingPolicy): Promise<unknown> => {
      const outcome = await runProgramAsync(
        async () => {
          const log: string[] = [];
          setTimeout(() => log.push("a"), 5);
          setTimeout(() => log.push("b"), 5);
          setTimeout(() => log.push("c"), 5);
          await new Promise((resolve) => setTimeout(resolve, 10));
          return log.join("");
        },
        policy === undefined ? {} : { policy },
      );
      return [outcome.value, outcome.loop.choiceLog().map((c) => `${c.kind}${c.options}=${c.pick}`)];
    };
    expect(await order()).toEqual(["abc", []]);
    expect(await order(reverseTies)).toEqual(["cba", ["tie3=2", "tie3=1", "tie2=0"]]);
  });

  it("gives the same outcome for the same seed and options (a run is deterministic)", async () => {
    const program = async (): Promise<string> => {
      const parts: string[] = [];
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 100)));
        parts.push(`${Date.now() % 100_000}`);
      }
      return parts.join(",");
    };
    const values = new Set<unknown>();
    for (let i = 0; i < 5; i++) values.add((await runProgramAsync(program, { seed: 7, random: true })).value);
    expect(values.size).toBe(1);
  });
});

describe("the install's jitter option", () => {
  const longest: SchedulingPolicy = {
    name: "longest",
    levels: { ties: false, interleave: false, jitter: true, faults: false },
    choose: () => 0,
    chooseDuration: (point) => point.max,
  };
  const program = async (loop: { time(): number }): Promise<number[]> => {
    const times: number[] = [];
    await new Promise((resolve) => setTimeout(resolve, 100));
    times.push(loop.time());
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const interval = setInterval(() => {
        times.push(loop.time());
        if (++ticks === 2) {
          clearInterval(interval);
          resolve();
        }
      }, 10);
    });
    return times;
  };

  it("lets a policy at the jitter level lengthen every timer within the bounds, and records the draws", async () => {
    const jittered = await runProgramAsync(program, { policy: longest, jitter: { absolute: 5, relative: 0.1 } });
    expect(jittered.value).toEqual([110, 125, 140]);
    expect(jittered.loop.choiceLog().map((c) => `${c.kind} ${c.min}..${c.max}=${c.pick}`)).toEqual([
      "jitter 100..110=110",
      "jitter 10..15=15",
      "jitter 10..15=15",
    ]);
  });

  it("gives each timer an uncertain delay the loop follows: the draw lists the other deadlines in its range", async () => {
    const points: JitterPoint[] = [];
    const recording: SchedulingPolicy = { ...longest, chooseDuration: (point) => (points.push(point), point.min) };
    const race = async (): Promise<string[]> => {
      const order: string[] = [];
      await Promise.all([
        new Promise<void>((resolve) => setTimeout(() => resolve(void order.push("slow")), 100)),
        new Promise<void>((resolve) => setTimeout(() => resolve(void order.push("fast")), 90)),
      ]);
      return order;
    };
    const result = await runProgramAsync(race, { policy: recording, jitter: { relative: 0.2 } });
    expect(result.value).toEqual(["fast", "slow"]);
    // The second timer (90..108) is drawn with the first one's deadline (100, its minimum) pending inside
    // its range; a bare loop.jitter number would come with no deadlines at all.
    expect(points.map((p) => [p.min, p.max, p.deadlines])).toEqual([
      [100, 120, []],
      [90, 108, [100]],
    ]);
  });

  it("changes nothing without a policy at the jitter level, and refuses negative bounds", async () => {
    expect((await runProgramAsync(program, { jitter: { absolute: 5 } })).value).toEqual([100, 110, 120]);
    expect(() => install({ jitter: { absolute: -1 } })).toThrow(/jitter bounds/);
  });
});
