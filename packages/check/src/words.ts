/**
 * The user's words for what ran: reports name a timer by the call that armed it ("sleep(1) in deposit
 * (bank.ts:16)"), a task by the generator function it runs and where it was created, and the loop's
 * own callbacks (a sleep's timer, gather's or runUntilComplete's done callbacks) by what they do,
 * never by their internal function names.
 *
 * The call sites come from a run traced with `sites` (see core's `Sites`): reports are made from such a
 * run. Without them, the words fall back on what the handle itself tells.
 *
 * @module
 */
import { describeSite, siteOf, taskSiteOf, type Handle, type TaskSite, type TraceEvent } from "@simloop/core";

/** What the loop's and the coroutines' own callbacks do, by their function names. */
const INTERNAL: Readonly<Record<string, string>> = {
  setResultUnlessCancelled: "a sleep ends",
  runUntilCompleteCallback: "runUntilComplete takes the result",
  onChildDone: "gather collects the result",
  onCompletion: "wait collects the result",
  innerDone: "shield passes the result on",
  outerDone: "shield's outer future is done",
  _onTaskDone: "the task group collects the result",
  releaseWaiter: "a wait's timeout expires",
  _onTimeout: "a timeout expires",
  // async mode's virtual timers (@simloop/async), when a timer's callback armed the timer
  fireTimeout: "a timer's callback",
  fireImmediate: "an immediate's callback",
};

/** Who a known internal callback is, when it wakes a task. */
const WAKER: Readonly<Record<string, string>> = {
  setResultUnlessCancelled: "a sleep",
  onChildDone: "gather",
  onCompletion: "wait",
  innerDone: "shield",
  outerDone: "shield",
  _onTaskDone: "the task group",
  releaseWaiter: "a timeout",
  _onTimeout: "a timeout",
};

/** What the user called that armed a known internal timer callback, by the callback's name. */
const ARMED_BY: Readonly<Record<string, string>> = {
  releaseWaiter: "the timeout of waitFor or wait",
  _onTimeout: "the timeout of timeout()",
};

/**
 * A site's call in the user's words: a timer that simloop armed for the user's call (the timeout of
 * `waitFor(aw, 1)`, recorded as `callLater(1, releaseWaiter)`) is named by that call; any other call
 * as recorded.
 *
 * @example
 * ```ts
 * siteWords("callLater(1, releaseWaiter) in pay (pay.ts:33)"); // "the timeout of waitFor or wait (1) in pay (pay.ts:33)"
 * ```
 */
export function siteWords(site: string): string {
  const match = /^(callLater|callAt)\((.*), ([\w$]+)\)(.*)$/s.exec(site);
  const armed = match === null ? undefined : ARMED_BY[match[3] as string];
  if (match === null || armed === undefined) return site;
  const when = match[1] === "callAt" ? `at t=${match[2] as string}` : (match[2] as string);
  return `${armed} (${when})${match[4] as string}`;
}

/**
 * A callback's label in the user's words: what a known internal callback does, else its name.
 *
 * @example
 * ```ts
 * callbackWords("onChildDone"); // "gather collects the result"
 * ```
 */
export function callbackWords(label: string): string {
  return INTERNAL[label] ?? label;
}

/**
 * A task's name with the generator function it runs, when known: `Task-2 (deposit)`.
 *
 * @example
 * ```ts
 * taskWords("Task-2", tasks); // "Task-2 (deposit)"
 * ```
 */
export function taskWords(name: string, tasks: ReadonlyMap<string, TaskSite> | undefined): string {
  const fn = tasks?.get(name)?.fn;
  return fn === undefined || fn === "" || fn === name ? name : `${name} (${fn})`;
}

/**
 * A choice candidate in the user's words: a timer by the call that armed it and its task, a task step
 * by its task, a callback by its name and its task.
 *
 * @example
 * ```ts
 * handleWords(point.candidates[0]); // "sleep(1) in deposit (bank.ts:16), Task-2"
 * ```
 */
