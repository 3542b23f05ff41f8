import { describe, expect, it } from "vitest";
import { PolicyError, type EventLoop, type ChoicePoint, type JitterPoint, type SchedulingPolicy } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import {
  assertExplore,
  classifyError,
  explore,
  ExplorationFailedError,
  RecordingPolicy,
  resolveLevels,
  Schedule,
  type Coverage,
  type ExplorationPolicy,
} from "../src/index.ts";
import { lostUpdateBug } from "../examples/bugs/lost-update.ts";

/** A policy whose answers come from `answer`; it may throw or answer out of range. */
class Scripted extends RecordingPolicy {
  private readonly answer: (point: ChoicePoint) => number;
  constructor(answer: (point: ChoicePoint) => number) {
    super("scripted", resolveLevels({}));
    this.answer = answer;
  }
  protected pick(point: ChoicePoint): number {
    return this.answer(point);
  }
  protected draw(point: JitterPoint): number {
    return point.min;
  }
}

/** The same, as a plain object (not a RecordingPolicy: explore runs it traced, as runProgram does). */
function plainPolicy(answer: (point: ChoicePoint) => number): ExplorationPolicy {
  let picks: number[] = [];
  return {
    name: "plain",
    levels: resolveLevels({}),
    choose(point: ChoicePoint) {
      const pick = answer(point);
      picks.push(pick);
      return pick;
    },
    chooseDuration: (point: JitterPoint) => point.min,
    beginRun() {
      picks = [];
      return true;
    },
    endRun() {},
    schedule: () => new Schedule(picks.map((pick) => ({ kind: "tie" as const, options: 2, pick }))),
    coverage: (): Coverage => ({ policy: "plain", summary: "plain" }),
  } satisfies ExplorationPolicy & SchedulingPolicy;
}

describe("explore: a custom policy that breaks its contract (issue 11 item 8)", () => {
  const broken = {
    throws: () => {
      throw new RangeError("my policy has no answer");
    },
    "answers out of range": (point: ChoicePoint) => point.options + 3,
  };
  for (const [what, answer] of Object.entries(broken)) {
    for (const [shape, make] of [
      ["a RecordingPolicy", () => new Scripted(answer)],
      ["a plain policy object", () => plainPolicy(answer)],
    ] as const) {
      it(`${what} (${shape}): reported as policy with the policy's own message, not as nondeterminism`, () => {
        const result = explore(lostUpdateBug.buggy, { policy: make(), runs: 5 });
        expect(result.failure?.kind).toBe("policy");
        expect(result.failure?.error).toBeInstanceOf(PolicyError);
        const message = (result.failure?.error as Error).message;
        if (what === "throws") expect(message).toMatch(/my policy has no answer/);
        else expect(message).toMatch(/5/);
        expect(result.failure?.report).not.toMatch(/Math\.random|not deterministic/);
        expect(result.failure?.report).toMatch(/the scheduling policy failed/);
      });
    }
  }
});

describe("explore: unprintable thrown values (issue 11 item 9)", () => {
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const values: [string, () => unknown][] = [
    ["a null-prototype object", () => Object.create(null)],
    ["a revoked Proxy", revoked],
    [
      "an object whose toString throws",
      () => ({
        toString: () => {
          throw new Error("no");
        },
      }),
    ],
  ];
  for (const [what, make] of values) {
    it(`the program throwing ${what}: a report, not a crash`, () => {
      const result = explore(
        function* thrower() {
          yield* sleep(1);
          throw make();
        },
        { runs: 3 },
      );
      expect(result.ok).toBe(false);
      // Core currently leaves a task that threw a revoked Proxy unresumed (a deadlock): a report all the same.
      if (what !== "a revoked Proxy") {
        expect(result.failure?.kind).toBe("error");
        expect(result.failure?.report).toMatch(/^simloop check failed: thrower: the program threw\n  \[/);
      }
      expect(result.failure?.report).toMatch(/^simloop check failed: thrower: /);
      expect(() =>
        assertExplore(
          function* thrower() {
            throw make();
          },
          { runs: 1 },
        ),
      ).toThrow(ExplorationFailedError);
    });

    it(`a task failing with ${what} that nobody retrieves: reported as unretrieved`, () => {
      const result = explore(
        function* orphan(loop: EventLoop) {
          loop.createTask(
            (function* () {
              yield* sleep(1);
              throw make();
            })(),
          );
          yield* sleep(2);
        },
        { runs: 3 },
      );
      expect(result.ok).toBe(false);
      if (what !== "a revoked Proxy") {
        expect(result.failure?.kind).toBe("unretrieved");
        expect(result.failure?.report).toMatch(/never retrieved/);
      }
      expect(result.failure?.report).toMatch(/^simloop check failed: orphan: /);
    });
  }
});

describe("check's own descriptions of thrown values (issue 11 item 9)", () => {
  it("classifies and wires a revoked Proxy without throwing", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(classifyError(proxy)).toBe("error");
  });
});
