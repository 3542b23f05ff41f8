/**
 * The driver of a self-driven scheduler's loop (`simloopScheduler()`): each virtual callback dispatched
 * from a real macrotask of its own (exact quiescence, as async mode's driver), in sessions that end the
 * moment the loop has nothing left and nobody waits — synchronously, right after the dispatch, so that
 * once a property's body is over the loop is no longer running and the test may run another loop at
 * once. New work (a timer armed, a wait) begins a new session.
 *
 * Why not `runUntilCompleteAsync`: it ends only at its next macrotask, after the test code following the
 * property has already run (a synchronous loop run there fails with `LoopRunningError`), and it waits on
 * a main the scheduler does not have: fast-check calls the property, not us.
 *
 * @module
 */
import { UncaughtExceptionError, UnhandledRejectionError } from "@simloop/async";
import { DeadlockError, type DrivenRun, type EventLoop } from "@simloop/core";
import { MessageChannel as RealMessageChannel } from "node:worker_threads";

/** What a session tells its scheduler. */
export interface SelfDriverHooks {
  /** Whether a session may end now that the loop has nothing left (false while a wait runs). */
  readonly mayEnd: () => boolean;
  /** The loop had nothing left while a wait ran: nothing can end that wait. */
  readonly stalled: (deadlock: DeadlockError) => void;
  /** The session failed: an unhandled rejection, an uncaught exception, the step budget, a policy error. */
  readonly failed: (error: unknown) => void;
  /** The session ended because the loop had nothing left; called again, a real macrotask later, if no session began meanwhile. */
  readonly idle: (settled: boolean) => void;
}

let current: SelfDriver | null = null;
let port: { post(): void; ref(): void; unref(): void } | null = null;
let lingering: SelfDriver[] = [];
let lingerPort: { post(): void } | null = null;

/** After a real macrotask, tells each idle driver that nothing began meanwhile. */
function linger(driver: SelfDriver): void {
  if (lingerPort === null) {
    const channel = new RealMessageChannel();
    channel.port1.on("message", () => {
      const drivers = lingering;
      lingering = [];
      for (const idle of drivers) idle._settled();
    });
    channel.port1.unref();
    const send = channel.port2;
    lingerPort = { post: () => send.postMessage(null) };
  }
  if (!lingering.includes(driver)) lingering.push(driver);
  lingerPort.post();
}

function poster(): { post(): void; ref(): void; unref(): void } {
  if (port !== null) return port;
  const channel = new RealMessageChannel();
  const receive = channel.port1;
  const send = channel.port2;
  receive.on("message", () => current?._step());
  receive.unref();
  port = { post: () => send.postMessage(null), ref: () => receive.ref(), unref: () => receive.unref() };
  return port;
}

/** @internal One loop's driver; at most one session of all drivers is open at a time. */
export class SelfDriver {
  private readonly _loop: EventLoop;
  private readonly _hooks: SelfDriverHooks;
  private _run: DrivenRun | null = null;
  private _sessions = 0;
  private _idleAt = -1;
  private _captured: unknown = null;
  private _saved: {
    rejection: NodeJS.UnhandledRejectionListener[];
    exception: NodeJS.UncaughtExceptionListener[];
  } | null = null;
  private readonly _onRejection = (reason: unknown): void => {
    this._captured ??= new UnhandledRejectionError(reason, this._loop.time());
  };
  private readonly _onException = (error: unknown): void => {
    this._captured ??= new UncaughtExceptionError(error, this._loop.time());
  };

  constructor(loop: EventLoop, hooks: SelfDriverHooks) {
    this._loop = loop;
    this._hooks = hooks;
  }

  /** Whether a session is open (the loop is running). */
  get driving(): boolean {
    return this._run !== null;
  }

  /** Opens a session (ending another driver's, if one is open). */
  start(): void {
    if (this._run !== null) return;
    current?.stop();
    current = this;
    this._sessions++;
    this._run = this._loop.beginDrivenRun();
    this._captured = null;
    this._saved = {
      rejection: process.listeners("unhandledRejection"),
      exception: process.listeners("uncaughtException"),
    };
    process.removeAllListeners("unhandledRejection");
    process.removeAllListeners("uncaughtException");
    process.on("unhandledRejection", this._onRejection);
    process.on("uncaughtException", this._onException);
    const channel = poster();
    channel.ref();
    channel.post();
  }

  /** Ends the session, if open: callbacks not dispatched stay queued, the process listeners are restored. */
  stop(): void {
    const run = this._run;
    if (run === null) return;
    this._run = null;
    run.end();
    if (current === this) {
      current = null;
      poster().unref();
    }
    process.removeListener("unhandledRejection", this._onRejection);
    process.removeListener("uncaughtException", this._onException);
    const saved = this._saved;
    this._saved = null;
    if (saved !== null) {
      for (const listener of saved.rejection) process.on("unhandledRejection", listener);
      for (const listener of saved.exception) process.on("uncaughtException", listener);
    }
  }

  /** @internal The macrotask: one dispatch, then the session ends if the loop has nothing left. */
  _step(): void {
    const run = this._run;
    if (run === null) return;
    const captured = this._captured;
    if (captured !== null) {
      this.stop();
      this._hooks.failed(captured);
      return;
    }
    try {
      if (!run.dispatchNext()) {
        this._idle();
        return;
      }
    } catch (error) {
      this.stop();
      if (error instanceof DeadlockError) {
        this._hooks.stalled(error);
        this._idle();
      } else this._hooks.failed(error);
      return;
    }
    this.endIfIdle();
    if (this._run !== null) poster().post();
  }

  /** Ends the session when the loop has nothing left (nothing ready, no timer) and it may end. */
  endIfIdle(): void {
    const run = this._run;
    if (run === null || this._captured !== null) return;
    if (this._loop.peek() === Infinity && run.betweenIterations && this._hooks.mayEnd()) this._idle();
  }

  private _idle(): void {
    this.stop();
    this._idleAt = this._sessions;
    this._hooks.idle(false);
    linger(this);
  }

  /** @internal A real macrotask after the session ended idle. */
  _settled(): void {
    if (this._run === null && this._idleAt === this._sessions) this._hooks.idle(true);
  }
}
