import { describe, expect, it } from "vitest";
import { main } from "../src/cli.ts";
import {
  asyncProgram,
  CheckArgumentError,
  explore,
  ExplorationFailedError,
  exploreParallel,
  isAsyncProgram,
  simloopTest,
  type TestContextLike,
} from "../src/index.ts";
import { guardedOverwrite, staleOverwrite } from "./fixtures/async-programs.ts";

const fixture = new URL("./fixtures/async-programs.ts", import.meta.url);

describe("async programs where both kinds are taken (decision 0030)", () => {
  it("recognises an async function by its constructor, and a wrapped plain function", () => {
    expect(isAsyncProgram(staleOverwrite)).toBe(true);
    expect(isAsyncProgram(async () => {})).toBe(true);
    expect(isAsyncProgram(function* generator() {})).toBe(false);
    const plain = (): Promise<void> => staleOverwrite();
    expect(isAsyncProgram(plain)).toBe(false);
    const wrapped = asyncProgram(plain);
    expect([isAsyncProgram(wrapped), wrapped.name]).toEqual([true, "plain"]);
    expect(asyncProgram(staleOverwrite)).toBe(staleOverwrite);
    expect(() => asyncProgram(42 as never)).toThrow(CheckArgumentError);
  });

  it("explore refuses a plain function that returns a Promise, and says what to use", () => {
    const plain = (): Promise<void> => Promise.resolve();
    expect(() => explore(plain as never, { runs: 1 })).toThrow(
      /returned a Promise: it is an async program\. Explore it with exploreAsync/,
    );
  });

  it("simloopTest explores an async program with exploreAsync and fails with the report and the rerun line", async () => {
    const bodies: ((context?: TestContextLike) => void | Promise<void>)[] = [];
    const test = (_name: string, body: (context?: TestContextLike) => void | Promise<void>): void => {
      bodies.push(body);
    };
    simloopTest(test, "stale overwrite", staleOverwrite, { runs: 100, output: false });
    simloopTest(test, "guarded overwrite", guardedOverwrite, { runs: 50, output: false });
    const error = await Promise.resolve(bodies[0]?.()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExplorationFailedError);
    expect((error as Error).message).toContain("await replayAsync(staleOverwrite");
    expect((error as Error).message).toContain("Rerun it alone: SIMLOOP_SEED=0 SIMLOOP_RUNS=100");
    await expect(Promise.resolve(bodies[1]?.())).resolves.toBeUndefined();
  });

  it("simloop explore and replay take a module exporting an async program", async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const code = await main(["explore", fixture.pathname, "--export", "staleOverwrite", "--runs", "50"], io);
    expect(code).toBe(1);
    const text = out.join("\n");
    expect(text).toContain("stale value: cache holds version 1 of 2");
    const replay = /simloop replay \S+ (\S+) --seed (\d+) --export staleOverwrite/.exec(text);
    expect(replay).not.toBeNull();
    out.length = 0;
    const [, schedule, seed] = replay as RegExpExecArray;
    const again = ["replay", fixture.pathname, (schedule as string).replace(/^'|'$/g, ""), "--seed", seed as string];
    expect(await main([...again, "--export", "staleOverwrite"], io)).toBe(1);
    expect(out.join("\n")).toContain("stale value: cache holds version 1 of 2");
  });

  it("exploreParallel's workers explore an async program", async () => {
    const result = await exploreParallel(fixture.href, "staleOverwrite", {
      policy: "random",
      runs: 40,
      workers: 2,
      seed: 1,
    });
    expect(result.failure?.kind).toBe("error");
    expect(String(result.failure?.error.message)).toContain("stale value");
  });
});
