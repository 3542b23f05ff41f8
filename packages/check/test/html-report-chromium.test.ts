// The HTML report opened in headless Chromium (Debian's chromium, driven by puppeteer-core): it renders
// (its heading, the timeline's lanes, the replay line), logs no console error, fetches nothing, and its
// screenshot has a sane size. Skipped, saying why in the test's name, where Chromium is absent.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { explore, writeHtmlReport } from "../src/index.ts";
import { semaphoreDoubleReleaseBug } from "../examples/bugs/semaphore-double-release.ts";
import { HEADLESS_CHROMIUM_ARGS } from "../../../tools/headless-chromium.mjs";

const chromium = process.env["SIMLOOP_CHROMIUM"] ?? "/usr/bin/chromium";
const present = existsSync(chromium);
const scratch = mkdtempSync(join(tmpdir(), "simloop-html-chromium-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("the HTML report in a browser", () => {
  const name = present
    ? "opens in headless Chromium: renders its lanes, no console error, nothing fetched, a sane screenshot"
    : `opens in headless Chromium (skipped: no Chromium at ${chromium}; install Debian's chromium package or set SIMLOOP_CHROMIUM)`;
  it.skipIf(!present)(
    name,
    async () => {
      const failure = explore(semaphoreDoubleReleaseBug.buggy, { policy: "pct", runs: 50, seed: 1 }).failure!;
      const file = writeHtmlReport(failure, join(scratch, "double-release.html"));
      const url = pathToFileURL(file).href;
      const { default: puppeteer } = await import("puppeteer-core");
      const browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: [...HEADLESS_CHROMIUM_ARGS],
      });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        page.on("console", (message) => {
          if (message.type() === "error" || message.type() === "warn") errors.push(message.text());
        });
        page.on("pageerror", (error) => errors.push(String(error)));
        page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
        page.on("request", (request) => requests.push(request.url()));
        await page.setViewport({ width: 1280, height: 800 });
        await page.goto(url, { waitUntil: "load", timeout: 60_000 });
        const heading = await page.$eval("h1", (h) => h.textContent ?? "");
        // A lane's title text, without its tooltip (an SVG <title> child); page code is given as text (no DOM types here).
        const lanes = (await page.evaluate(
          `[...document.querySelectorAll("svg.lanes .lane-title")].map((t) => [...t.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(""))`,
        )) as string[];
        const box = await page.$eval("svg.lanes", (svg) => {
          const r = svg.getBoundingClientRect();
          return { width: r.width, height: r.height };
        });
        const replay = await page.$eval("#replay-line", (code) => code.textContent ?? "");
        // The copy button works or falls back to selecting the line; either way no error.
        await page.click("#copy");
        await page.waitForFunction(`document.getElementById("copy").textContent !== "Copy"`, { timeout: 10_000 });
        const shot = Buffer.from(await page.screenshot({ fullPage: true }));
        expect(heading).toBe("simloop check failed: doubleRelease: an invariant was violated");
        expect(lanes).toEqual([
          "decisions",
          "Task-1 (doubleRelease)",
          "Task-2 (query)",
          "Task-3 (healthCheck)",
          "Task-4 (query)",
        ]);
        expect(box.width).toBeGreaterThan(300);
        expect(box.height).toBeGreaterThan(5 * 25);
        expect(replay).toBe(failure.replay);
        expect(errors).toEqual([]);
        expect(requests).toEqual([url]);
        const size = pngSize(shot);
        expect(size.width).toBe(1280);
        expect(size.height).toBeGreaterThanOrEqual(800);
        expect(size.height).toBeLessThan(20_000);
        // A blank page compresses to almost nothing.
        expect(shot.length).toBeGreaterThan(20_000);
        expect(readFileSync(file, "utf8").length).toBeGreaterThan(0);
      } finally {
        await browser.close();
      }
    },
    180_000,
  );
});
