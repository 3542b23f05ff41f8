/**
 * W7's floor: the job shop of `docs/examples/src/job-shop.ts` on a bare generator scheduler written for
 * the benchmark, with none of simloop's guarantees (no asyncio ordering, no tasks, futures or handles,
 * no cancellation beyond a stale-wake check, no error handling): a packed heap of wake-ups, processes
 * that yield a delay or a request for the repairer, interrupts thrown in with `gen.throw`. The model's
 * own code (part durations from the same seeded `Random`, the try/catch around the work) is the same,
 * so the gap between this and SimPy is what any generator scheduler in JavaScript gets, and the gap
 * between this and simloop is what simloop's guarantees cost.
 *
 * @module
 */
import { Random } from "@simloop/core";
import { PackedHeap } from "./baselines.ts";

const MEAN_TIME_TO_FAILURE = 300;
const REPAIR_TIME = 30;
/** What a process yields to ask for the repairer (any other value is a delay). */
const REQUEST = -1;

/** What a bare interrupt throws in: no stack trace, as simloop's `Interrupt`. */
class BareInterrupt {
  readonly cause: string;
  constructor(cause: string) {
    this.cause = cause;
  }
}

type Body = Generator<number, void, unknown>;

/** A process: its generator and the number of its current wait (older wake-ups are stale). */
class Process {
  readonly gen: Body;
  wait = 0;
  constructor(gen: Body) {
    this.gen = gen;
  }
}

/** A pending wake-up: the process, the wait it ends, and what to throw in (or nothing). */
class Wake {
  readonly process: Process;
  readonly wait: number;
  readonly error: BareInterrupt | null;
  constructor(process: Process, wait: number, error: BareInterrupt | null) {
    this.process = process;
    this.wait = wait;
    this.error = error;
  }
}

/** The bare scheduler with one resource of capacity 1 (the repairer). */
class BareShop {
  now = 0;
  private _seq = 0;
  private readonly _heap = new PackedHeap<Wake>();
  private _repairerBusy = false;
  private readonly _waiting: Process[] = [];

  spawn(body: Body): Process {
    const process = new Process(body);
    this._heap.push(this.now, ++this._seq, new Wake(process, 0, null));
    return process;
  }

  /** Ends `process`'s current wait now with `error` thrown in. */
  interrupt(process: Process, cause: string): void {
    this._heap.push(this.now, ++this._seq, new Wake(process, ++process.wait, new BareInterrupt(cause)));
  }

  /** Releases the repairer: the next waiting process gets it now. */
  release(): void {
    const next = this._waiting.shift();
    if (next === undefined) this._repairerBusy = false;
    else this._heap.push(this.now, ++this._seq, new Wake(next, ++next.wait, null));
  }

  private _resume(process: Process, error: BareInterrupt | null): void {
    let r = error === null ? process.gen.next() : process.gen.throw(error);
    for (;;) {
      if (r.done === true) return;
      const value = r.value;
      if (value !== REQUEST) {
        this._heap.push(this.now + value, ++this._seq, new Wake(process, ++process.wait, null));
        return;
      }
      if (this._repairerBusy) {
        this._waiting.push(process);
        return;
      }
      this._repairerBusy = true; // granted at once: the process goes on, as simloop's request does
      r = process.gen.next();
    }
  }

  /** Runs every wake-up due at or before `until`. */
  runUntil(until: number): void {
    const heap = this._heap;
    while (heap.size > 0 && heap.topWhen() <= until) {
      this.now = heap.topWhen();
      const wake = heap.pop();
      if (wake.wait === wake.process.wait) this._resume(wake.process, wake.error);
    }
    this.now = until;
  }
}

/** Runs the job shop on the bare scheduler; returns the number of parts made. */
export function bareJobShop({ machines: count, weeks, seed }: { machines: number; weeks: number; seed: number }): {
  machines: { parts: number }[];
} {
  const shop = new BareShop();
  const random = new Random(seed);

  class Machine {
    parts = 0;
    breakdowns = 0;
    broken = false;
    readonly process: Process;
    constructor() {
      this.process = shop.spawn(this.work());
      shop.spawn(this.breakDown());
    }

    *work(): Body {
      for (;;) {
        let left = Math.max(1, random.normal(10, 2));
        while (left > 0) {
          const start = shop.now;
          try {
            yield left;
            left = 0;
          } catch (e) {
            if (!(e instanceof BareInterrupt)) throw e;
            left -= shop.now - start;
            yield REQUEST;
            try {
              yield REPAIR_TIME;
            } finally {
              shop.release();
            }
            this.broken = false;
          }
        }
        this.parts++;
      }
    }

    *breakDown(): Body {
      for (;;) {
        yield random.exponential(1 / MEAN_TIME_TO_FAILURE);
        if (!this.broken) {
          this.broken = true;
          this.breakdowns++;
          shop.interrupt(this.process, "breakdown");
        }
      }
    }
  }

  const machines = Array.from({ length: count }, () => new Machine());
  shop.runUntil(weeks * 7 * 24 * 60);
  return { machines: machines.map(({ parts }) => ({ parts })) };
}
