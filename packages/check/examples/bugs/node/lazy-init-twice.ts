/**
 * A lazy initialisation run twice (modelled on wearekickback/app#183). `getWeb3()` returns the cached
 * instance if there is one; otherwise it detects the wallet provider (10–400 ms) and only then caches the
 * instance. A second component mounts 50 ms after the first and calls it too: when detection is slower
 * than that, both calls initialise, and the app ends up with two instances. The fix: cache the promise
 * of the initialisation, not its result, so that concurrent callers share it.
 *
 * @module
 */
import type { EventLoop, Task } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";
import { io } from "./io.ts";

interface Web3 {
  readonly provider: string;
}

class Wallet {
  instances = 0;
  private web3: Web3 | null = null;
  private pending: Task<Web3> | null = null;
  private readonly loop: EventLoop;
  constructor(loop: EventLoop) {
    this.loop = loop;
  }

  private *init() {
    yield* io(this.loop, 10, 400); // detect the injected provider
    this.instances++;
    this.web3 = { provider: "injected" };
    return this.web3;
  }

  *getWeb3() {
    if (this.web3 !== null) return this.web3;
    return yield* this.init();
  }

  *getWeb3Shared() {
    this.pending ??= this.loop.createTask(this.init(), { name: "init-web3" });
    return yield* this.pending;
  }
}

function makeProgram(shared: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const wallet = new Wallet(loop);
    const get = () => (shared ? wallet.getWeb3Shared() : wallet.getWeb3());
    const header = loop.createTask(get(), { name: "header" });
    yield* sleep(50); // the account page mounts
    yield* gather(header, get());
    if (wallet.instances !== 1) throw new Error(`web3 initialised ${wallet.instances} times`);
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The lazy initialisation run by two callers, and the shared initialisation promise. */
export const lazyInitTwiceBug: BugCase = {
  id: "lazy-init-twice",
  summary: "a second caller arrives while the first one is still initialising, and initialises again",
  buggy: makeProgram(false, "lazyInitTwice"),
  fixed: makeProgram(true, "lazyInitTwiceFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "wearekickback/app#183",
  budgets: { random: 50, pct: 50 },
};
