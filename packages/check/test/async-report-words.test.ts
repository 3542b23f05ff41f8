/**
 * An async failure's report says what the user wrote: a timer is named by its `setTimeout(fn, ms)` call
 * and the function and line that armed it (not the loop's `callAt(…, fireTimeout)`), and the install's
 * timer jitter is described in its own terms (every setTimeout may fire up to N ms late), not as
 * `loop.jitter`'s uncertain durations. The printed replay line runs as printed.
 */
import { describe, expect, it } from "vitest";
import { exploreAsync, formatReport, htmlReport, replayAsync, Schedule } from "../src/index.ts";

/** A save the page relies on, armed before a publish: with the save's timer late, the page publishes a draft. */
async function lateSave(): Promise<string> {
  const page = { saved: "draft", published: "" };
  setTimeout(function save() {
    page.saved = "final";
  }, 10);
  await new Promise<void>((resolve) => {
    setTimeout(function publish() {
      page.published = page.saved;
      resolve();
    }, 20);
  });
  if (page.published !== "final") throw new Error(`published the ${page.published}`);
  return page.published;
}

const jitter = { absolute: 15 };

describe("an async failure's report, in the user's words", () => {
  it("names timers by the setTimeout call that armed them and tells the jitter as timers firing late", async () => {
    const result = await exploreAsync(lateSave, { runs: 200, seed: 1, jitter });
    const report = result.failure?.report ?? "";
    expect(report).toContain(
      "jitter = how late each timer fires (every setTimeout and setInterval may fire up to 15 ms late)",
    );
    expect(report).not.toContain("loop.jitter");
    expect(report).not.toContain("fireTimeout");
    expect(report).not.toMatch(/callAt|callLater/);
    const deviations = report.split("\n").filter((line) => line.startsWith("  - decision #"));
    expect(deviations).toEqual([
      expect.stringMatching(
        /^ {2}- decision #0 at t=0 \(jitter: the install's jitter option: every setTimeout and setInterval may fire up to 15 ms late; without exploring each fires on time\): a 10 ms timer fires [\d.]+ ms late \(drew [\d.]+ in \[10, 25\]\)$/,
      ),
    ]);
    const timers = report.split("\n").filter((line) => / timer {5}/.test(line));
    expect(timers.map((line) => line.replace(/^ +t=\S+ +#\d+ +timer +/, ""))).toEqual([
      // The save, drawn late, never fired: the program failed first.
      "setTimeout(publish, 20) in lateSave (async-report-words.test.ts:17) ends, main",
    ]);
    expect(report).toMatch(
      /◆ jitter #0: a 10 ms timer fires [\d.]+ ms late \(drew [\d.]+ in \[10, 25\]\) {2}\(deviation\)/,
    );
  });

  it("the replay line, as printed, fails the same way", async () => {
    const failure = (await exploreAsync(lateSave, { runs: 200, seed: 1, jitter })).failure;
    const line = /await replayAsync\(lateSave, ("[^"]*"), \{ seed: (\d+), jitter: (\{[^}]*\}) \}\);/.exec(
      failure?.report ?? "",
    );
    expect(line).not.toBeNull();
    const [, schedule, seed, printedJitter] = line as RegExpExecArray;
    const replayed = await replayAsync(lateSave, JSON.parse(schedule as string) as string, {
      seed: Number(seed),
      jitter: JSON.parse(printedJitter as string) as typeof jitter,
    });
    expect(String(replayed.failure?.error)).toBe("Error: published the draft");
  });
});

/** Two timers due at the same instant, the first one expected to fire first: a tie decides. */
async function sameInstant(): Promise<void> {
  const order: string[] = [];
  setTimeout(function flush() {
    order.push("flush");
  }, 10);
  await new Promise<void>((resolve) => {
    setTimeout(function read() {
      order.push("read");
      resolve();
    }, 10);
  });
  if (order[0] !== "flush") throw new Error(`read before the flush: ${order.join(", ")}`);
}

describe("an async report's order is Node's, not asyncio's", () => {
  it("tells the deviations, the schedule and the lanes against Node's order", async () => {
    const report = (await exploreAsync(sameInstant, { runs: 100, seed: 1 })).failure?.report ?? "";
    expect(report).toContain("Deviations from Node's order:");
    expect(report).toContain("(tie: timers due at the same instant; Node fires them in the order they were armed)");
    expect(report).toContain("(0 is Node's)");
    expect(report).toContain("1 deviation (a pick other than Node's own order)");
    expect(report).toContain("◆ a deviation from Node's order");
    expect(report).toMatch(
      /ran "setTimeout\(read, 10\) in sameInstant \([^)]*\)" first, where Node runs "setTimeout\(flush/,
    );
    expect(report).not.toContain("asyncio");
  });

  it("a generator program's report keeps asyncio's order", () => {
    const report = formatReport({
      name: "buggy",
      kind: "error",
      error: new Error("boom"),
      policy: "random",
      levels: "ties",
      seed: 1,
      run: 0,
      runs: 1,
      runSeed: 7,
      schedule: Schedule.parse("v2:t2=1"),
      original: Schedule.parse("v2:t2=1"),
      shrinkRuns: 0,
      trace: [],
    });
    expect(report).toContain("Deviations from asyncio's order:");
    expect(report).toContain("asyncio fires them in the order they were armed");
    expect(report).not.toContain("Node");
  });
});

describe("the HTML report of an async failure, in the text report's words", () => {
  it("tells the install's jitter as timers firing late, and Node's order", async () => {
    const failure = (await exploreAsync(lateSave, { runs: 200, seed: 1, jitter })).failure;
    expect(failure).toBeDefined();
    const html = htmlReport(failure as NonNullable<typeof failure>);
    const section = /<section id="deviations">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    expect(section).toContain("<h2>Deviations from Node's order</h2>");
    const entries = [...section.matchAll(/<li class="deviation">([^<]*)<\/li>/g)].map((m) => m[1]);
    expect(entries).toEqual([
      expect.stringMatching(
        /^decision #0 at t=0 \(jitter: the install&#39;s jitter option: every setTimeout and setInterval may fire up to 15 ms late; without exploring each fires on time\): a 10 ms timer fires [\d.]+ ms late \(drew [\d.]+ in \[10, 25\]\)$/,
      ),
    ]);
    expect(html).not.toContain("loop.jitter");
    expect(html).not.toContain("asyncio");
    expect(html).toMatch(/jitter #0 \(deviation\): a 10 ms timer fires [\d.]+ ms late/);
  });
});
