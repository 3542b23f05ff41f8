import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CheckArgumentError, runSimloopCheck, runSimloopCheckAsync, type SimloopTestOptions } from "../src/index.ts";
import type { Program } from "../src/index.ts";
import { lostUpdateBug } from "../examples/bugs/lost-update.ts";
import { staleOverwrite } from "./fixtures/async-programs.ts";

const scratch = mkdtempSync(join(tmpdir(), "simloop-test-html-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FAILING = { policy: "pct", runs: 20, seed: 3, output: false } as const;

function failureMessage(program: Program, options: SimloopTestOptions, environment = {}): string {
  try {
    runSimloopCheck(program, options, environment);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}

describe("simloopTest's HTML report", () => {
  it("is written on failure into the htmlReport directory, and the message names the file before the rerun line", () => {
    const dir = join(scratch, "option");
    const message = failureMessage(lostUpdateBug.buggy, { ...FAILING, name: "deposits <add> up", htmlReport: dir });
    const file = /^HTML report \(open it in a browser\): (.*)$/m.exec(message)?.[1];
    expect(file).toBeDefined();
    expect(file!.startsWith(join(dir, "deposits-add-up-"))).toBe(true);
    expect(file!.endsWith(".html")).toBe(true);
    const html = readFileSync(file!, "utf8");
    expect(html).toContain("<title>simloop check failed: deposits &lt;add&gt; up: the program threw</title>");
    expect(html).toContain('<code id="replay-line">replay(lostUpdate, &quot;v2:t2=1&quot;');
    // The rerun line stays last.
    expect(message).toMatch(/\n\nHTML report \(open it in a browser\): .*\n\nRerun it alone: .*$/);
  });

  it("goes where SIMLOOP_HTML_REPORT says, is turned off by it or by htmlReport: false", () => {
    const dir = join(scratch, "environment");
    const named = failureMessage(lostUpdateBug.buggy, { ...FAILING, name: "by env" }, { SIMLOOP_HTML_REPORT: dir });
    expect(named).toContain(`HTML report (open it in a browser): ${dir}`);
    for (const off of ["off", "false", "0"]) {
      const message = failureMessage(lostUpdateBug.buggy, { ...FAILING, name: "off" }, { SIMLOOP_HTML_REPORT: off });
      expect(message).not.toContain("HTML report");
      expect(existsSync(off)).toBe(false);
    }
    expect(failureMessage(lostUpdateBug.buggy, { ...FAILING, htmlReport: false })).not.toContain("HTML report");
    // Without either, it goes to the temporary directory.
    expect(failureMessage(lostUpdateBug.buggy, { ...FAILING, name: "default dir" })).toContain(
      `HTML report (open it in a browser): ${join(tmpdir(), "simloop-reports")}`,
    );
  });

  it("says so when it cannot be written, and the test still fails with the report", () => {
    const message = failureMessage(lostUpdateBug.buggy, { ...FAILING, htmlReport: join(scratch, "\0bad") });
    expect(message).toMatch(/^simloop check failed: /);
    expect(message).toMatch(/\n\nHTML report not written: Cannot write the HTML report to /);
  });

  it("refuses an htmlReport that is neither a directory nor false", () => {
    // Before the campaign runs (not caught into a failure message).
    expect(() => runSimloopCheck(lostUpdateBug.buggy, { ...FAILING, htmlReport: "" }, {})).toThrow(CheckArgumentError);
    expect(() => runSimloopCheck(lostUpdateBug.buggy, { ...FAILING, htmlReport: 3 as unknown as string }, {})).toThrow(
      /Expected htmlReport to be a directory or false, got 3/,
    );
  });

  it("is written for an async program too", async () => {
    const dir = join(scratch, "async");
    let message = "";
    try {
      await runSimloopCheckAsync(staleOverwrite, { runs: 200, seed: 1, output: false, htmlReport: dir }, {});
    } catch (error) {
      message = (error as Error).message;
    }
    const file = /^HTML report \(open it in a browser\): (.*)$/m.exec(message)?.[1];
    expect(readFileSync(file!, "utf8")).toContain('<code id="replay-line">await replayAsync(staleOverwrite, ');
  });
});
