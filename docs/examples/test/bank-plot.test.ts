import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bankPlotSvg, bankSeries } from "../src/bank-plot.ts";
import { run } from "../src/bank.ts";

// The simulation guide's picture of the bank is generated from the example: regenerated here and
// compared with the checked-in file, so it cannot go stale. UPDATE_GOLDEN=1 rewrites it (review the diff).
const picture = new URL("../../guides/bank-queue.svg", import.meta.url);

describe("the bank's queue over time", () => {
  it("is the picture the simulation guide shows", () => {
    const svg = bankPlotSvg();
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(picture, svg);
    expect(svg).toBe(readFileSync(picture, "utf8"));
  });

  it("is drawn from a series that agrees with the example's own figures", () => {
    const lines: string[] = [];
    run((line) => lines.push(line));
    const { points, tellers, end } = bankSeries();
    expect(tellers).toBe(2);
    expect(points[0]).toMatchObject({ time: 0, waiting: 0, busy: 0 });
    expect(points.every((p) => p.busy >= 0 && p.busy <= tellers && p.waiting >= 0)).toBe(true);
    expect(points.some((p) => p.waiting > 0)).toBe(true);
    // The last point's utilisation is the one the example prints at closing time.
    const printed = /tellers busy ([\d.]+)% of the time/.exec(lines.join("\n"))?.[1];
    expect((points[points.length - 1]!.utilisation * 100).toFixed(1)).toBe(printed);
    expect(end).toBe(points[points.length - 1]!.time);
    // Times only grow, and the picture is valid SVG text with the two series in it.
    for (let i = 1; i < points.length; i++) expect(points[i]!.time).toBeGreaterThan(points[i - 1]!.time);
    const svg = bankPlotSvg();
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(3);
  });
});
