/**
 * Test support: run a main coroutine on a fresh loop and record `[time, "label@iteration"]` pairs, the
 * same format as the asyncio reference scripts (a virtual-clock CPython 3.11 loop) the expected traces
 * come from.
 */
import { EventLoop, setEventLoop, type Coroutine } from "@simloop/core";

export type Entry = [number, string];

export interface Tracer {
  readonly loop: EventLoop;
  readonly log: Entry[];
  /** Records `label` at the current virtual time and loop iteration. */
  note(label: string): void;
}

/** Creates a fresh loop (made current) and a log. */
export function tracer(): Tracer {
  const loop = new EventLoop({ unhandled: "throw" });
  setEventLoop(loop);
  const log: Entry[] = [];
  return { loop, log, note: (label) => log.push([loop.time(), `${label}@${loop.iteration}`]) };
}

/**
 * Runs `main` as a task until it is done; an escaping error is logged as `main raised <name>`, except a
 * failed `expect`, which fails the test.
 */
export function scenario(main: (t: Tracer) => Coroutine<unknown>): Entry[] {
  const t = tracer();
  try {
    t.loop.runUntilComplete(t.loop.createTask(main(t)));
  } catch (error) {
    if (error instanceof Error && error.name === "AssertionError") throw error;
    t.note(`main raised ${error instanceof Error ? error.name : String(error)}`);
  } finally {
    setEventLoop(null);
  }
  return t.log;
}