export function handleWords(handle: Handle): string {
  const task = handle.task;
  if (handle.kind === "step") return `${handle.label}${fnSuffix(task)} runs`;
  const owner = task === null ? "" : `, ${task.getName()}`;
  const site = siteOf(handle);
  if (site !== undefined) return `${siteWords(describeSite(site))}${owner}`;
  const label = handle.label;
  if (label === "setResultUnlessCancelled") {
    const when = (handle as { when?: () => number }).when?.();
    return `a sleep${when === undefined ? "" : ` until t=${when}`}${owner}`;
  }
  return `${handle.kind} ${callbackWords(label)}${owner}`;
}

function fnSuffix(task: Handle["task"]): string {
  if (task === null) return "";
  const fn = taskSiteOf(task)?.fn;
  return fn === undefined || fn === "" ? "" : ` (${fn})`;
}

/**
 * One trace event in the user's words (without its time): a task starting or resuming, a timer by its
 * site, a done callback by what it does.
 *
 * @example
 * ```ts
 * eventWords(event, tasks, started); // "sleep(1) in deposit (bank.ts:18) ends, Task-2"
 * ```
 */
export function eventWords(
  event: TraceEvent,
  tasks: ReadonlyMap<string, TaskSite> | undefined,
  started: Set<string>,
): string {
  switch (event.kind) {
    case "step": {
      const first = !started.has(event.label);
      started.add(event.label);
      const who = taskWords(event.label, tasks);
      if (first) return `${who} starts`;
      const cause = event.cause;
      const by =
        cause === undefined || cause === event.label || cause.startsWith(`setResultUnlessCancelled`)
          ? ""
          : `  (woken by ${causeWords(cause)})`;
      return `${who} resumes${by}`;
    }
    case "timer": {
      if (event.site !== undefined) return `${siteWords(event.site)} ends, ${callbackWords(event.source)}`;
      return `${callbackWords(event.label)}, ${event.source}`;
    }
    case "done":
      return `${taskWords(event.source, tasks)} is done: ${callbackWords(event.label)}`;
    default:
      return `${event.site === undefined ? callbackWords(event.label) : siteWords(event.site)}  (from ${event.source})`;
  }
}

/**
 * A step's cause, `label (Task-n)` or a task name, in the user's words.
 *
 * @example
 * ```ts
 * causeWords("onChildDone (Task-4)"); // "gather, after Task-4"
 * ```
 */
export function causeWords(cause: string): string {
  const match = /^(.*) \((.*)\)$/.exec(cause);
  if (match === null) return cause;
  const label = match[1] as string;
  return `${WAKER[label] ?? label}, after ${match[2] as string}`;
}

/**
 * The tasks of a run, one line each: the function it runs and where it was created (gather's children
 * by their position), for the legend of a report.
 *
 * @example
 * ```ts
 * taskLegend(loop.trace.sites.tasks(), "buggy"); // ["Task-1  buggy: the program", "Task-2  deposit: gather's 1st child, in buggy (bank.ts:33)", …]
 * ```
 */
export function taskLegend(tasks: readonly TaskSite[]): string[] {
  const width = Math.max(...tasks.map((t) => t.name.length));
  return tasks.map((task, i) => {
    // The first task created outside any task is the program's own (run by explore, replay or a test).
    const from = i === 0 && task.parent === null ? "the program" : origin(task);
    return `${task.name.padEnd(width)}  ${task.fn === "" ? "" : `${task.fn}: `}${from}`;
  });
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

function origin(task: TaskSite): string {
  const where = [task.creator === "" ? "" : `in ${task.creator}`, task.at === "" ? "" : `(${task.at})`]
    .filter((s) => s !== "")
    .join(" ");
  if (task.via === "gather") return `gather's ${ordinal(task.nth)} child, ${where}`;
  const via = task.via === "" ? "created" : `created by ${task.via}`;
  return `${via}${task.nth > 1 ? ` (${ordinal(task.nth)} in a row)` : ""}${where === "" ? "" : ` ${where}`}`;
}
