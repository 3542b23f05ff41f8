import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  AwaitOutsideTaskError,
  CancelledError,
  EventLoop,
  InvalidStateError,
  type Future,
} from "../src/index.ts";

describe("Future", () => {
  it("schedules done callbacks with callSoon in registration order, never inline (rule 15)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    fut.addDoneCallback((f) => log.push(`first ${f.result()}`));
    fut.addDoneCallback(() => log.push("second"));
    loop.callSoon(() => {
      fut.setResult(1);
      log.push("after setResult");
    });
    loop.runUntilIdle();
    expect(log).toEqual(["after setResult", "first 1", "second"]);
  });

  it("schedules a callback added after completion at once, with callSoon (rule 15)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const fut = loop.createFuture<string>();
    fut.setResult("x");
    loop.callSoon(() => log.push("earlier"));
    fut.addDoneCallback((f) => log.push(f.result()));
    expect(log).toEqual([]);
    loop.runUntilIdle();
    expect(log).toEqual(["earlier", "x"]);
  });

  it("removeDoneCallback removes every registration and returns the count; 0 once done (rule 16)", () => {
    const loop = new EventLoop();
    const log: string[] = [];
    const fut = loop.createFuture<void>();
    const cb = (): void => void log.push("cb");
    fut.addDoneCallback(cb);
    fut.addDoneCallback(() => log.push("other"));
    fut.addDoneCallback(cb);
    expect(fut.removeDoneCallback(cb)).toBe(2);
    expect(fut.removeDoneCallback(cb)).toBe(0);
    fut.addDoneCallback(cb);
    fut.setResult();
    expect(fut.removeDoneCallback(cb)).toBe(0);
    loop.runUntilIdle();
    expect(log).toEqual(["other", "cb"]);
  });

  it("addDoneCallback with a non-function is an ArgumentError, pending or done (issue 11 item 18)", () => {
    const loop = new EventLoop();
    const fut = loop.createFuture<number>();
    for (const bad of [undefined, null, 3, "cb", {}, Object.create(null)]) {
      expect(() => fut.addDoneCallback(bad as never)).toThrow(ArgumentError);
    }
    fut.setResult(1);
    expect(() => fut.addDoneCallback(42 as never)).toThrow(/addDoneCallback\(\) expects a function, got number/);
    loop.runUntilIdle();
  });

  it("settles once; a second settle is an InvalidStateError that says the state", () => {
    const loop = new EventLoop();
    const fut = loop.createFuture<number>("answer");
    expect(() => fut.result()).toThrow(InvalidStateError);
    expect(() => fut.exception()).toThrow(/still pending/);
    fut.setResult(42);
    expect(() => fut.setResult(1)).toThrow(/already fulfilled/);
    expect(() => fut.setException(new Error())).toThrow(InvalidStateError);
    expect(fut.cancel()).toBe(false);
    expect(fut.result()).toBe(42);
    expect(fut.state).toBe("fulfilled");
  });

  it("carries an exception, and counts it unretrieved until someone reads it", () => {
    const loop = new EventLoop();
    const fut = loop.createFuture<number>();
    const error = new Error("bad");
    fut.setException(error);
    expect(fut.state).toBe("rejected");
    // Compare by identity: futures are iterable, so deep equality would await them.
    expect(loop.unretrievedFutures()).toHaveLength(1);
    expect(loop.unretrievedFutures()[0]).toBe(fut);
    expect(fut.exception()).toBe(error);
    expect(loop.unretrievedFutures()).toHaveLength(0);
    expect(() => fut.result()).toThrow("bad");
  });

  it("is cancelled with a message that CancelledError carries", () => {
    const loop = new EventLoop();
    const fut = loop.createFuture<number>();
    expect(fut.cancel("enough")).toBe(true);
    expect(fut.cancelled()).toBe(true);
    expect(fut.cancelMessage).toBe("enough");
    expect(() => fut.result()).toThrow(CancelledError);
    expect(() => fut.exception()).toThrow("enough");
  });

  it("throws AwaitOutsideTaskError, showing the yield* form, when a pending future is iterated outside a task", () => {
    const loop = new EventLoop();
    const fut: Future<number> = loop.createFuture();
    expect(() => {
      const [value] = fut as unknown as Iterable<number>;
      return value;
    }).toThrow(AwaitOutsideTaskError);
    expect(() => [...(fut as unknown as Iterable<unknown>)]).toThrow(/yield\* future/);
  });
});
