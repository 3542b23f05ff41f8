/**
 * The scenario interpreter on simloop: the TypeScript twin of `tools/asyncio-oracle/oracle.py`.
 *
 * Why: a conformance scenario is written once, in JSON, and run twice: on CPython asyncio by the
 * oracle, and on simloop here. Both print the same trace format (`<time> <iteration> <text>` per
 * line, values in one canonical form), so a difference is a difference of event-loop behaviour, not
 * of formatting. The two interpreters must stay statement-for-statement alike: every coroutine
 * statement that awaits maps to exactly one asyncio `await` (`yield*` here), everything else runs
 * synchronously, and a callback or top-level body never suspends.
 *
 * The DSL is described in `tools/asyncio-oracle/README.md`.
 */
import {
  ArgumentError,
  CancelledError,
  DeadlockError,
  EventLoop,
  Future,
  Handle,
  InvalidStateError,
  LoopMisuseError,
  Task,
  TimeoutError,
  currentTask,
  isGenerator,
  setEventLoop,
  type Coroutine,
  type ExceptionContext,
  type Yieldable,
} from "@simloop/core";
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  Event,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueTaskDoneError,
  Semaphore,
  SemaphoreOverReleaseError,
  TaskGroup,
  TaskGroupError,
  Timeout,
  asCompleted,
  ensureFuture,
  gather,
  gatherReturnExceptions,
  isCoroutineFunction,
  shield,
  sleep,
  timeout,
  timeoutAt,
  wait,
  waitFor,
  type ReturnWhen,
} from "../../src/index.ts";

/** An expression: a JSON literal, an array of expressions, or one of the object forms. */
export type Expr = null | boolean | number | string | readonly Expr[] | ExprObject;

/** The object forms of an expression; exactly one of the leading keys is present. */
export interface ExprObject {
  readonly var?: string;
  readonly coro?: string;
  readonly args?: readonly Expr[];
  readonly sleep?: Expr;
  readonly value?: Expr;
  readonly create_task?: Expr;
  readonly name?: string;
  readonly ensure_future?: Expr;
  readonly gather?: readonly Expr[];
  readonly return_exceptions?: boolean;
  readonly create_future?: boolean;
  readonly task_name?: Expr;
  readonly current_task?: boolean;
  readonly done?: Expr;
  readonly cancelled?: Expr;
  readonly result?: Expr;
  readonly exception?: Expr;
  readonly cancelling?: Expr;
  readonly time?: boolean;
  readonly group?: Expr;
  readonly add?: readonly [Expr, Expr];
  readonly eq?: readonly [Expr, Expr];
  readonly index?: readonly [Expr, Expr];
  readonly wait_for?: Expr;
  readonly timeout?: Expr;
  readonly shield?: Expr;
  readonly wait?: readonly Expr[];
  readonly return_when?: string;
  readonly as_completed?: readonly Expr[];
  readonly new?: string;
  readonly call?: string;
  readonly on?: Expr;
  readonly attr?: string;
  readonly of?: Expr;
}

/** One `except` clause of a `try` statement. */
export interface ExceptClause {
  readonly type: string;
  readonly as?: string;
  readonly body: readonly Stmt[];
}

/** A statement; `op` says which, the other fields are its operands. */
export interface Stmt {
  readonly op: string;
  readonly text?: string;
  readonly values?: readonly Expr[];
  readonly var?: string;
  readonly value?: Expr;
  readonly cb?: string;
  readonly args?: readonly Expr[];
  readonly as?: string;
  readonly delay?: Expr;
  readonly when?: Expr;
  readonly target?: string;
  readonly error?: string;
  readonly msg?: string;
  readonly name?: string;
  readonly body?: readonly Stmt[];
  readonly except?: readonly ExceptClause[];
  readonly finally?: readonly Stmt[];
  readonly in?: Expr;
}

/** A named callback or coroutine. */
export interface FunctionSpec {
  readonly params?: readonly string[];
  readonly body: readonly Stmt[];
}

/** A whole scenario file. */
export interface Scenario {
  readonly description?: string;
  readonly rules?: readonly string[];
  readonly callbacks?: Readonly<Record<string, FunctionSpec>>;
  readonly coroutines?: Readonly<Record<string, FunctionSpec>>;
  readonly main: readonly Stmt[];
}

