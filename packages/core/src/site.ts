/**
 * Sites: where in the user's code a timer, a callback or a task was asked for, so that reports can
 * name what ran in the user's words ("sleep(1) in deposit (bank.ts:16)") instead of by the loop's
 * internal callbacks.
 *
 * A generator object does not reveal its function, and a handle only knows its callback; the one place
 * that knows what the user wrote is the call stack at the moment of the call. So a loop whose trace is
 * created with `sites: true` captures a stack at each `callSoon`, `callLater`, `callAt`, armed sleep and
 * `createTask`, and keeps, per handle and per task, the user's function and line that made the call
 * (frames of simloop's own packages and of the runtime are skipped). A capture made during a task's step
 * also tells which generator function the task runs: the outermost frame of the user's code above the
 * task's step.
 *
 * Capturing a stack costs microseconds, so this is for the runs a report is made of, never for
 * exploring or long simulations; a loop without `sites` pays nothing more: the sites are recorded by the trace's
 * instrument (its `scheduled` and `taskCreated` hooks), and a loop with no instrument tests one field.
 *
 * @module
 */
import { KIND_CALLBACK, KIND_MASK, KIND_TIMER, type Handle, type TimerHandle } from "./handle.ts";
import type { Task } from "./task.ts";
import { WaitableTimer } from "./waitable-timer.ts";

/** Where the user's code asked for a timer or a callback. */
export interface Site {
  /** The call as the user wrote it, such as `sleep(1)`, `callLater(2, tick)` or `callSoon(flush)`. */
  readonly call: string;
  /** The user's function that made the call (`""` when anonymous or unknown). */
  readonly fn: string;
  /** The file's base name and line of the call, such as `bank.ts:16` (`""` when unknown). */
  readonly at: string;
  /** The task that was running at the call, by name (`null`: none). */
  readonly task: string | null;
}

/** Where a task was created and what it runs, as far as the captured stacks tell. */
export interface TaskSite {
  /** The task's name (its current name, as reports print it). */
  readonly name: string;
  /** The generator function the task runs, learned from a stack captured during its steps (`""` if none was). */
  readonly fn: string;
  /** The simloop function through which it was created: `gather`, `createTask`, `TaskGroup.createTask`, `runUntilComplete`… */
  readonly via: string;
  /** The user's function that created it (`""` when unknown, e.g. a task created by the test harness). */
  readonly creator: string;
  /** Where it was created, such as `bank.ts:33` (`""` when unknown). */
  readonly at: string;
  /** The task that was running when it was created, by name (`null`: none, e.g. the program's main task). */
  readonly parent: string | null;
  /** 1-based position among the tasks created one after another by the same call (gather's children). */
  readonly nth: number;
}

interface Frame {
  readonly fn: string;
  /** The location without line and column ("" when none: `<anonymous>`, native). */
  readonly file: string;
  readonly line: number;
}

/** Frames of simloop's own packages (sources in a checkout, or an installed package's build). */
const SIMLOOP_FILE = /[\\/](?:@simloop|packages)[\\/](?:core|coroutines|check|async)[\\/](?:src|dist|lib)[\\/]/;
/** The frames that run a task step or a callback: the stack above them belongs to the loop's caller. */
const BOUNDARY = /(?:^|\.)(?:_step|_wakeup|_run|_dispatch)$/;
const FRAME = /^\s*at (?:(?:async )?(?:new )?(.*?) \()?(.*?)(?::(\d+):(\d+))?\)?$/;

function parseFrame(text: string): Frame | null {
  const match = FRAME.exec(text);
  if (match === null) return null;
  const location = match[2] ?? "";
  const line = match[3] === undefined ? 0 : Number(match[3]);
  let fn = match[1] ?? "";
  if (fn.startsWith("Object.")) fn = fn.slice(7);
  if (fn === "<anonymous>") fn = "";
  return { fn, file: line === 0 ? "" : location, line };
}

function isInternal(frame: Frame): boolean {
  return frame.file === "" || frame.file.startsWith("node:") || SIMLOOP_FILE.test(frame.file);
}

function baseName(file: string): string {
  const slash = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return slash < 0 ? file : file.slice(slash + 1);
}

function where(frame: Frame | undefined): string {
  return frame === undefined || frame.file === "" ? "" : `${baseName(frame.file)}:${frame.line}`;
}

