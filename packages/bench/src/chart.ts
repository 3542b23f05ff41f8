/**
 * The growth chart of W1 (events/s against N, both axes logarithmic), drawn as a standalone SVG by
 * hand: no chart library.
 *
 * @module
 */
import type { WorkloadResult } from "./harness.ts";

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function superscript(exp: number): string {
  const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  return String(exp)
    .split("")
    .map((d) => (d === "-" ? "⁻" : (digits[Number(d)] ?? d)))
    .join("");
}

/** Renders W1's events/s (median, with a min–max bar) against N for every measured system. */
export function renderGrowthSvg(result: WorkloadResult): string {
  const width = 720;
  const height = 420;
  const left = 70;
  const right = 230;
  const top = 40;
  const bottom = 50;
  const series = new Map<string, { name: string; points: { n: number; median: number; min: number; max: number }[] }>();
  for (const row of result.rows) {
    let s = series.get(row.system.id);
    if (s === undefined) {
      s = { name: row.system.name, points: [] };
      series.set(row.system.id, s);
    }
    s.points.push({ n: row.n, median: row.rate.median, min: row.rate.min, max: row.rate.max });
  }
  const ns = result.workload.sizes;
  const allRates = result.rows.flatMap((row) => [row.rate.min, row.rate.max]);
  const xMin = Math.log10(Math.min(...ns));
  const xMax = Math.log10(Math.max(...ns));
  const yMin = Math.floor(Math.log10(Math.min(...allRates)));
  const yMax = Math.ceil(Math.log10(Math.max(...allRates)));
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xOf = (n: number): number =>
    left + (xMax === xMin ? plotW / 2 : ((Math.log10(n) - xMin) / (xMax - xMin)) * plotW);
  const yOf = (rate: number): number => top + plotH - ((Math.log10(rate) - yMin) / (yMax - yMin || 1)) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">W1 timers: events/s against N (log–log; bars: min–max)</text>`,
  );
  for (let e = yMin; e <= yMax; e++) {
    const y = yOf(10 ** e);
    parts.push(
      `<line x1="${left}" y1="${y.toFixed(1)}" x2="${left + plotW}" y2="${y.toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${(y + 4).toFixed(1)}" text-anchor="end">10${superscript(e)}</text>`,
    );
  }
  for (const n of ns) {
    const x = xOf(n);
    const e = Math.round(Math.log10(n));
    const label = 10 ** e === n ? `10${superscript(e)}` : String(n);
    parts.push(
      `<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${top + plotH}" stroke="#eee"/>`,
      `<text x="${x.toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle">${label}</text>`,
    );
  }
  parts.push(
    `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${left + plotW / 2}" y="${height - 10}" text-anchor="middle">N (timers)</text>`,
    `<text x="16" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${top + plotH / 2})">events/s</text>`,
  );
  let index = 0;
  for (const [, s] of series) {
    const color = COLORS[index % COLORS.length] as string;
    const pts = s.points.sort((a, b) => a.n - b.n);
    if (pts.length > 1) {
      const d = pts.map((p, i) => `${i === 0 ? "M" : "L"}${xOf(p.n).toFixed(1)},${yOf(p.median).toFixed(1)}`).join(" ");
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    for (const p of pts) {
      const x = xOf(p.n).toFixed(1);
      parts.push(
        `<line x1="${x}" y1="${yOf(p.min).toFixed(1)}" x2="${x}" y2="${yOf(p.max).toFixed(1)}" stroke="${color}"/>`,
        `<circle cx="${x}" cy="${yOf(p.median).toFixed(1)}" r="4" fill="${color}"/>`,
      );
    }
    const ly = top + 14 + index * 20;
    parts.push(
      `<line x1="${left + plotW + 14}" y1="${ly - 4}" x2="${left + plotW + 34}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
      `<circle cx="${left + plotW + 24}" cy="${ly - 4}" r="4" fill="${color}"/>`,
      `<text x="${left + plotW + 40}" y="${ly}">${escapeXml(s.name)}</text>`,
    );
    index++;
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
