import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodePromiseTwins } from "../examples/node-promise-twins.ts";
import { promiseTwins } from "../examples/promise-twins.ts";
import { simloopScheduler } from "../src/index.ts";

const FIXED_RUNS = 100;

const expectedMessage = {
  error: /^(?!deadlock|invariant)/,
  deadlock: /^deadlock: /,
  invariant: /^invariant: /,
} as const;

// promise-twins.test.ts runs the same programs with `fc.scheduler()`; here only that argument differs.
describe.each([
  ["the corpus", promiseTwins],
  ["the corpus modelled on Node.js issues", nodePromiseTwins],
] as const)(
  "the Promise twins of %s, unchanged, with simloopScheduler() in place of fc.scheduler()",
  (_name, twins) => {
    describe.each(twins.map((twin) => [twin.id, twin] as const))("%s", (_id, twin) => {
      it(`is found within ${twin.budget} runs, with the corpus's kind of failure, and shrunk to a replayable schedule`, async () => {
        const result = await fc.check(fc.asyncProperty(simloopScheduler(), twin.buggy), {
          seed: 1,
          numRuns: twin.budget,
        });
        expect(result.failed).toBe(true);
        expect(result.numRuns).toBeLessThanOrEqual(twin.budget);
        const error = result.errorInstance as Error;
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toMatch(expectedMessage[twin.kind]);
        const replay = /^simloopScheduler\(\{ replay: ("v2:[^"]*") \}\)/.exec(String(result.counterexample?.[0]));
        expect(replay).not.toBeNull();
        const again = await fc.check(
          fc.asyncProperty(
            simloopScheduler({ replay: JSON.parse((replay as RegExpExecArray)[1] as string) as string }),
            twin.buggy,
          ),
          { seed: 2, numRuns: 1 },
        );
        expect((again.errorInstance as Error).message).toBe(error.message);
      });

      it(`has a fixed twin that passes ${FIXED_RUNS} runs`, async () => {
        await fc.assert(fc.asyncProperty(simloopScheduler(), twin.fixed), { seed: 1, numRuns: FIXED_RUNS });
      });
    });
  },
);