/** An error raised by the scenario itself; its category in the trace is its message. */
export class UserError extends Error {
  override readonly name: string = "UserError";
}

let scenarioErrors: string[] = [];

/**
 * The scenario is malformed: a bug in the scenario, not a behaviour of the loop. Thrown inside a
 * callback or a task it would become part of the trace, so every instance is also recorded and the run
 * fails at its end.
 */
export class ScenarioError extends Error {
  override readonly name: string = "ScenarioError";
  constructor(message: string) {
    super(message);
    scenarioErrors.push(message);
  }
}

/** Formats a number as the trace does (JavaScript's `String(n)`; the oracle imitates it). */
export function formatNumber(n: number): string {
  return String(n);
}

/** The trace's name for an error: a category, or the message of a user error. */
export function errorCategory(error: unknown): string {
  if (error instanceof DeadlockError) return "deadlock";
  if (error instanceof CancelledError) return "CancelledError";
  if (error instanceof InvalidStateError) return "InvalidStateError";
  if (error instanceof TimeoutError) return "TimeoutError";
  if (error instanceof LoopMisuseError) return "RuntimeError";
  if (error instanceof UserError) return error.message;
  if (error instanceof BrokenBarrierError) return "BrokenBarrierError";
  if (error instanceof QueueEmpty) return "QueueEmpty";
  if (error instanceof QueueFull) return "QueueFull";
  if (error instanceof TaskGroupError) return `TaskGroupError[${error.errors.map(errorCategory).join(", ")}]`;
  if (error instanceof QueueTaskDoneError || error instanceof SemaphoreOverReleaseError) return "ValueError";
  if (error instanceof ArgumentError) return "ArgumentError";
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `non-error: ${String(error)}`;
}

/** Formats a value as the trace does. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item: unknown) => formatValue(item)).join(", ")}]`;
  if (value instanceof Task) return `task:${value.getName()}`;
  if (value instanceof Future) return "future";
  if (value instanceof Handle) return "handle";
  if (isGenerator(value)) return "coroutine";
  if (value instanceof Error) return `exc:${errorCategory(value)}`;
  throw new ScenarioError(`cannot format value ${String(value)}`);
}

function makeError(spec: string): Error {
  switch (spec) {
    case "CancelledError":
      return new CancelledError();
    case "InvalidStateError":
      return new InvalidStateError("InvalidStateError");
    case "TimeoutError":
      return new TimeoutError();
    case "RuntimeError":
      return new LoopMisuseError("RUNTIME_ERROR", "RuntimeError");
    default:
      return new UserError(spec);
  }
}

function matches(type: string, error: unknown): boolean {
  if (type === "BaseException") return true;
  if (type === "Exception") return !(error instanceof CancelledError);
  if (type === "UserError") return error instanceof UserError;
  if (type === "TaskGroupError") return error instanceof TaskGroupError;
  return errorCategory(error) === type;
}

class Return {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}

type Signal = Return | null;
type Exec = Generator<Yieldable, Signal, unknown>;

interface Frame {
  readonly locals: Map<string, unknown>;
  readonly inCoroutine: boolean;
}

/** Runs an interpreter generator that must not suspend (a callback or top-level body). */
function driveSync(exec: Exec): Signal {
  const step = exec.next();
  if (step.done === true) return step.value;
  exec.return(null);
  throw new ScenarioError("a callback or top-level statement tried to suspend");
}

function isFuture(value: unknown): value is Future<unknown> {
  return value instanceof Future;
}

/** The primitives `{"new": kind, "args": [...]}` creates (asyncio's positional arguments). */
const PRIMITIVES: Readonly<Record<string, (...args: unknown[]) => object>> = {
  Lock: () => new Lock(),
  Event: () => new Event(),
  Condition: (lock?: unknown) => new Condition(lock as Lock | undefined),
  Semaphore: (value?: unknown) => new Semaphore(value as number | undefined),
  BoundedSemaphore: (value?: unknown) => new BoundedSemaphore(value as number | undefined),
  Barrier: (parties?: unknown) => new Barrier(parties as number),
  Queue: (maxsize?: unknown) => new Queue({ maxsize: (maxsize ?? 0) as number }),
  PriorityQueue: (maxsize?: unknown) => new PriorityQueue({ maxsize: (maxsize ?? 0) as number }),
  LifoQueue: (maxsize?: unknown) => new LifoQueue({ maxsize: (maxsize ?? 0) as number }),
};

