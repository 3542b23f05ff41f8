/**
 * Missed wakeup with `Event.clear`: a consumer waits for "work available", takes one job, processes it
 * (1 s) and only then clears the event. A job posted while it processes sets the event, and if the post
 * is handled just before the consumer's clear, the clear wipes the signal: the consumer waits forever.
 * Fixed by clearing right after waking, before looking at the jobs, and draining them all.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { Event, gather, sleep } from "@simloop/coroutines";
import type { BugCase } from "./bug-case.ts";

function* producer(jobs: string[], ready: Event) {
  yield* sleep(0.5);
  jobs.push("job-1");
  ready.set();
  yield; // flush metrics
  yield;
  yield* sleep(1);
  jobs.push("job-2");
  ready.set();
}

function* consumer(jobs: string[], ready: Event, done: string[]) {
  while (done.length < 2) {
    yield* ready.wait();
    const job = jobs.shift();
    if (job !== undefined) {
      yield* sleep(1); // process
      done.push(job);
    }
    ready.clear(); // BUG: may wipe a set() that happened while processing
  }
}

function* fixedConsumer(jobs: string[], ready: Event, done: string[]) {
  while (done.length < 2) {
    yield* ready.wait();
    ready.clear();
    while (jobs.length > 0) {
      const job = jobs.shift() as string;
      yield* sleep(1);
      done.push(job);
    }
  }
}

function* missedWakeup(_loop: EventLoop) {
  const jobs: string[] = [];
  const ready = new Event();
  const done: string[] = [];
  yield* gather(producer(jobs, ready), consumer(jobs, ready, done));
}

function* missedWakeupFixed(_loop: EventLoop) {
  const jobs: string[] = [];
  const ready = new Event();
  const done: string[] = [];
  yield* gather(producer(jobs, ready), fixedConsumer(jobs, ready, done));
}

/** The missed-wakeup bug and its clear-first twin. */
export const missedWakeupBug: BugCase = {
  id: "missed-wakeup",
  summary: "Event.clear() after processing wipes a set() that came in meanwhile",
  buggy: missedWakeup,
  fixed: missedWakeupFixed,
  kind: "deadlock",
  depth: 1,
  budgets: { random: 50, pct: 50, exhaustive: 10, "fast-check": 100 },
};
