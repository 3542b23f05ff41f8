/**
 * The bank's queue over time, as a picture: runs the bank example ({@link simulate}) with an observer
 * that records the tellers' queue length and busy tellers at each change, and draws them as a plain SVG
 * (no plotting library): customers waiting over time, tellers busy over time with the utilisation so
 * far (the time-weighted mean of busy tellers / tellers, as `statistics().utilisation` reads at that
 * instant). The simulation guide embeds the file this writes; a test regenerates it and compares.
 */
import { simulate, type BankObservation } from "./bank.ts";

/** One point of the bank's series: after a change at `time`, so many waiting and so many served. */
export interface BankPoint {
  readonly time: number;
  readonly waiting: number;
  readonly busy: number;
  /** The utilisation so far: time-weighted mean busy tellers / tellers, from t=0 to `time`. */
  readonly utilisation: number;
}

/** The bank's series: one point per change of the queue or of the busy tellers (the last at each instant). */
export function bankSeries(): {
  readonly points: readonly BankPoint[];
  readonly tellers: number;
  readonly end: number;
} {
  const points: BankPoint[] = [];
  let tellers = 0;
  let end = 0;
  simulate(
    () => {},
    (o: BankObservation) => {
      tellers = o.capacity;
      end = o.time;
      const point = { time: o.time, waiting: o.queueLength, busy: o.users, utilisation: o.utilisation };
      const last = points[points.length - 1];
      if (last !== undefined && last.time === o.time) points[points.length - 1] = point;
      else if (last === undefined || last.waiting !== point.waiting || last.busy !== point.busy) points.push(point);
    },
  );
  return { points, tellers, end };
}

const WIDTH = 720;
const LEFT = 56;
const RIGHT = 56;
const PANEL = 130;
const GAP = 56;
const TOP = 40;

function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** A step line through `values` (held until the next point), as an SVG path. */
function steps(
  points: readonly BankPoint[],
  x: (t: number) => number,
  y: (p: BankPoint) => number,
  end: number,
): string {
  let d = "";
  points.forEach((p, i) => {
    const next = points[i + 1]?.time ?? end;
    d += `${i === 0 ? "M" : "L"}${num(x(p.time))} ${num(y(p))}H${num(x(next))}`;
  });
  return d;
}

/**
 * The SVG of the bank's queue length and utilisation over time (see the module doc). Deterministic:
 * the same text on every run.
 *
 * @example
 * ```ts
 * writeFileSync("bank-queue.svg", bankPlotSvg());
 * ```
 */
export function bankPlotSvg(): string {
  const { points, tellers, end } = bankSeries();
  const height = TOP + 2 * PANEL + GAP + 40;
  const span = Math.ceil(end / 5) * 5;
  const x = (t: number): number => LEFT + (t / span) * (WIDTH - LEFT - RIGHT);
  const maxWaiting = Math.max(1, ...points.map((p) => p.waiting));
  const top1 = TOP;
  const top2 = TOP + PANEL + GAP;
  const yWaiting = (p: BankPoint): number => top1 + PANEL - (p.waiting / maxWaiting) * PANEL;
  const yBusy = (p: BankPoint): number => top2 + PANEL - (p.busy / tellers) * PANEL;
  const yUtil = (p: BankPoint): number => top2 + PANEL - p.utilisation * PANEL;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>The bank example: customers waiting, and tellers busy with the utilisation so far, over virtual time</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
  );
  // Panels: frame, title, y ticks.
  const panel = (top: number, title: string, ticks: readonly [number, string][]): void => {
    out.push(`<text x="${LEFT}" y="${top - 12}" font-weight="bold" fill="#1f2328">${title}</text>`);
    for (const [fraction, label] of ticks) {
      const y = num(top + PANEL - fraction * PANEL);
      out.push(
        `<line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="#d1d9e0" stroke-dasharray="2 3"/>`,
      );
      out.push(`<text x="${LEFT - 8}" y="${y}" dy="4" text-anchor="end" fill="#59636e">${label}</text>`);
    }
    out.push(
      `<rect x="${LEFT}" y="${top}" width="${WIDTH - LEFT - RIGHT}" height="${PANEL}" fill="none" stroke="#59636e"/>`,
    );
  };
  const waitingTicks: [number, string][] = [];
  for (let k = 0; k <= maxWaiting; k++) waitingTicks.push([k / maxWaiting, String(k)]);
  panel(top1, "Customers waiting for a teller", waitingTicks);
  const busyTicks: [number, string][] = [];
  for (let k = 0; k <= tellers; k++) busyTicks.push([k / tellers, String(k)]);
  panel(top2, "Tellers busy, and the utilisation so far (dashed, right axis)", busyTicks);
  for (const pct of [0, 50, 100]) {
    out.push(
      `<text x="${WIDTH - RIGHT + 8}" y="${num(top2 + PANEL - (pct / 100) * PANEL)}" dy="4" fill="#8250df">${pct}%</text>`,
    );
  }
  // The time axis, under each panel.
  for (const top of [top1, top2]) {
    for (let t = 0; t <= span; t += 5) {
      out.push(
        `<line x1="${num(x(t))}" y1="${top + PANEL}" x2="${num(x(t))}" y2="${top + PANEL + 4}" stroke="#59636e"/>`,
      );
      out.push(`<text x="${num(x(t))}" y="${top + PANEL + 16}" text-anchor="middle" fill="#59636e">${t}</text>`);
    }
  }
  out.push(
    `<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${height - 8}" text-anchor="middle" fill="#59636e">virtual time</text>`,
  );
  // The series.
  out.push(`<path d="${steps(points, x, yWaiting, end)}" fill="none" stroke="#c9a227" stroke-width="2"/>`);
  out.push(`<path d="${steps(points, x, yBusy, end)}" fill="none" stroke="#0969da" stroke-width="2"/>`);
  const util = points
    .filter((p) => p.time > 0)
    .map((p, i) => `${i === 0 ? "M" : "L"}${num(x(p.time))} ${num(yUtil(p))}`)
    .join("");
  out.push(`<path d="${util}" fill="none" stroke="#8250df" stroke-width="1.5" stroke-dasharray="5 3"/>`);
  out.push("</svg>", "");
  return out.join("\n");
}
