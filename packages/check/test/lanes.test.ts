import { describe, expect, it } from "vitest";
import { EventLoop } from "@simloop/core";
import { sleep } from "@simloop/coroutines";
import { exploreAsync, formatReport, runProgram, Schedule, toChromeTrace } from "../src/index.ts";
import { formatLanes, LANES_LEGEND, lanesLegend, pendingOf, runLanes } from "../src/lanes.ts";
import { staleOverwrite } from "./fixtures/async-programs.ts";

function* sleeper(_loop: EventLoop) {
  for (let i = 0; i < 40; i++) yield* sleep(1);
}

describe("the lanes' legend", () => {
  it("names asyncio's order for a generator program and Node's for an async one, and explains every mark", () => {
    expect(LANES_LEGEND).toBe(lanesLegend(false));
    expect(lanesLegend()).toBe(LANES_LEGEND);
    expect(lanesLegend(false)).toMatch(/◆ a deviation from asyncio's order$/);
    expect(lanesLegend(true)).toMatch(/◆ a deviation from Node's order$/);
    expect(lanesLegend(true)).not.toContain("asyncio");
    for (const mark of ["▶ starts", "● runs", "✓ done", "~ sleeping", ". waiting", "? still waiting"]) {
      expect(lanesLegend(true)).toContain(mark);
      expect(LANES_LEGEND).toContain(mark);
    }
  });
});

describe("the lanes of a run", () => {
  it("say what each task waited for between its steps", () => {
    const outcome = runProgram(sleeper, { sites: true });
    const lane = runLanes(outcome.trace).lanes[0]!;
    expect(lane.steps).toHaveLength(41);
    expect(lane.spans).toHaveLength(40);
    expect(lane.spans[0]).toMatchObject({ start: 0, end: 1, state: "sleeping" });
    expect(lane.spans[0]!.what).toMatch(/^sleep\(1\) in sleeper \(lanes\.test\.ts:\d+\)$/);
  });

  it("mark a task still waiting at the end with what it waits on", () => {
    expect(
      pendingOf(["task 'Task-2' waits on <Future pending>, created by task 'Task-2'", "runUntilComplete() waits on x"]),
    ).toEqual(new Map([["Task-2", "waits on <Future pending>, created by task 'Task-2'"]]));
  });

  it("are printed in a report only when short enough, unless asked for", () => {
    const outcome = runProgram(sleeper, { sites: true });
    expect(formatLanes(outcome.trace)[1]).toMatch(/^Task-1 +▶~+●~+●/);
    const input = {
      name: "sleeper",
      kind: "error" as const,
      error: new Error("boom"),
      policy: "random",
      levels: "ties",
      seed: 0,
      run: 0,
      runSeed: 0,
      runs: 1,
      schedule: Schedule.fifo,
      original: Schedule.fifo,
      shrinkRuns: 0,
      trace: outcome.trace,
    };
    // 41 instants do not fit in 100 characters.
    expect(formatReport(input)).not.toContain("Lanes of the minimal failing run");
    expect(formatReport({ ...input, lanes: true })).toContain("Lanes of the minimal failing run");
    const short = runProgram(function* (_loop: EventLoop) {
      yield* sleep(1);
    });
    expect(formatReport({ ...input, trace: short.trace })).toContain("Lanes of the minimal failing run");
    expect(formatReport({ ...input, trace: short.trace, lanes: false })).not.toContain("Lanes");
  });

  it("of an async program (no task) are one per call that armed a callback, and its failure carries the pictures' inputs", async () => {
    const result = await exploreAsync(staleOverwrite, { runs: 200, seed: 1 });
    const failure = result.failure!;
    expect(failure.replay).toBe(
      `await replayAsync(staleOverwrite, "${failure.schedule.toString()}", { seed: ${failure.runSeed} });`,
    );
    expect(failure.decisions.decisions.length).toBeGreaterThanOrEqual(failure.schedule.decisions.length);
    const { lanes } = runLanes(failure.trace);
    expect(lanes.length).toBeGreaterThan(0);
    expect(lanes.every((lane) => lane.steps.length > 0 && lane.spans.length === 0)).toBe(true);
    // The report draws them under the deviation's mark.
    const section = failure.report.split("\n\n").find((part) => part.startsWith("Lanes of the minimal failing run"));
    expect(section?.split("\n")[2]).toMatch(/^ {2}decisions +◆/);
    expect(section?.split("\n")[3]).toMatch(/ ●$/);
    const choice = toChromeTrace(failure.trace, { decisions: failure.decisions }).traceEvents.find(
      (e) => e.cat === "choice",
    );
    expect(choice?.name).toMatch(/^◆ tie #0: /);
  });
});