type Class = abstract new (...args: never[]) => object;
const QUEUE_METHODS = ["put", "get", "put_nowait", "get_nowait", "task_done", "join", "qsize", "empty", "full"];

/** The methods `{"call": …}` may use, by asyncio name; simloop's is its camelCase twin. */
const METHODS: readonly (readonly [Class, readonly string[]])[] = [
  [Lock, ["acquire", "release", "locked"]],
  [Event, ["set", "clear", "is_set", "wait"]],
  [Condition, ["acquire", "release", "locked", "wait", "wait_for", "notify", "notify_all"]],
  [Semaphore, ["acquire", "release", "locked"]],
  [Barrier, ["wait", "reset", "abort"]],
  [Queue, QUEUE_METHODS],
  [Timeout, ["reschedule", "when", "expired"]],
];

/** The attributes `{"attr": …}` may read, by asyncio name. */
const ATTRIBUTES: readonly (readonly [Class, readonly string[]])[] = [
  [Barrier, ["parties", "n_waiting", "broken"]],
  [Queue, ["maxsize"]],
];

function allowed(table: readonly (readonly [Class, readonly string[]])[], target: unknown, name: string): boolean {
  return table.some(([cls, names]) => target instanceof cls && names.includes(name));
}

/** asyncio's snake_case name to simloop's camelCase one (`put_nowait` → `putNowait`). */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_m: string, c: string) => c.toUpperCase());
}

function isLiteral(value: unknown): value is null | boolean | number | string {
  return value === null || ["boolean", "number", "string"].includes(typeof value);
}