/** The stack of the caller, as frames, up to the loop's own dispatch of the running step or callback. */
function captureFrames(): Frame[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  const frames: Frame[] = [];
  const lines = stack.split("\n");
  // Line 0 is the message, line 1 this function, line 2 the recorder's method.
  for (let i = 3; i < lines.length; i++) {
    const frame = parseFrame(lines[i] as string);
    if (frame === null) continue;
    if (BOUNDARY.test(frame.fn) && isInternal(frame)) break;
    frames.push(frame);
  }
  return frames;
}

/** The user's frames of a capture, innermost first. */
function userFrames(frames: readonly Frame[]): Frame[] {
  return frames.filter((frame) => !isInternal(frame));
}

interface MutableTaskSite {
  task: Task<unknown>;
  fn: string;
  via: string;
  creator: string;
  at: string;
  parent: string | null;
  nth: number;
}

/** Every recorded handle's site, whichever loop recorded it (handles are unique objects). */
const HANDLE_SITES = new WeakMap<Handle, Site>();
/** Every recorded task's site. */
const TASK_SITES = new WeakMap<Task<unknown>, MutableTaskSite>();

/**
 * Where the user's code asked for `handle`, if a loop traced with `sites: true` recorded it (see
 * {@link Sites}); `undefined` otherwise.
 *
 * @example
 * ```ts
 * siteOf(point.candidates[0]); // { call: "sleep(1)", fn: "deposit", at: "bank.ts:16", task: "Task-2" }
 * ```
 */
export function siteOf(handle: Handle): Site | undefined {
  return HANDLE_SITES.get(handle);
}

/**
 * What a loop traced with `sites: true` recorded of `task` (its function, where it was created);
 * `undefined` otherwise.
 *
 * @example
 * ```ts
 * taskSiteOf(task)?.fn; // "deposit"
 * ```
 */
export function taskSiteOf(task: Task<unknown>): TaskSite | undefined {
  const site = TASK_SITES.get(task);
  return site === undefined ? undefined : snapshot(site);
}

/**
 * What a loop traced with `sites: true` records of the user's calls (see the module doc): read it from
 * `loop.trace.sites`.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ trace: { sites: true } });
 * loop.runUntilComplete(program());
 * loop.trace?.sites?.tasks().map((t) => `${t.name}: ${t.fn}`); // ["Task-1: program", …]
 * ```
 */
export class Sites {
  private readonly _tasks: MutableTaskSite[] = [];
  private _lastCreation = "";
  private _lastNth = 0;

  /** Where the user asked for `handle`, if it was recorded. */
  of(handle: Handle): Site | undefined {
    return HANDLE_SITES.get(handle);
  }

  /** `handle`'s site as one phrase, such as `sleep(1) in deposit (bank.ts:16)`; `undefined` if not recorded. */
  describe(handle: Handle): string | undefined {
    const site = HANDLE_SITES.get(handle);
    return site === undefined ? undefined : describeSite(site);
  }

  /** What is known of `task`: its function, and where and how it was created. */
  task(task: Task<unknown>): TaskSite | undefined {
    const site = TASK_SITES.get(task);
    return site === undefined ? undefined : snapshot(site);
  }

  /** Every task created on the loop, in creation order, with what is known of it. */
  tasks(): TaskSite[] {
    return this._tasks.map(snapshot);
  }

  /**
   * @internal The trace's `scheduled` hook: records where the user asked for a callback (`callSoon`), a
   * timer (`callLater`, `callAt`) or a sleep, at virtual time `now`; `running` is the running task. The
   * loop's own handles (task steps, wake-ups, done callbacks) are not the user's calls.
   */
  _scheduled(handle: Handle, now: number, running: Task<unknown> | null): void {
    const kind = handle._flags & KIND_MASK;
    if (kind !== KIND_CALLBACK && kind !== KIND_TIMER) return;
    const frames = captureFrames();
    const call = callText(handle, frames, now);
    const user = userFrames(frames);
    const inner = user[0];
    HANDLE_SITES.set(handle, {
      call,
      // An anonymous function (`new Promise((r) => setTimeout(r, 50))`) is named by its caller in the same file.
      fn: user.find((frame) => frame.fn !== "" && frame.file === inner?.file)?.fn ?? "",
      at: where(inner),
      task: running === null ? null : running.getName(),
    });
    if (running !== null) this._learn(running, frames);
  }

