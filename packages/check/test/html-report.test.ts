import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import {
  CheckArgumentError,
  createStore,
  escapeHtml,
  explore,
  exploreAsync,
  htmlReport,
  ReportWriteError,
  writeHtmlReport,
  type ExploreFailure,
} from "../src/index.ts";
import { lockOrderDeadlockBug } from "../examples/bugs/lock-order-deadlock.ts";
import { semaphoreDoubleReleaseBug } from "../examples/bugs/semaphore-double-release.ts";
import { staleOverwrite } from "./fixtures/async-programs.ts";

const scratch = mkdtempSync(join(tmpdir(), "simloop-html-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function doubleRelease(): ExploreFailure {
  const result = explore(semaphoreDoubleReleaseBug.buggy, { policy: "pct", runs: 50, seed: 1 });
  return result.failure!;
}

const count = (text: string, part: string): number => text.split(part).length - 1;

describe("htmlReport", () => {
  it("draws a lane per task, marks the deviation, lists the state changes and prints the replay line", () => {
    const failure = doubleRelease();
    const html = htmlReport(failure);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<title>simloop check failed: doubleRelease: an invariant was violated</title>");
    // Lanes: one per task, titled with its function.
    for (const title of ["Task-1 (doubleRelease)", "Task-2 (query)", "Task-3 (healthCheck)", "Task-4 (query)"]) {
      expect(html).toContain(`>${title}</text>`);
    }
    // The deviation: a mark on the decisions row and a band across the lanes, at t=1, explained in words.
    expect(count(html, 'class="mark deviation"')).toBe(1);
    expect(count(html, 'class="deviation-band"')).toBe(1);
    expect(html).toContain(
      "tie #0 (deviation): ran &quot;sleep(1) in healthCheck (semaphore-double-release.ts:48), Task-3&quot; first",
    );
    expect(html).toMatch(/<li class="deviation">decision #0 at t=1 \(tie: /);
    // Waits are spans, named by the sleep or by who woke the task.
    expect(html).toContain("sleeping from t=0 to t=1: sleep(1) in healthCheck (semaphore-double-release.ts:48)");
    expect(html).toContain("waiting from t=0 to t=2: woken by gather, after Task-4");
    // Every state change of the store, with the keys that changed, and a mark on its task's lane.
    const notes = failure.trace.filter((e) => e.kind === "note" && e.label.startsWith("state:")).length;
    expect(notes).toBeGreaterThan(2);
    expect(count(html, '<tr class="state-change">')).toBe(notes);
    // One mark per task and instant: Task-2 changed the pool twice at t=1.
    const instants = new Set(
      failure.trace
        .filter((e) => e.kind === "note" && e.label.startsWith("state:"))
        .map((e) => `${e.source}@${e.time}`),
    );
    expect(instants.size).toBeLessThan(notes);
    expect(count(html, 'class="mark state"')).toBe(instants.size);
    expect(html).toMatch(/Task-2 \(query\) at t=1: pool = \{[^}]*\}; then pool = \{/);
    expect(html).toContain('<td class="changed">free, inUse</td>');
    // The replay line, escaped, with its copy button.
    expect(failure.replay).toMatch(/^replay\(doubleRelease, "v2:t2=1", \{ seed: \d+ \}\);$/);
    expect(html).toContain(`<code id="replay-line">${escapeHtml(failure.replay)}</code>`);
    expect(html).toContain('<button id="copy" type="button">Copy</button>');
    // Self-contained: nothing fetched from elsewhere.
    expect(html).not.toMatch(/\b(src|href)=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("shows a deadlock's waiters as lanes still waiting at the end", () => {
    const failure = explore(lockOrderDeadlockBug.buggy, { policy: "pct", runs: 100, seed: 1 }).failure!;
    expect(failure.kind).toBe("deadlock");
    const html = htmlReport(failure);
    expect(count(html, 'class="span pending"')).toBe(3);
    expect(html).toContain("pending from t=1 to the end of the run: waits on &lt;Future pending Lock.acquire&gt;");
  });

  it("escapes every string that comes from the program", () => {
    const evil = `<img src=x onerror="alert(1)">&'`;
    function* program(loop: EventLoop) {
      const store = createStore(loop, { note: "" }, { name: "<b>store</b>" });
      yield* gather(
        (function* () {
          yield* sleep(1);
          store.update((s) => {
            s.note = `</script><script>alert(2)</script>`;
          });
        })(),
        (function* () {
          yield* sleep(1);
          if (store.get().note !== "") throw new Error(evil);
        })(),
      );
    }
    const failure = explore(program, { policy: "random", runs: 50, seed: 1, name: "<i>name</i>" }).failure!;
    expect(failure).toBeDefined();
    const html = htmlReport(failure);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<i>");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;");
    expect(html).toContain("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
    // The page's one script is its own.
    expect(count(html, "<script>")).toBe(1);
    expect(count(html, "</script>")).toBe(1);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("draws an async program's callbacks, one lane per call that armed them", async () => {
    const failure = (await exploreAsync(staleOverwrite, { runs: 200, seed: 1 })).failure!;
    const html = htmlReport(failure);
    expect(html).toContain('class="mark deviation"');
    expect(html).toContain('class="mark step"');
    expect(html).toContain(`<code id="replay-line">${escapeHtml(failure.replay)}</code>`);
    expect(failure.replay.startsWith("await replayAsync(staleOverwrite, ")).toBe(true);
  });

  it("draws at most maxInstants columns and says how many were left out", () => {
    function* ticks(_loop: EventLoop) {
      for (let i = 0; i < 30; i++) yield* sleep(1);
      throw new Error("done");
    }
    const failure = explore(ticks, { runs: 1 }).failure!;
    const html = htmlReport(failure, { maxInstants: 10, title: "ticks" });
    expect(count(html, 'class="time"')).toBe(10);
    expect(html).toContain("The first 10 of 31 instants are drawn (maxInstants).");
    expect(html).toContain("<title>ticks</title>");
  });

  it("refuses what is not a failure, and bad options, with a CheckArgumentError", () => {
    const failure = doubleRelease();
    expect(() => htmlReport(undefined as unknown as ExploreFailure)).toThrow(CheckArgumentError);
    expect(() => htmlReport({ ...failure, trace: undefined } as unknown as ExploreFailure)).toThrow(
      /htmlReport expects a failure .* its trace is not an array/,
    );
    expect(() => htmlReport({ ...failure, schedule: "v2:t2=1" } as unknown as ExploreFailure)).toThrow(
      /its schedule is not a Schedule/,
    );
    expect(() => htmlReport(failure, { maxInstants: 0 })).toThrow(CheckArgumentError);
    expect(() => writeHtmlReport(failure, "")).toThrow(CheckArgumentError);
  });

  it("writes the page to a file, creating its directory, and says when it cannot", () => {
    const failure = doubleRelease();
    const file = writeHtmlReport(failure, join(scratch, "nested", "dir", "report.html"));
    expect(file).toBe(join(scratch, "nested", "dir", "report.html"));
    expect(readFileSync(file, "utf8")).toBe(htmlReport(failure));
    // A directory under a file cannot be created.
    writeFileSync(join(scratch, "a-file"), "");
    const blocked = join(scratch, "a-file", "report.html");
    let thrown: unknown;
    try {
      writeHtmlReport(failure, blocked);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ReportWriteError);
    expect((thrown as ReportWriteError).code).toBe("REPORT_WRITE");
    expect((thrown as ReportWriteError).path).toBe(blocked);
  });
});
