/**
 * The worked examples of docs/guides/from-simpy.md, run: the orders the guide states for simloop (the
 * SimPy orders beside them were observed by running SimPy 4 under CPython 3.11).
 */
import { describe, expect, it } from "vitest";
import { EventLoop, type Coroutine } from "@simloop/core";
import { Resource, sleep } from "../src/index.ts";

describe("docs/guides/from-simpy.md", () => {
  it("run(until): exclusive like SimPy's with { inclusive: false }, inclusive by default", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    function* clock(): Coroutine<void> {
      for (;;) {
        yield* sleep(5);
        log.push(`tick at ${loop.time()}`);
      }
    }
    loop.createTask(clock());
    loop.runUntilTime(5, { inclusive: false });
    expect([log.slice(), loop.time()]).toEqual([[], 5]);
    loop.runUntilTime(10);
    expect(log).toEqual(["tick at 5", "tick at 10"]);
  });

  it("difference 1: a request granted at once does not suspend the process", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const res = new Resource({ capacity: 1, loop });
    function* a(): Coroutine<void> {
      log.push("a requests");
      yield* res.use(function* () {
        log.push("a granted");
      });
    }
    function* b(): Coroutine<void> {
      log.push("b runs");
      yield* sleep(0);
    }
    loop.createTask(a());
    loop.createTask(b());
    loop.runUntilIdle();
    expect(log).toEqual(["a requests", "a granted", "b runs"]); // SimPy: a requests, b runs, a granted
  });

  it("difference 2: a new process starts after the timeouts due at the same instant", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    function* child(): Coroutine<void> {
      log.push("child starts");
    }
    function* spawner(): Coroutine<void> {
      yield* sleep(1);
      loop.createTask(child());
      log.push("spawned");
    }
    function* sleeper(): Coroutine<void> {
      yield* sleep(1);
      log.push("sleeper resumes");
    }
    loop.createTask(spawner());
    loop.createTask(sleeper());
    loop.runUntilIdle();
    expect(log).toEqual(["spawned", "sleeper resumes", "child starts"]); // SimPy: spawned, child starts, sleeper resumes
  });
});