/** Runs one scenario on a fresh simloop loop and returns its trace lines. */
export class Interpreter {
  readonly loop: EventLoop;
  readonly lines: string[] = [];
  private readonly scenario: Scenario;
  private readonly env = new Map<string, unknown>();
  private readonly callbacks = new Map<string, (...args: unknown[]) => void>();
  private readonly coroutines = new Map<string, (...args: unknown[]) => Coroutine<unknown>>();
  private finished = false;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    this.loop = new EventLoop({ unhandled: "collect" });
    this.loop.setExceptionHandler((_loop, context) => this.exceptionHandler(context));
    for (const [name, spec] of Object.entries(scenario.callbacks ?? {})) {
      this.callbacks.set(name, this.makeCallback(spec));
    }
    for (const [name, spec] of Object.entries(scenario.coroutines ?? {})) {
      this.coroutines.set(name, this.makeCoroutine(spec));
    }
  }

  /** Runs the top-level statements; each error escaping one is logged, as the oracle does. */
  run(): string[] {
    setEventLoop(this.loop);
    scenarioErrors = [];
    try {
      const frame: Frame = { locals: new Map(), inCoroutine: false };
      for (const statement of this.scenario.main) {
        try {
          driveSync(this.execStatement(statement, frame));
        } catch (error) {
          if (error instanceof ScenarioError) throw error;
          const category = errorCategory(error);
          this.log(category === "deadlock" ? "deadlock" : `error ${category}`);
        }
      }
      const first = scenarioErrors[0];
      if (first !== undefined) throw new ScenarioError(first);
      return this.lines;
    } finally {
      this.finished = true;
      if (!this.loop.isRunning()) this.loop.close();
      setEventLoop(null);
    }
  }

  // ------------------------------------------------------------------ plumbing

  private log(text: string): void {
    if (this.finished) return;
    this.lines.push(`${formatNumber(this.loop.time())} ${this.loop.iteration} ${text}`);
  }

  private exceptionHandler(context: ExceptionContext): void {
    const text = context.exception === undefined ? context.message : errorCategory(context.exception);
    this.log(`exception-handler ${text}`);
  }

  private makeCallback(spec: FunctionSpec): (...args: unknown[]) => void {
    const params = spec.params ?? [];
    return (...args: unknown[]): void => {
      const frame: Frame = { locals: bind(params, args), inCoroutine: false };
      driveSync(this.execBlock(spec.body, frame));
    };
  }

  private makeCoroutine(spec: FunctionSpec): (...args: unknown[]) => Coroutine<unknown> {
    const params = spec.params ?? [];
    const execBlock = (body: readonly Stmt[], frame: Frame): Exec => this.execBlock(body, frame);
    return function* coroutine(...args: unknown[]): Coroutine<unknown> {
      const frame: Frame = { locals: bind(params, args), inCoroutine: true };
      const signal = yield* execBlock(spec.body, frame);
      return signal === null ? null : signal.value;
    };
  }

  private lookup(frame: Frame, name: string): unknown {
    if (frame.locals.has(name)) return frame.locals.get(name);
    if (this.env.has(name)) return this.env.get(name);
    throw new ScenarioError(`unknown variable ${JSON.stringify(name)}`);
  }

  private assign(frame: Frame, name: string, value: unknown): void {
    if (frame.locals.has(name)) frame.locals.set(name, value);
    else this.env.set(name, value);
  }

  private callback(name: string | undefined): (...args: unknown[]) => void {
    const fn = name === undefined ? undefined : this.callbacks.get(name);
    if (fn === undefined) throw new ScenarioError(`unknown callback ${JSON.stringify(name)}`);
    return fn;
  }

  private future(frame: Frame, name: string | undefined): Future<unknown> {
    const value = this.lookup(frame, required(name, "target"));
    if (!isFuture(value)) throw new ScenarioError(`${JSON.stringify(name)} is not a future`);
    return value;
  }

  private task(frame: Frame, name: string | undefined): Task<unknown> {
    const value = this.lookup(frame, required(name, "target"));
    if (!(value instanceof Task)) throw new ScenarioError(`${JSON.stringify(name)} is not a task`);
    return value;
  }

  // ------------------------------------------------------------------ expressions

  private evaluate(e: Expr | undefined, frame: Frame): unknown {
    if (e === undefined || e === null || typeof e === "boolean" || typeof e === "number" || typeof e === "string") {
      return e ?? null;
    }
    if (isExprArray(e)) return e.map((item) => this.evaluate(item, frame));
    if (e.var !== undefined) return this.lookup(frame, e.var);
    if (e.coro !== undefined) {
      const fn = this.coroutines.get(e.coro);
      if (fn === undefined) throw new ScenarioError(`unknown coroutine ${JSON.stringify(e.coro)}`);
      return fn(...(e.args ?? []).map((arg) => this.evaluate(arg, frame)));
    }
    if (e.sleep !== undefined) {
      return sleep(toNumber(this.evaluate(e.sleep, frame)), this.evaluate(e.value, frame));
    }
    if (e.create_task !== undefined) {
      const coro = this.evaluate(e.create_task, frame) as Coroutine<unknown>;
      if (e.group !== undefined) {
        const group = this.evaluate(e.group, frame);
        if (!(group instanceof TaskGroup)) throw new ScenarioError(`${JSON.stringify(e.group)} is not a task group`);
        return e.name === undefined ? group.createTask(coro) : group.createTask(coro, { name: e.name });
      }
      return e.name === undefined ? this.loop.createTask(coro) : this.loop.createTask(coro, { name: e.name });
    }
    if (e.ensure_future !== undefined) {
      return ensureFuture(this.evaluate(e.ensure_future, frame) as Coroutine<unknown> | Future<unknown>);
    }
    if (e.gather !== undefined) {
      const items = e.gather.map((item) => this.evaluate(item, frame) as Coroutine<unknown> | Future<unknown>);
      return e.return_exceptions === true ? gatherReturnExceptions(...items) : gather(...items);
    }
    if (e.create_future !== undefined) return this.loop.createFuture<unknown>();
    if (e.task_name !== undefined) return this.evaluateTask(e.task_name, frame).getName();
    if (e.current_task !== undefined) return currentTask(this.loop);
    if (e.done !== undefined) return this.evaluateFuture(e.done, frame).done();
    if (e.cancelled !== undefined) return this.evaluateFuture(e.cancelled, frame).cancelled();
    if (e.result !== undefined) return this.evaluateFuture(e.result, frame).result();
    if (e.exception !== undefined) return this.evaluateFuture(e.exception, frame).exception();
    if (e.cancelling !== undefined) return this.evaluateTask(e.cancelling, frame).cancelling();
    if (e.time !== undefined) return this.loop.time();
    if (e.add !== undefined) {
      const [a, b] = e.add.map((x) => this.evaluate(x, frame));
      if (typeof a === "string" && typeof b === "string") return a + b;
      return toNumber(a) + toNumber(b);
    }
    if (e.index !== undefined) {
      const [items, i] = e.index.map((x) => this.evaluate(x, frame));
      if (!Array.isArray(items)) throw new ScenarioError("index takes a list");
      return (items as unknown[])[toNumber(i)];
    }
    if (e.eq !== undefined) {
      const [a, b] = e.eq.map((x) => this.evaluate(x, frame));
      if (!isLiteral(a) || !isLiteral(b)) throw new ScenarioError("eq compares literals only");
      return a === b;
    }
    if (e.wait_for !== undefined) {
      const aw = this.evaluate(e.wait_for, frame) as Coroutine<unknown> | Future<unknown>;
      return waitFor(aw, this.evaluate(e.timeout, frame) as number | null);
    }
    if (e.shield !== undefined) return shield(this.evaluate(e.shield, frame) as Coroutine<unknown> | Future<unknown>);
    if (e.wait !== undefined) {
      const fs = e.wait.map((x) => this.evaluate(x, frame) as Future<unknown>);
      const options = {
        timeout: this.evaluate(e.timeout, frame) as number | null,
        returnWhen: e.return_when as ReturnWhen,
      };
      return waitInOrder(fs, e.return_when === undefined ? { timeout: options.timeout } : options);
    }
    if (e.as_completed !== undefined) {
      const fs = e.as_completed.map((x) => this.evaluate(x, frame) as Coroutine<unknown> | Future<unknown>);
      return [...asCompleted(fs, { timeout: this.evaluate(e.timeout, frame) as number | null })];
    }
    if (e.new !== undefined) {
      const factory = PRIMITIVES[e.new];
      if (factory === undefined) throw new ScenarioError(`unknown primitive ${JSON.stringify(e.new)}`);
      return factory(...(e.args ?? []).map((arg) => this.evaluate(arg, frame)));
    }
    if (e.call !== undefined) {
      const target = this.evaluate(e.on, frame);
      const method = e.call;
      if (!allowed(METHODS, target, method)) throw new ScenarioError(`cannot call ${JSON.stringify(method)}`);
      const fn = (target as Record<string, (...args: unknown[]) => unknown>)[camel(method)] as (
        ...args: unknown[]
      ) => unknown;
      if (method === "wait_for") {
        // Condition.waitFor(predicate): the argument is an expression, evaluated at each check
        const predicate = (e.args ?? [])[0] ?? null;
        return fn.call(target, () => this.evaluate(predicate, frame));
      }
      return fn.apply(
        target,
        (e.args ?? []).map((arg) => this.evaluate(arg, frame)),
      );
    }
    if (e.attr !== undefined) {
      const target = this.evaluate(e.of, frame);
      if (!allowed(ATTRIBUTES, target, e.attr)) throw new ScenarioError(`no attribute ${JSON.stringify(e.attr)}`);
      return (target as Record<string, unknown>)[camel(e.attr)];
    }
    throw new ScenarioError(`bad expression ${JSON.stringify(e)}`);
  }

  private evaluateFuture(e: Expr, frame: Frame): Future<unknown> {
    const value = this.evaluate(e, frame);
    if (!isFuture(value)) throw new ScenarioError(`${JSON.stringify(e)} is not a future`);
    return value;
  }

  private evaluateTask(e: Expr, frame: Frame): Task<unknown> {
    const value = this.evaluate(e, frame);
    if (!(value instanceof Task)) throw new ScenarioError(`${JSON.stringify(e)} is not a task`);
    return value;
  }

  // ------------------------------------------------------------------ statements

  private *execBlock(statements: readonly Stmt[], frame: Frame): Exec {
    for (const statement of statements) {
      const signal = yield* this.execStatement(statement, frame);
      if (signal !== null) return signal;
    }
    return null;
  }

  private needCoroutine(s: Stmt, frame: Frame): void {
    if (!frame.inCoroutine) throw new ScenarioError(`${JSON.stringify(s.op)} is only allowed in a coroutine`);
  }

  private *execStatement(s: Stmt, frame: Frame): Exec {
    const loop = this.loop;
    switch (s.op) {
      case "log": {
        const values = (s.values ?? []).map((v) => formatValue(this.evaluate(v, frame)));
        this.log([required(s.text, "text"), ...values].join(" "));
        return null;
      }
      case "set":
        this.assign(frame, required(s.var, "var"), this.evaluate(s.value, frame));
        return null;
      case "eval":
        this.evaluate(s.value, frame);
        return null;
      case "call_soon":
      case "call_later":
      case "call_at": {
        const cb = this.callback(s.cb);
        const args = (s.args ?? []).map((arg) => this.evaluate(arg, frame));
        let handle: Handle;
        if (s.op === "call_soon") handle = loop.callSoon(cb, ...args);
        else if (s.op === "call_later") handle = loop.callLater(toNumber(this.evaluate(s.delay, frame)), cb, ...args);
        else handle = loop.callAt(toNumber(this.evaluate(s.when, frame)), cb, ...args);
        if (s.as !== undefined) this.assign(frame, s.as, handle);
        return null;
      }
      case "cancel_handle": {
        const handle = this.lookup(frame, required(s.target, "target"));
        if (!(handle instanceof Handle)) throw new ScenarioError(`${JSON.stringify(s.target)} is not a handle`);
        handle.cancel();
        return null;
      }
      case "stop":
        loop.stop();
        return null;
      case "close":
        loop.close();
        return null;
      case "run_until_complete": {
        const awaitable = this.evaluate(s.value, frame) as Coroutine<unknown> | Future<unknown>;
        const result = loop.runUntilComplete(awaitable);
        this.log(`run_until_complete returned ${formatValue(result)}`);
        if (s.as !== undefined) this.assign(frame, s.as, result);
        return null;
      }
      case "run_forever":
        loop.runForever();
        this.log("run_forever returned");
        return null;
      case "set_result":
        this.future(frame, s.target).setResult(this.evaluate(s.value, frame));
        return null;
      case "set_exception":
        this.future(frame, s.target).setException(makeError(required(s.error, "error")));
        return null;
      case "cancel": {
        const target = this.future(frame, s.target);
        const cancelled = s.msg === undefined ? target.cancel() : target.cancel(s.msg);
        this.log(`cancel ${String(s.target)} ${formatValue(cancelled)}`);
        return null;
      }
      case "add_done_callback":
        this.future(frame, s.target).addDoneCallback(this.callback(s.cb));
        return null;
      case "remove_done_callback": {
        const count = this.future(frame, s.target).removeDoneCallback(this.callback(s.cb));
        this.log(`remove_done_callback ${String(s.target)} ${formatValue(count)}`);
        return null;
      }
      case "cancelling":
        this.log(`cancelling ${String(s.target)} ${formatValue(this.task(frame, s.target).cancelling())}`);
        return null;
      case "uncancel":
        this.log(`uncancel ${String(s.target)} ${formatValue(this.task(frame, s.target).uncancel())}`);
        return null;
      case "log_state":
        this.log(`state ${String(s.target)} ${stateOf(this.future(frame, s.target))}`);
        return null;
      case "is_coroutine_function": {
        const name = required(s.name, "name");
        const fn = this.coroutines.get(name) ?? this.callbacks.get(name);
        if (fn === undefined) throw new ScenarioError(`unknown function ${JSON.stringify(name)}`);
        this.log(`is_coroutine_function ${name} ${formatValue(isCoroutineFunction(fn))}`);
        return null;
      }
      case "raise":
        if (s.var !== undefined) throw this.lookup(frame, s.var);
        throw makeError(required(s.error, "error"));
      case "try":
        return yield* this.execTry(s, frame);
      case "return":
        return new Return(this.evaluate(s.value, frame));
      case "sleep": {
        this.needCoroutine(s, frame);
        const value = yield* sleep(toNumber(this.evaluate(s.delay, frame)), this.evaluate(s.value, frame));
        if (s.as !== undefined) this.assign(frame, s.as, value);
        return null;
      }
      case "yield":
        this.needCoroutine(s, frame);
        yield;
        return null;
      case "await": {
        this.needCoroutine(s, frame);
        const awaitable = this.evaluate(s.value, frame);
        let value: unknown;
        if (isFuture(awaitable)) value = yield* awaitable;
        else if (isGenerator(awaitable)) value = yield* awaitable as Coroutine<unknown>;
        else throw new ScenarioError(`cannot await ${formatValue(awaitable)}`);
        if (s.as !== undefined) this.assign(frame, s.as, value);
        return null;
      }
      case "for": {
        const items = this.evaluate(s.in, frame);
        if (!Array.isArray(items)) throw new ScenarioError("'for' iterates a list");
        for (const item of items as unknown[]) {
          this.assign(frame, required(s.as, "as"), item);
          const signal = yield* this.execBlock(s.body ?? [], frame);
          if (signal !== null) return signal;
        }
        return null;
      }
      case "timeout":
      case "timeout_at": {
        this.needCoroutine(s, frame);
        const body = (scope: Timeout): Exec => {
          if (s.as !== undefined) this.assign(frame, s.as, scope);
          return this.execBlock(s.body ?? [], frame);
        };
        if (s.op === "timeout") return yield* timeout(this.evaluate(s.delay, frame) as number | null, body);
        return yield* timeoutAt(this.evaluate(s.when, frame) as number | null, body);
      }
      case "task_group": {
        this.needCoroutine(s, frame);
        return yield* new TaskGroup().run((group: TaskGroup): Exec => {
          if (s.as !== undefined) this.assign(frame, s.as, group);
          return this.execBlock(s.body ?? [], frame);
        });
      }
      default:
        throw new ScenarioError(`unknown op ${JSON.stringify(s.op)}`);
    }
  }

  /**
   * `try` with explicit control flow rather than JavaScript's own `finally`, mirroring the oracle
   * (which must not run a scenario's finally block when Python closes a coroutine at collection).
   */
  private *execTry(s: Stmt, frame: Frame): Exec {
    let signal: Signal;
    try {
      signal = yield* this.execBlock(s.body ?? [], frame);
    } catch (error) {
      const clause = (s.except ?? []).find((c) => matches(c.type, error));
      if (clause === undefined || error instanceof ScenarioError) return yield* this.finallyThenThrow(s, frame, error);
      if (clause.as !== undefined) this.assign(frame, clause.as, error);
      try {
        signal = yield* this.execBlock(clause.body, frame);
      } catch (error2) {
        return yield* this.finallyThenThrow(s, frame, error2);
      }
    }
    const finallySignal = yield* this.execBlock(s.finally ?? [], frame);
    return finallySignal ?? signal;
  }

  private *finallyThenThrow(s: Stmt, frame: Frame, error: unknown): Exec {
    const finallySignal = yield* this.execBlock(s.finally ?? [], frame);
    if (finallySignal !== null) return finallySignal;
    throw error;
  }
}