  /**
   * @internal Names a recorded handle's call as the user wrote it, when a package arms the loop's timers
   * for its user (async mode's `setTimeout(…, 50)` arms a `callAt`); `like` lends its function and line
   * (an interval's next period, armed by no user frame). Does nothing to a handle that was not recorded.
   */
  _relabel(handle: Handle, call: string, like?: Handle): void {
    const site = HANDLE_SITES.get(handle);
    if (site === undefined) return;
    const from = like === undefined ? undefined : HANDLE_SITES.get(like);
    HANDLE_SITES.set(handle, from === undefined ? { ...site, call } : { ...from, call, task: site.task });
  }

  /** @internal Records a new task; `running` is the running task (its creator), if any. */
  _task(task: Task<unknown>, running: Task<unknown> | null, iteration: number): void {
    const frames = captureFrames();
    const firstUser = frames.findIndex((frame) => !isInternal(frame));
    const inner = firstUser < 0 ? undefined : frames[firstUser];
    // The simloop function the user called: the outermost internal frame below the user's frame.
    let via = "";
    for (let i = (firstUser < 0 ? frames.length : firstUser) - 1; i >= 0; i--) {
      const frame = frames[i] as Frame;
      if (frame.file !== "" && !frame.file.startsWith("node:") && frame.fn !== "") {
        via = frame.fn.replace(/^EventLoop\./, "").replace(/Impl$/, "");
        break;
      }
    }
    const at = where(inner);
    const parent = running === null ? null : running.getName();
    const key = `${iteration} ${parent ?? ""} ${via} ${at}`;
    this._lastNth = key === this._lastCreation ? this._lastNth + 1 : 1;
    this._lastCreation = key;
    const site: MutableTaskSite = {
      task,
      fn: "",
      via,
      creator: inner === undefined ? "" : inner.fn,
      at,
      parent,
      nth: this._lastNth,
    };
    TASK_SITES.set(task, site);
    this._tasks.push(site);
    if (running !== null) this._learn(running, frames);
  }

  /** @internal Records what a task runs from a stack captured in its step: the outermost user frame. */
  _learn(task: Task<unknown>, frames: readonly Frame[]): void {
    const site = TASK_SITES.get(task);
    if (site === undefined || site.fn !== "") return;
    // Only when nothing of simloop's own code with a location lies between that frame and the step.
    for (let i = frames.length - 1; i >= 0; i--) {
      const frame = frames[i] as Frame;
      if (frame.file === "" || frame.file.startsWith("node:")) continue;
      if (isInternal(frame)) return;
      site.fn = frame.fn === "" ? `<anonymous> (${where(frame)})` : frame.fn;
      return;
    }
  }
}

/** The call as the user wrote it, such as `sleep(1)`, `callLater(2, tick)`, `callAt(5, tick)` or `callSoon(flush)`. */
function callText(handle: Handle, frames: readonly Frame[], now: number): string {
  const name = (handle._fn as { name: string }).name;
  if ((handle._flags & KIND_MASK) === KIND_CALLBACK) return `callSoon(${name})`;
  if (handle instanceof WaitableTimer)
    return `sleep(${typeof handle._a === "number" ? handle._a : handle._when - now})`;
  // callAt and callLater make the same timer: the stack tells which one the user called.
  const when = (handle as TimerHandle)._when;
  const fn = name || "<anonymous>";
  return frames.some((frame) => /(?:^|\.)callAt$/.test(frame.fn))
    ? `callAt(${when}, ${fn})`
    : `callLater(${when - now}, ${fn})`;
}

function snapshot(site: MutableTaskSite): TaskSite {
  return {
    name: site.task.getName(),
    fn: site.fn,
    via: site.via,
    creator: site.creator,
    at: site.at,
    parent: site.parent,
    nth: site.nth,
  };
}

/**
 * A site as one phrase: the call, the user's function and the line, such as
 * `sleep(1) in deposit (bank.ts:16)`.
 *
 * @example
 * ```ts
 * describeSite({ call: "sleep(1)", fn: "deposit", at: "bank.ts:16", task: "Task-2" }); // "sleep(1) in deposit (bank.ts:16)"
 * ```
 */
export function describeSite(site: Site): string {
  const fn = site.fn === "" ? "" : ` in ${site.fn}`;
  const at = site.at === "" ? "" : ` (${site.at})`;
  return `${site.call}${fn}${at}`;
}
