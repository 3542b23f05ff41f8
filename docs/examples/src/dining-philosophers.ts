/**
 * Dining philosophers: each of three philosophers takes the fork on their left, then the one on their
 * right. With the reaching times asyncio's order picks (the shortest) they all eat; exploring the
 * uncertain durations (`uncertain(min, max)`) finds the timing in which all three hold their left fork and wait
 * forever for the right one (simloop reports it as a deadlock naming who waits on what); taking the
 * lower-numbered fork first breaks the cycle, and the exhaustive exploration of every tie order,
 * interleaving and place of each reaching time among the other deadlines then finds no failure.
 */
import type { Coroutine } from "@simloop/core";
import { Lock, gather, sleep, uncertain } from "@simloop/coroutines";
import { explore } from "@simloop/check";

const SEATS = 3;

function* philosopher(seat: number, forks: Lock[], ordered: boolean): Coroutine<void> {
  const left = seat;
  const right = (seat + 1) % SEATS;
  const [first, second] = ordered ? [Math.min(left, right), Math.max(left, right)] : [left, right];
  yield* sleep(1 + seat / 4); // think: hungry at t=1, 1.25, 1.5
  yield* forks[first]!.acquire();
  yield* sleep(uncertain(0.1, 0.6)); // reaching for the second fork takes a moment, somewhere in [0.1, 0.6]
  yield* forks[second]!.acquire();
  yield* sleep(1); // eat
  forks[second]!.release();
  forks[first]!.release();
}

function table(ordered: boolean) {
  return function* dinner(): Coroutine<void> {
    const forks = Array.from({ length: SEATS }, () => new Lock());
    yield* gather(...forks.map((_, seat) => philosopher(seat, forks, ordered)));
  };
}

/** Explores both tables and prints what a developer would read. */
export function run(print: (line: string) => void): void {
  const levels = { ties: true, interleave: true, jitter: true };
  const asyncio = explore(table(false), { policy: "fifo", runs: 1, levels, name: "left-then-right" });
  print(`left fork, then right, in asyncio's own order: ${asyncio.ok ? "everybody eats" : "FAILED"}`);
  const naive = explore(table(false), { policy: "pct", runs: 500, seed: 3, levels, name: "left-then-right" });
  print(`left fork, then right: ${naive.ok ? "no failure" : `${naive.failure!.kind} after ${naive.runs} run(s)`}`);
  if (naive.failure !== undefined) {
    const message = naive.failure.error instanceof Error ? naive.failure.error.message : String(naive.failure.error);
    for (const line of message.split("\n").slice(0, 6)) print(`  ${line}`);
    print(`  minimal schedule: "${naive.failure.schedule}"`);
  }
  const fixed = explore(table(true), {
    policy: "exhaustive",
    runs: 5000,
    seed: 3,
    levels,
    maxDeviations: 3,
    name: "lower-fork-first",
  });
  print(
    `lower-numbered fork first: ${fixed.ok ? "no failure" : "FAILED"} in ${fixed.runs} runs (${fixed.distinctSchedules} distinct schedules); ${fixed.coverage.summary}`,
  );
}