/**
 * `yield* wait(fs, options)` with `done` and `pending` as arrays in argument order: the oracle's
 * `wait_in_order`. A nested generator adds no suspension point.
 */
function* waitInOrder(
  fs: readonly Future<unknown>[],
  options: { readonly timeout: number | null; readonly returnWhen?: ReturnWhen },
): Coroutine<unknown[][]> {
  const { done, pending } = yield* wait(fs, options);
  const order = [...new Set(fs)];
  return [order.filter((f) => done.has(f)), order.filter((f) => pending.has(f))];
}

function bind(params: readonly string[], args: readonly unknown[]): Map<string, unknown> {
  const locals = new Map<string, unknown>();
  // Like Python's zip(): a parameter without an argument stays unbound.
  params.forEach((param, i) => {
    if (i < args.length) locals.set(param, args[i]);
  });
  return locals;
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new ScenarioError(`missing field ${JSON.stringify(field)}`);
  return value;
}

function toNumber(value: unknown): number {
  if (typeof value !== "number") throw new ScenarioError(`expected a number, got ${formatValue(value)}`);
  return value;
}

function isExprArray(e: readonly Expr[] | ExprObject): e is readonly Expr[] {
  return Array.isArray(e);
}

function stateOf(future: Future<unknown>): string {
  if (!future.done()) return "pending";
  if (future.cancelled()) return "cancelled";
  const exception = future.exception();
  if (exception !== undefined && exception !== null) return `exception ${errorCategory(exception)}`;
  return `result ${formatValue(future.result())}`;
}

/** Runs a scenario on simloop and returns its trace as text (one line per entry, newline-terminated). */
export function runScenario(scenario: Scenario): string {
  return new Interpreter(scenario)
    .run()
    .map((line) => `${line}\n`)
    .join("");
}
