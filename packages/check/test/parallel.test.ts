import { describe, expect, it } from "vitest";
import { CheckArgumentError, explore, exploreAsync, exploreParallel, htmlReport } from "../src/index.ts";
import { lostUpdateBug } from "../examples/bugs/lost-update.ts";
import { semaphoreDoubleReleaseBug } from "../examples/bugs/semaphore-double-release.ts";
import { staleReadDepth3Bug } from "../examples/bugs/stale-read-depth3.ts";
import { refreshTokenReuseBug } from "../examples/bugs/node/refresh-token-reuse.ts";
import { staleOverwrite } from "./fixtures/async-programs.ts";

const moduleUrl = new URL("../examples/bugs/stale-read-depth3.ts", import.meta.url).href;
const lostUpdateUrl = new URL("../examples/bugs/lost-update.ts", import.meta.url).href;
const semaphoreUrl = new URL("../examples/bugs/semaphore-double-release.ts", import.meta.url).href;
const asyncProgramsUrl = new URL("./fixtures/async-programs.ts", import.meta.url).href;
const refreshUrl = new URL("../examples/bugs/node/refresh-token-reuse.ts", import.meta.url).href;

describe("exploreParallel", () => {
  it("finds what one sequential random campaign finds, at the same run, on two workers", async () => {
    const sequential = explore(staleReadDepth3Bug.buggy, { policy: "random", runs: 40, seed: 5 });
    const parallel = await exploreParallel(moduleUrl, "staleReadDepth3Bug.buggy", {
      policy: "random",
      runs: 40,
      seed: 5,
      workers: 2,
    });
    expect(sequential.ok).toBe(false);
    expect(parallel.ok).toBe(false);
    expect(parallel.failure!.run).toBe(sequential.failure!.run);
    expect(parallel.runs).toBe(sequential.runs);
    expect(parallel.failure!.schedule.toString()).toBe(sequential.failure!.schedule.toString());
    expect(parallel.failure!.report).toBe(sequential.failure!.report);
  }, 60_000);

  it("pct: finds the same failure at the same run with the same schedule on 1, 2 and 4 workers", async () => {
    // The first failure (run 4) lies past the first worker's range: such a worker re-runs run 0 to get
    // PCT's k (it must not estimate k from its own runs).
    const options = { policy: "pct", depth: 2, runs: 6, seed: 24 } as const;
    const sequential = explore(lostUpdateBug.buggy, options);
    expect(sequential.failure!.run).toBe(4);
    const results = await Promise.all(
      [1, 2, 4].map((workers) => exploreParallel(lostUpdateUrl, "lostUpdateBug.buggy", { ...options, workers })),
    );
    for (const parallel of results) {
      expect(parallel.ok).toBe(false);
      expect(parallel.failure!.run).toBe(sequential.failure!.run);
      expect(parallel.failure!.runSeed).toBe(sequential.failure!.runSeed);
      expect(parallel.failure!.original.toString()).toBe(sequential.failure!.original.toString());
      expect(parallel.failure!.schedule.toString()).toBe(sequential.failure!.schedule.toString());
      expect(parallel.runs).toBe(sequential.runs);
    }
    expect(results.map((r) => r.coverage.length)).toEqual([1, 2, 3]);
  }, 60_000);

  it("mixed (the default): finds the same failure at the same run on 1 and 3 workers, learning from run 0 as a pilot", async () => {
    // The failing run lies in the last worker's range: it re-runs run 0 to learn the deadlines its draws
    // add (and PCT's k); without that pilot its runs would differ from the sequential campaign's.
    const options = { runs: 90, seed: 3, shrink: false } as const;
    const sequential = explore(refreshTokenReuseBug.buggy, options);
    expect(sequential.ok).toBe(false);
    expect(sequential.failure!.run).toBeGreaterThanOrEqual(60);
    const results = await Promise.all(
      [1, 3].map((workers) => exploreParallel(refreshUrl, "refreshTokenReuseBug.buggy", { ...options, workers })),
    );
    for (const parallel of results) {
      expect(parallel.policy).toBe("mixed(depth 2)");
      expect(parallel.failure!.run).toBe(sequential.failure!.run);
      expect(parallel.failure!.runSeed).toBe(sequential.failure!.runSeed);
      expect(parallel.failure!.original.toString()).toBe(sequential.failure!.original.toString());
    }
  }, 60_000);

  it("a failure carries what the HTML report draws: the same page as the sequential campaign's", async () => {
    const sequential = explore(semaphoreDoubleReleaseBug.buggy, { policy: "pct", runs: 50, seed: 1 });
    const parallel = await exploreParallel(semaphoreUrl, "semaphoreDoubleReleaseBug.buggy", {
      policy: "pct",
      runs: 50,
      seed: 1,
      workers: 2,
    });
    const html = htmlReport(parallel.failure!);
    expect(html).toBe(htmlReport(sequential.failure!));
    // Lanes titled with each task's function, the deviation marked with its candidates' labels, the replay line.
    expect(html).toContain(">Task-3 (healthCheck)</text>");
    expect(html.split('class="mark deviation"')).toHaveLength(2);
    expect(html).toContain("ran &quot;sleep(1) in healthCheck (semaphore-double-release.ts:48), Task-3&quot; first");
    expect(html).toContain(parallel.failure!.replay!.replaceAll('"', "&quot;"));
    expect(html).toContain('<li class="deviation">decision #0 at t=1 (tie: ');
    expect(parallel.failure!.schedule.toString()).toBe(sequential.failure!.schedule.toString());
  }, 60_000);

  it("an async program's failure too: deviations from Node's order, the same page as exploreAsync's", async () => {
    // exploreAsync's default policy is pct; exploreParallel's is mixed.
    const options = { policy: "pct", runs: 200, seed: 1 } as const;
    const sequential = await exploreAsync(staleOverwrite, options);
    const parallel = await exploreParallel(asyncProgramsUrl, "staleOverwrite", { ...options, workers: 2 });
    expect(parallel.failure?.async).toBe(true);
    const html = htmlReport(parallel.failure!);
    expect(html).toBe(htmlReport(sequential.failure!));
    expect(html).toContain('class="mark deviation"');
  }, 60_000);

  it("reports ok when no worker finds anything", async () => {
    const result = await exploreParallel(moduleUrl, "staleReadDepth3Bug.fixed", {
      policy: "pct",
      runs: 20,
      workers: 2,
    });
    expect(result.ok).toBe(true);
    expect(result.totalRuns).toBe(20);
    expect(result.coverage).toHaveLength(2);
  }, 60_000);

  it("refuses sequential policies", async () => {
    await expect(exploreParallel(moduleUrl, "x", { policy: "exhaustive" as never })).rejects.toBeInstanceOf(
      CheckArgumentError,
    );
  });
});
