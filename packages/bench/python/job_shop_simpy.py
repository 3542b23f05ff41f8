"""The job shop of docs/examples/src/job-shop.ts, written for SimPy 4, for the benchmark only.

Machines make parts one after another; each machine breaks down at random (exponential time to
failure) and the breakdown interrupts the part it is making; one repairer (a Resource of capacity 1)
fixes machines in turn, and the interrupted part then resumes where it stopped. Same parameters as the
TypeScript model; the random streams differ, so the two are compared on the same sizes and their part
counts are printed side by side.

Usage: python3 job_shop_simpy.py MACHINES WEEKS SEED REPETITIONS
Prints one JSON object: {"seconds": [...], "parts": N, "breakdowns": N, "simpy": "4.x"}, where
seconds are the CPU time of each run (robust to a loaded machine, as the TypeScript side measures).
SimPy is taken from the import path (PYTHONPATH may name a folder holding the `simpy` package).
"""

import importlib.metadata
import json
import random
import sys
import time

MEAN_TIME_TO_FAILURE = 300.0
REPAIR_TIME = 30.0


def _simpy_version():
    try:
        return importlib.metadata.version("simpy")
    except importlib.metadata.PackageNotFoundError:
        return None


def _import_simpy():
    # A source checkout on PYTHONPATH has no installed metadata, and SimPy reads its version from it.
    version = _simpy_version()
    if version is None:
        real = importlib.metadata.version

        def version_or_source(name):
            return "source" if name == "simpy" else real(name)

        importlib.metadata.version = version_or_source
    import simpy

    return simpy, version or "source"


def run_model(simpy, machines, weeks, seed):
    env = simpy.Environment()
    rng = random.Random(seed)
    repairer = simpy.Resource(env, capacity=1)
    state = []

    def work(m):
        while True:
            left = max(1.0, rng.normalvariate(10.0, 2.0))
            while left > 0:
                start = env.now
                try:
                    yield env.timeout(left)
                    left = 0
                except simpy.Interrupt:
                    left -= env.now - start
                    with repairer.request() as request:
                        yield request
                        yield env.timeout(REPAIR_TIME)
                    m["broken"] = False
            m["parts"] += 1

    def break_down(m):
        while True:
            yield env.timeout(rng.expovariate(1.0 / MEAN_TIME_TO_FAILURE))
            if not m["broken"]:
                m["broken"] = True
                m["breakdowns"] += 1
                m["process"].interrupt("breakdown")

    for _ in range(machines):
        m = {"parts": 0, "breakdowns": 0, "broken": False}
        m["process"] = env.process(work(m))
        env.process(break_down(m))
        state.append(m)
    env.run(until=weeks * 7 * 24 * 60)
    return sum(m["parts"] for m in state), sum(m["breakdowns"] for m in state)


def main():
    machines, weeks, seed, repetitions = (int(a) for a in sys.argv[1:5])
    simpy, version = _import_simpy()
    seconds = []
    parts = breakdowns = 0
    for r in range(repetitions):
        started = time.process_time()
        parts, breakdowns = run_model(simpy, machines, weeks, seed + r)
        seconds.append(time.process_time() - started)
    print(json.dumps({"seconds": seconds, "parts": parts, "breakdowns": breakdowns, "simpy": version}))


if __name__ == "__main__":
    main()
