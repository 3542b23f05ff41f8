#!/usr/bin/env python3
"""Seeded random programs in the scenario DSL, run on real asyncio by the oracle.

Each seed gives one program (``random.Random(seed)``, so a seed means the same program on every
machine and Python 3.11 build). Programs are finite by construction: coroutine i only calls or
spawns coroutines j > i, callback i only schedules callbacks j > i, and there are no loops, so every
run ends (by a stop, by completion, or as a detected deadlock). Across the two kinds, coroutine i only
schedules callbacks k >= i and callback k only spawns coroutines j > k, so those chains are finite too. A coroutine only awaits or cancels
the shared tasks whose coroutine comes later than itself, so no task ever awaits itself (asyncio
raises a RuntimeError there that the simulator does not have to copy).

    fuzz.py --seeds 0:300        one JSON line {seed, scenario, trace} per seed
    fuzz.py --show 17            the program of seed 17 (pretty JSON) and its trace
"""

from __future__ import annotations

import json
import os
import random
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import oracle  # noqa: E402

DELAYS = [0, 0, 0.5, 1, 1, 1, 1.5, 2, 3, 0.1, 0.2]


def V(name: str) -> dict[str, str]:
    return {"var": name}


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        r = self.rng
        self.n_coros = r.randint(2, 5)
        self.n_cbs = r.randint(1, 4)
        self.n_tasks = r.randint(1, 4)
        self.n_futs = r.randint(0, 2)
        # coroutine index of each shared task t<k>
        self.task_coro = [r.randrange(self.n_coros) for _ in range(self.n_tasks)]
        self.local_counter = 0
        self.line = 0
        # handles of the timers and callbacks main schedules, which callbacks may cancel
        self.main_handles = [f"hm{k}" for k in range(r.randint(0, 4))]

    # -- helpers

    def text(self, prefix: str) -> str:
        self.line += 1
        return f"{prefix}#{self.line}"

    def log(self, who: str, *values: Any) -> dict[str, Any]:
        s: dict[str, Any] = {"op": "log", "text": self.text(who)}
        if values:
            s["values"] = list(values)
        return s

    def delay(self) -> float:
        return self.rng.choice(DELAYS)

    def coro_call(self, j: int) -> dict[str, Any]:
        return {"coro": f"c{j}", "args": [f"c{j}.{self.rng.randrange(100)}"]}

    def tasks_after(self, i: int) -> list[str]:
        return [f"t{k}" for k, c in enumerate(self.task_coro) if c > i]

    def futures(self) -> list[str]:
        return [f"f{k}" for k in range(self.n_futs)]

    # -- coroutine bodies

    def coro_stmt(self, i: int, depth: int) -> list[dict[str, Any]]:
        r = self.rng
        who = f"c{i}"
        later_coros = list(range(i + 1, self.n_coros))
        tasks = self.tasks_after(i)
        futs = self.futures()
        choices = ["log", "sleep", "sleep", "yield", "yield", "callback", "state"]
        if later_coros:
            choices += ["await_coro", "spawn", "spawn", "gather", "gather"]
        if tasks:
            choices += ["await_task", "await_task", "cancel_task"]
        if futs:
            choices += ["await_future", "set_future", "cancel_future"]
        if depth < 2:
            choices += ["try", "try", "try"]
        choices += ["self_cancel", "raise", "stop", "return", "nested_run"]
        kind = r.choice(choices)
        if kind == "log":
            return [self.log(who, V("id"))]
        if kind == "sleep":
            d = self.delay()
            if r.random() < 0.5:
                return [{"op": "sleep", "delay": d, "value": self.text("v"), "as": "sv"}, self.log(who, V("sv"))]
            return [{"op": "sleep", "delay": d}, self.log(who, "slept", d)]
        if kind == "yield":
            return [{"op": "yield"}, self.log(who, "yielded")]
        if kind == "callback":
            if i >= self.n_cbs:
                return [self.log(who)]
            cb = f"k{r.randrange(i, self.n_cbs)}"
            op = r.choice(["call_soon", "call_later"])
            s: dict[str, Any] = {"op": op, "cb": cb, "args": [self.text("from-" + who)]}
            if op == "call_later":
                s["delay"] = self.delay()
            return [s]
        if kind == "state":
            pool = tasks + futs
            if not pool:
                return [self.log(who)]
            return [{"op": "log_state", "target": r.choice(pool)}]
        if kind == "await_coro":
            return [
                {"op": "await", "value": self.coro_call(r.choice(later_coros)), "as": "av"},
                self.log(who, "inline returned", V("av")),
            ]
        if kind == "spawn":
            self.local_counter += 1
            var = f"x{self.local_counter}"
            j = r.choice(later_coros)
            expr: dict[str, Any] = {"create_task": self.coro_call(j)}
            if r.random() < 0.3:
                expr = {"ensure_future": self.coro_call(j)}
            out: list[dict[str, Any]] = [{"op": "set", "var": var, "value": expr}]
            follow = r.choice(["await", "cancel", "nothing", "sleep_then_cancel", "await"])
            if follow == "await":
                out += [{"op": "await", "value": V(var), "as": "tv"}, self.log(who, "task returned", V("tv"))]
            elif follow == "cancel":
                out += [{"op": "cancel", "target": var}]
            elif follow == "sleep_then_cancel":
                out += [{"op": "sleep", "delay": self.delay()}, {"op": "cancel", "target": var}, {"op": "log_state", "target": var}]
            return out
        if kind == "gather":
            items: list[Any] = []
            for _ in range(r.randint(1, 3)):
                pick = r.random()
                if pick < 0.6 or not (tasks or futs):
                    items.append(self.coro_call(r.choice(later_coros)))
                elif r.random() < 0.8:
                    items.append(V(r.choice(tasks + futs)))
                else:
                    items.append({"ensure_future": V(r.choice(tasks + futs))})
            g: dict[str, Any] = {"gather": items}
            if r.random() < 0.4:
                g["return_exceptions"] = True
            self.local_counter += 1
            gv = f"g{self.local_counter}"
            out = [{"op": "set", "var": gv, "value": g}]
            if r.random() < 0.2:
                out += [{"op": "yield"}, {"op": "cancel", "target": gv}]
            out += [{"op": "await", "value": V(gv), "as": "gr"}, self.log(who, "gathered", V("gr"))]
            return out
        if kind == "await_task":
            t = r.choice(tasks)
            return [{"op": "await", "value": V(t), "as": "wt"}, self.log(who, "awaited", t, V("wt"))]
        if kind == "cancel_task":
            return [{"op": "cancel", "target": r.choice(tasks)}]
        if kind == "await_future":
            f = r.choice(futs)
            return [{"op": "await", "value": V(f), "as": "wf"}, self.log(who, "awaited", f, V("wf"))]
        if kind == "set_future":
            return [{"op": "set_result", "target": r.choice(futs), "value": self.text("r-" + who)}]
        if kind == "cancel_future":
            return [{"op": "cancel", "target": r.choice(futs)}]
        if kind == "try":
            body = self.coro_body(i, depth + 1, r.randint(1, 3))
            s = {"op": "try", "body": body}
            handlers = []
            if r.random() < 0.7:
                hb: list[dict[str, Any]] = [self.log(who, "caught", V("ce"))]
                if r.random() < 0.3:
                    hb += [{"op": "sleep", "delay": self.delay()}]
                if r.random() < 0.15:
                    hb += [{"op": "set", "var": "me", "value": {"current_task": True}}, {"op": "uncancel", "target": "me"}]
                if r.random() < 0.4:
                    hb += [{"op": "raise", "var": "ce"}]
                handlers.append({"type": "CancelledError", "as": "ce", "body": hb})
            if r.random() < 0.4:
                handlers.append({"type": "Exception", "as": "ee", "body": [self.log(who, "caught", V("ee"))]})
            if handlers:
                s["except"] = handlers
            if r.random() < 0.6 or not handlers:
                fb: list[dict[str, Any]] = [self.log(who, "finally")]
                if r.random() < 0.3:
                    fb += [{"op": "yield"}, self.log(who, "finally resumed")]
                s["finally"] = fb
            return [s]
        if kind == "nested_run":
            # run_until_complete inside a running loop: RuntimeError, before anything is wrapped
            return [{"op": "try", "body": [{"op": "run_until_complete", "value": {"sleep": 0}}],
                     "except": [{"type": "RuntimeError", "as": "re", "body": [self.log(who, "caught", V("re"))]}]}]
        if kind == "self_cancel":
            return [
                {"op": "set", "var": "me", "value": {"current_task": True}},
                {"op": "cancel", "target": "me"},
                {"op": "cancelling", "target": "me"},
            ]
        if kind == "raise":
            return [{"op": "raise", "error": self.text("err-" + who)}] if r.random() < 0.4 else [self.log(who)]
        if kind == "stop":
            return [{"op": "stop"}, self.log(who, "stopped")] if r.random() < 0.4 else [self.log(who)]
        # return
        return [{"op": "return", "value": self.text("ret-" + who)}] if r.random() < 0.3 else [self.log(who)]

    def coro_body(self, i: int, depth: int, n: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for _ in range(n):
            out += self.coro_stmt(i, depth)
        return out

    # -- callbacks

    def cb_stmt(self, i: int) -> list[dict[str, Any]]:
        r = self.rng
        who = f"k{i}"
        tasks = [f"t{k}" for k in range(self.n_tasks)]
        futs = self.futures()
        choices = ["log", "log", "stop", "stop", "spawn", "raise"]
        if i + 1 < self.n_cbs:
            choices += ["schedule", "schedule", "schedule"]
        choices += ["cancel_task", "cancel_task", "remove_done", "nested_run"]
        if self.main_handles:
            choices += ["cancel_main_handle", "cancel_main_handle"]
        if futs:
            choices += ["set_future", "set_future", "cancel_future", "fail_future"]
        kind = r.choice(choices)
        if kind == "log":
            return [self.log(who, V("arg"))]
        if kind == "stop":
            return [{"op": "stop"}, self.log(who, "stop")]
        if kind == "spawn":
            if i + 1 >= self.n_coros:
                return [self.log(who)]
            self.local_counter += 1
            j = r.randrange(i + 1, self.n_coros)
            return [{"op": "set", "var": f"y{self.local_counter}", "value": {"create_task": self.coro_call(j)}}]
        if kind == "raise":
            return [{"op": "raise", "error": self.text("cb-err")}] if r.random() < 0.3 else [self.log(who)]
        if kind == "schedule":
            j = r.randrange(i + 1, self.n_cbs)
            op = r.choice(["call_soon", "call_later", "call_later", "call_at"])
            s: dict[str, Any] = {"op": op, "cb": f"k{j}", "args": [self.text("from-" + who)]}
            if op == "call_later":
                s["delay"] = self.delay()
            elif op == "call_at":
                s["when"] = r.choice([0, 1, 2, 3, 2.5])
            if r.random() < 0.3:
                self.local_counter += 1
                hv = f"h{self.local_counter}"
                s["as"] = hv
                return [s, {"op": "cancel_handle", "target": hv}] if r.random() < 0.5 else [s]
            return [s]
        if kind == "cancel_task":
            return [{"op": "cancel", "target": r.choice(tasks)}]
        if kind == "remove_done":
            return [{"op": "remove_done_callback", "target": r.choice(tasks + futs), "cb": r.choice(["on_done", "on_done_raises"])}]
        if kind == "nested_run":
            return [{"op": "run_forever"}] if r.random() < 0.5 else [{"op": "run_until_complete", "value": V(r.choice(tasks))}]
        if kind == "cancel_main_handle":
            return [{"op": "cancel_handle", "target": r.choice(self.main_handles)}]
        if kind == "set_future":
            return [{"op": "set_result", "target": r.choice(futs), "value": self.text("r-" + who)}]
        if kind == "fail_future":
            return [{"op": "set_exception", "target": r.choice(futs), "error": self.text("ferr")}]
        return [{"op": "cancel", "target": r.choice(futs)}]

    # -- the program

    def program(self) -> dict[str, Any]:
        r = self.rng
        coroutines = {}
        for i in range(self.n_coros):
            start = self.log(f"c{i}", "start", V("id"), {"task_name": {"current_task": True}})
            body = [start] + self.coro_body(i, 0, r.randint(1, 5))
            if r.random() < 0.7:
                body.append({"op": "return", "value": V("id")})
            coroutines[f"c{i}"] = {"params": ["id"], "body": body}
        callbacks = {}
        for i in range(self.n_cbs):
            body = [self.log(f"k{i}", V("arg"))]
            for _ in range(r.randint(0, 3)):
                body += self.cb_stmt(i)
            callbacks[f"k{i}"] = {"params": ["arg"], "body": body}
        done_cb = {"params": ["fut"], "body": [{"op": "log", "text": "done-callback", "values": [{"done": V("fut")}]}]}
        callbacks["on_done"] = done_cb
        callbacks["on_done_raises"] = {
            "params": ["fut"],
            "body": [{"op": "log", "text": "done-callback-raises"}, {"op": "raise", "error": "done callback failed"}],
        }
        main: list[dict[str, Any]] = []
        for k in range(self.n_futs):
            main.append({"op": "set", "var": f"f{k}", "value": {"create_future": True}})
        for k, c in enumerate(self.task_coro):
            create: dict[str, Any] = {"create_task": {"coro": f"c{c}", "args": [f"t{k}"]}}
            if r.random() < 0.15:
                create["name"] = f"named-t{k}"
            main.append({"op": "set", "var": f"t{k}", "value": create})
            for _ in range(r.choice([0, 0, 1, 2])):
                cb = "on_done_raises" if r.random() < 0.25 else "on_done"
                main.append({"op": "add_done_callback", "target": f"t{k}", "cb": cb})
        for k in range(self.n_futs):
            if r.random() < 0.3:
                main.append({"op": "add_done_callback", "target": f"f{k}", "cb": "on_done"})
        # shared names the coroutines may use before setting them
        main.append({"op": "set", "var": "me", "value": None})
        for k in range(len(self.main_handles) + r.randint(0, 2)):
            cb = f"k{r.randrange(self.n_cbs)}"
            op = r.choice(["call_soon", "call_later", "call_later", "call_at"])
            s: dict[str, Any] = {"op": op, "cb": cb, "args": [self.text("main")]}
            if op == "call_later":
                s["delay"] = self.delay()
            elif op == "call_at":
                s["when"] = r.choice([0, 1, 2, 3])
            if k < len(self.main_handles):
                s["as"] = self.main_handles[k]
            main.append(s)
        if r.random() < 0.15:
            main.append({"op": "cancel", "target": f"t{r.randrange(self.n_tasks)}"})
        if r.random() < 0.1:
            main.append({"op": "stop"})
        for _ in range(r.randint(1, 3)):
            kind = r.random()
            if kind < 0.45:
                main.append({"op": "run_until_complete", "value": V(f"t{r.randrange(self.n_tasks)}")})
            elif kind < 0.6:
                main.append({"op": "run_until_complete", "value": self.coro_call(r.randrange(self.n_coros))})
            elif kind < 0.75:
                items = [V(f"t{k}") for k in range(self.n_tasks) if r.random() < 0.7] or [V("t0")]
                g: dict[str, Any] = {"gather": items}
                if r.random() < 0.5:
                    g["return_exceptions"] = True
                main.append({"op": "run_until_complete", "value": g})
            else:
                main.append({"op": "run_forever"})
            if r.random() < 0.3 and self.n_futs:
                main.append({"op": "set_result", "target": f"f{r.randrange(self.n_futs)}", "value": "main"})
            if r.random() < 0.2:
                main.append({"op": "cancel", "target": f"t{r.randrange(self.n_tasks)}"})
            if r.random() < 0.1:
                main.append({"op": "stop"})
        if r.random() < 0.05:
            main += [{"op": "close"}, {"op": "run_forever"}, {"op": "call_soon", "cb": "k0", "args": ["after close"]}]
        for k in range(self.n_tasks):
            main.append({"op": "log_state", "target": f"t{k}"})
        for k in range(self.n_futs):
            main.append({"op": "log_state", "target": f"f{k}"})
        return {
            "description": "generated by fuzz.py",
            "coroutines": coroutines,
            "callbacks": callbacks,
            "main": main,
        }


def generate(seed: int) -> dict[str, Any]:
    return Generator(seed).program()


def run_seed(seed: int) -> dict[str, Any]:
    scenario = generate(seed)
    trace = oracle.trace_text(oracle.run_scenario(scenario))
    return {"seed": seed, "scenario": scenario, "trace": trace}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--seeds":
        lo, _, hi = argv[1].partition(":")
        out = sys.stdout
        for seed in range(int(lo), int(hi)):
            out.write(json.dumps(run_seed(seed), separators=(",", ":")) + "\n")
        return 0
    if len(argv) == 2 and argv[0] == "--show":
        result = run_seed(int(argv[1]))
        print(json.dumps(result["scenario"], indent=2))
        print(result["trace"], end="")
        return 0
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
