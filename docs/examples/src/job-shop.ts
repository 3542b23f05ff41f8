/**
 * A job shop with breakdowns (SimPy's machine-shop model): five machines make parts one after
 * another; each machine breaks down at random (exponential time to failure) and the breakdown
 * interrupts the part it is making. A single repairer fixes machines in turn; the interrupted part then
 * resumes where it stopped. Interrupts arrive through `task.interrupt(cause)` and are caught as
 * `Interrupt` errors at whatever the machine was waiting on.
 */
import { EventLoop, Interrupt, type Coroutine, type Task } from "@simloop/core";
import { Resource, sleep } from "@simloop/coroutines";

const MACHINES = 5;
const WEEKS = 4;
const MINUTES = WEEKS * 7 * 24 * 60;
const MEAN_TIME_TO_FAILURE = 300;
const REPAIR_TIME = 30;

/** Runs the model for four weeks and prints each machine's output. */
export function run(print: (line: string) => void): void {
  const loop = new EventLoop({ seed: 42, unhandled: "throw" });
  const repairer = new Resource(1, { loop });

  class Machine {
    parts = 0;
    breakdowns = 0;
    broken = false;
    readonly name: string;
    readonly process: Task<void>;
    constructor(name: string) {
      this.name = name;
      this.process = loop.createTask(this.work(), { name });
      loop.createTask(this.breakDown(), { name: `${name} failures` });
    }

    *work(): Coroutine<void> {
      for (;;) {
        let left = Math.max(1, loop.random.normal(10, 2)); // minutes of work for this part
        while (left > 0) {
          const start = loop.time();
          try {
            yield* sleep(left);
            left = 0;
          } catch (e) {
            if (!(e instanceof Interrupt)) throw e;
            left -= loop.time() - start; // the part waits, half done
            yield* repairer.use(function* () {
              yield* sleep(REPAIR_TIME);
            });
            this.broken = false;
          }
        }
        this.parts++;
      }
    }

    *breakDown(): Coroutine<void> {
      for (;;) {
        yield* sleep(loop.random.exponential(1 / MEAN_TIME_TO_FAILURE));
        if (!this.broken) {
          this.broken = true;
          this.breakdowns++;
          this.process.interrupt("breakdown");
        }
      }
    }
  }

  const machines = Array.from({ length: MACHINES }, (_, i) => new Machine(`machine ${i + 1}`));
  loop.runUntilTime(MINUTES);
  for (const m of machines) print(`${m.name}: ${m.parts} parts, ${m.breakdowns} breakdowns`);
  const s = repairer.statistics();
  print(
    `after ${WEEKS} weeks: ${machines.reduce((n, m) => n + m.parts, 0)} parts; the repairer was busy ${(s.utilisation * 100).toFixed(1)}% of the time, machines waited ${s.wait.mean.toFixed(1)} minutes for it on average`,
  );
}
