/**
 * Validates the resources against queueing theory: M/M/1 and M/M/c (Erlang C) mean waiting time in
 * queue Wq and utilisation, and Little's law L = λW, over long seeded runs with batch means.
 *
 * Method: Poisson arrivals (rate λ) and exponential services (rate μ) drawn from `loop.random`; a
 * warm-up of 500 time units is discarded; the rest of the run is cut into 20 batches of equal length
 * (statistics read and reset at each boundary); the estimate is the mean of the batch means. The
 * tolerances are stated per test and hold for every one of five seeds.
 */
import { EventLoop, type Coroutine } from "@simloop/core";
import { describe, expect, it } from "vitest";
import { Resource, sleep } from "../../src/index.ts";

interface Run {
  /** Per-batch mean waiting time in queue. */
  readonly wq: number[];
  /** Per-batch utilisation. */
  readonly utilisation: number[];
  /** Time-weighted mean queue length (Lq) and number in system (L), over the whole measured window. */
  readonly lq: number;
  readonly l: number;
  /** Mean waiting time in queue and in system of the customers that arrived in the window. */
  readonly wqCustomers: number;
  readonly w: number;
  /** Arrivals per unit of time in the window. */
  readonly lambda: number;
}

const BATCHES = 20;
const WARM_UP = 500;

function simulate(seed: number, lambda: number, mu: number, servers: number, batchLength: number): Run {
  const loop = new EventLoop({ seed, unhandled: "throw" });
  const res = new Resource(servers, { loop });
  let waitSum = 0;
  let sojournSum = 0;
  let departures = 0;
  let arrivals = 0;
  let counting = false;

  function* customer(): Coroutine<void> {
    const arrived = loop.time();
    const counted = counting;
    if (counted) arrivals++;
    let started = 0;
    yield* res.use(function* () {
      started = loop.time();
      yield* sleep(loop.random.exponential(mu));
    });
    if (counted) {
      waitSum += started - arrived;
      sojournSum += loop.time() - arrived;
      departures++;
    }
  }
  function* source(): Coroutine<void> {
    for (;;) {
      yield* sleep(loop.random.exponential(lambda));
      loop.createTask(customer());
    }
  }
  const src = loop.createTask(source());
  loop.runUntilTime(WARM_UP);
  res.resetStatistics();
  counting = true;
  const wq: number[] = [];
  const utilisation: number[] = [];
  let lqArea = 0;
  let lArea = 0;
  for (let b = 1; b <= BATCHES; b++) {
    loop.runUntilTime(WARM_UP + b * batchLength);
    const s = res.statistics();
    wq.push(s.wait.mean);
    utilisation.push(s.utilisation);
    lqArea += s.meanQueueLength * batchLength;
    lArea += (s.meanQueueLength + s.meanUsers) * batchLength;
    res.resetStatistics();
  }
  counting = false;
  // Let the customers counted so far leave, so that W covers exactly the counted arrivals.
  src.cancel();
  loop.runUntilIdle();
  const span = BATCHES * batchLength;
  return {
    wq,
    utilisation,
    lq: lqArea / span,
    l: lArea / span,
    wqCustomers: waitSum / departures,
    w: sojournSum / departures,
    lambda: arrivals / span,
  };
}

/** Mean and standard error of pooled batch means. */
function pooled(values: number[]): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, se: sd / Math.sqrt(n) };
}

/** Erlang C: the probability that an arrival waits in an M/M/c queue. */
function erlangC(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  const rho = a / c;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = ((term * a) / c) * (1 / (1 - rho));
  return last / (sum + last);
}

const SEEDS = [1, 2, 3, 4, 5];

const runs = new Map<string, Run[]>();
function model(name: string, lambda: number, mu: number, c: number, batchLength: number): Run[] {
  let r = runs.get(name);
  if (r === undefined) {
    r = SEEDS.map((seed) => simulate(seed, lambda, mu, c, batchLength));
    runs.set(name, r);
  }
  return r;
}
const mm1 = (): Run[] => model("M/M/1", 0.5, 1, 1, 2000);
const mm3 = (): Run[] => model("M/M/3", 2.1, 1, 3, 1000);

/**
 * The agreement rule of these tests: the pooled estimate (5 seeds x 20 batches = 100 batch means) must
 * be within 3 standard errors of the analytic value, and within `relative` of it.
 */
function expectAgreement(label: string, values: number[], theory: number, relative: number): void {
  const { mean, se } = pooled(values);
  const detail = `${label}: measured ${mean.toFixed(4)} ± ${se.toFixed(4)} (SE), analytic ${theory.toFixed(4)}`;
  expect(Math.abs(mean - theory), detail).toBeLessThan(3 * se);
  expect(Math.abs(mean - theory) / theory, detail).toBeLessThan(relative);
}

// Long simulations: vitest's 5 s default is too tight on a loaded machine (the suite runs in parallel).
describe("resources against queueing theory (5 seeds x 20 batches, warm-up 500 discarded)", { timeout: 60_000 }, () => {
  it("M/M/1 with λ=0.5, μ=1 over 5 x 40000 time units: Wq = λ/(μ(μ−λ)) = 1 within 3 SE and 5%; utilisation = 0.5 within 3 SE and 2%", () => {
    const lambda = 0.5;
    const mu = 1;
    const r = mm1();
    expectAgreement(
      "M/M/1 Wq",
      r.flatMap((x) => x.wq),
      lambda / (mu * (mu - lambda)),
      0.05,
    );
    expectAgreement(
      "M/M/1 utilisation",
      r.flatMap((x) => x.utilisation),
      lambda / mu,
      0.02,
    );
  });

  it("M/M/3 with λ=2.1, μ=1 over 5 x 20000 time units: Wq = ErlangC/(cμ−λ) ≈ 0.5470 within 3 SE and 6%; utilisation = 0.7 within 3 SE and 2%", () => {
    const lambda = 2.1;
    const mu = 1;
    const c = 3;
    const wqTheory = erlangC(lambda, mu, c) / (c * mu - lambda);
    expect(wqTheory).toBeCloseTo(0.547, 3);
    const r = mm3();
    expectAgreement(
      "M/M/3 Wq",
      r.flatMap((x) => x.wq),
      wqTheory,
      0.06,
    );
    expectAgreement(
      "M/M/3 utilisation",
      r.flatMap((x) => x.utilisation),
      lambda / (c * mu),
      0.02,
    );
  });

  it("Little's law holds on every run: L = λW within 1% and Lq = λWq within 2%", () => {
    for (const r of [...mm1(), ...mm3()]) {
      expect(Math.abs(r.l - r.lambda * r.w) / r.l).toBeLessThan(0.01);
      expect(Math.abs(r.lq - r.lambda * r.wqCustomers) / r.lq).toBeLessThan(0.02);
    }
  });
});
