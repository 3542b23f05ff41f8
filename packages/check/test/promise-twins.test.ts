import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bugs } from "../examples/bugs/index.ts";
import { promiseTwins } from "../examples/promise-twins.ts";

const FIXED_RUNS = 300;

const expectedMessage = {
  error: /^(?!deadlock|invariant)/,
  deadlock: /^deadlock: /,
  invariant: /^invariant: /,
} as const;

describe("the Promise twins of the corpus, under fast-check's fc.scheduler", () => {
  it("cover the corpus, in its order", () => {
    expect(promiseTwins.map((twin) => twin.id)).toEqual(bugs.map((bug) => bug.id));
    for (const twin of promiseTwins) expect(twin.kind).toBe(bugs.find((bug) => bug.id === twin.id)?.kind);
  });

  describe.each(promiseTwins.map((twin) => [twin.id, twin] as const))("%s", (_id, twin) => {
    it(`is found within ${twin.budget} runs, with the corpus's kind of failure`, async () => {
      const result = await fc.check(fc.asyncProperty(fc.scheduler(), twin.buggy), {
        seed: 1,
        numRuns: twin.budget,
        endOnFailure: true,
      });
      expect(result.failed).toBe(true);
      expect(result.numRuns).toBeLessThanOrEqual(twin.budget);
      const error = result.errorInstance as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(expectedMessage[twin.kind]);
    });

    it(`has a fixed twin that passes ${FIXED_RUNS} runs`, async () => {
      await fc.assert(fc.asyncProperty(fc.scheduler(), twin.fixed), { seed: 1, numRuns: FIXED_RUNS });
    });
  });
});
