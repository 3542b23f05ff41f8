#!/usr/bin/env python3
"""Seeded random programs in the scenario DSL, run on real asyncio by the oracle.

Each seed gives one program (``random.Random(seed)``, so a seed means the same program on every
machine and Python 3.11 build). Programs are finite by construction: coroutine i only calls or
spawns coroutines j > i, callback i only schedules callbacks j > i, and there are no loops, so every
run ends (by a stop, by completion, or as a detected deadlock). Across the two kinds, coroutine i only
schedules callbacks k >= i and callback k only spawns coroutines j > k, so those chains are finite too. A coroutine only awaits or cancels
the shared tasks whose coroutine comes later than itself, so no task ever awaits itself (asyncio
raises a RuntimeError there that the simulator does not have to copy).

Most programs (``self.prims``) also share one of each synchronisation primitive, created in main
(Lock, Event, Condition over its own lock, Semaphore, BoundedSemaphore, Barrier, and a Queue,
LifoQueue or PriorityQueue of strings), and their coroutines use the primitives and the combinators
(wait_for, wait, shield, as_completed, timeout/timeout_at blocks, TaskGroup). These statements are
drawn with a lower weight, so the core's statements stay the majority. They keep programs finite:
no DSL statement loops except ``for`` over a literal list, Condition.wait_for only re-checks after a
notification (finitely many), and everything a combinator or a group runs is a later coroutine, a
later shared task, or a future. A task blocked forever (a lock never released, a barrier never
filled) ends the run as a detected deadlock.

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
        # whether the program uses the synchronisation primitives and the combinators
        self.prims = r.random() < 0.75
        self.barrier_parties = r.choice([1, 2, 2, 2, 3])
        self.queue_kind = r.choice(["Queue", "Queue", "LifoQueue", "PriorityQueue"])
        self.queue_maxsize = r.choice([0, 0, 1, 2])

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
        if self.prims and r.random() < 0.5:
            return self.prim_stmt(i, depth)
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

    # -- primitives and combinators

    def awaitable_after(self, i: int, coroutines_ok: bool = True) -> Any:
        """A later coroutine, a later shared task, a future, or a new task of a later coroutine."""
        r = self.rng
        later_coros = list(range(i + 1, self.n_coros))
        pool: list[Any] = [V(t) for t in self.tasks_after(i)] + [V(f) for f in self.futures()]
        if later_coros:
            j = r.choice(later_coros)
            pool.append(self.coro_call(j) if coroutines_ok else {"create_task": self.coro_call(j)})
            pool.append({"create_task": self.coro_call(r.choice(later_coros))})
        return r.choice(pool) if pool else None

    def catching(self, who: str, body: list[dict[str, Any]], *types: str) -> dict[str, Any]:
        return {"op": "try", "body": body, "except": [{"type": t, "as": "pe", "body": [self.log(who, "caught", V("pe"))]} for t in types]}

    def small_body(self, i: int, depth: int) -> list[dict[str, Any]]:
        if depth < 2 and self.rng.random() < 0.5:
            return self.coro_body(i, depth + 1, self.rng.randint(1, 2))
        return [{"op": "sleep", "delay": self.delay()}, self.log(f"c{i}", "held")] if self.rng.random() < 0.6 else [{"op": "yield"}]

    BLOCKING = ("lock", "sem", "cond_wait", "event_wait", "barrier", "queue_put", "queue_get", "queue_join")

    def prim_stmt(self, i: int, depth: int) -> list[dict[str, Any]]:
        r = self.rng
        kinds = ["lock", "lock", "sem", "sem", "cond_wait", "cond_notify", "cond_notify", "event_wait", "event_set",
                 "event_set", "event_clear", "barrier", "barrier", "barrier_break", "queue_put", "queue_put",
                 "queue_get", "queue_get", "queue_nowait", "queue_join", "wait_for", "wait_for", "wait", "wait",
                 "shield", "shield", "as_completed", "as_completed", "timeout", "timeout", "task_group", "task_group"]
        kind = r.choice(kinds)
        out = self.prim_kind(kind, i, depth)
        if kind in self.BLOCKING and r.random() < 0.4:
            # a deadline around a wait on a primitive: cancellation while suspended inside it
            block = {"op": "timeout", "delay": r.choice([0, 0.5, 1, 1, 2]), "body": out}
            return [self.catching(f"c{i}", [block], "TimeoutError")]
        return out

    def prim_kind(self, kind: str, i: int, depth: int) -> list[dict[str, Any]]:
        r = self.rng
        who = f"c{i}"

        def call(m: str, on: str, *args: Any) -> dict[str, Any]:
            d: dict[str, Any] = {"call": m, "on": V(on)}
            if args:
                d["args"] = list(args)
            return d

        if kind in ("lock", "sem"):
            prim = "lock" if kind == "lock" else r.choice(["sem", "bsem"])
            out = [{"op": "await", "value": call("acquire", prim)}, self.log(who, "acquired " + prim)]
            body = self.small_body(i, depth)
            rel = [{"op": "eval", "value": call("release", prim)}]
            if r.random() < 0.1 and prim != "lock":
                rel = rel + [self.catching(who, [{"op": "eval", "value": call("release", prim)}], "Exception")]
            return out + [{"op": "try", "body": body, "finally": [self.log(who, "release " + prim)] + rel}]
        if kind == "cond_wait":
            if r.random() < 0.6:
                wait: dict[str, Any] = {"call": "wait_for", "on": V("cond"), "args": [V("flag")]}
            else:
                wait = call("wait", "cond")
            return [{"op": "await", "value": call("acquire", "cond")},
                    {"op": "try", "body": [{"op": "await", "value": wait, "as": "cw"}, self.log(who, "condition", V("cw"))],
                     "finally": [{"op": "eval", "value": call("release", "cond")}]}]
        if kind == "cond_notify":
            out = [{"op": "await", "value": call("acquire", "cond")}]
            if r.random() < 0.6:
                out.append({"op": "set", "var": "flag", "value": self.text("flag")})
            out.append({"op": "eval", "value": call("notify_all", "cond") if r.random() < 0.5 else call("notify", "cond", r.choice([1, 2]))})
            return out + [{"op": "eval", "value": call("release", "cond")}]
        if kind == "event_wait":
            return [{"op": "await", "value": call("wait", "event"), "as": "ew"}, self.log(who, "event", V("ew"))]
        if kind == "event_set":
            return [{"op": "eval", "value": call("set", "event")}, self.log(who, "event set")]
        if kind == "event_clear":
            return [{"op": "eval", "value": call("clear", "event")}]
        if kind == "barrier":
            return [self.catching(who, [{"op": "await", "value": call("wait", "barrier"), "as": "bw"}, self.log(who, "barrier", V("bw"))],
                                  "BrokenBarrierError")]
        if kind == "barrier_break":
            return [{"op": "await", "value": call(r.choice(["abort", "reset"]), "barrier")}, self.log(who, "barrier broken or reset")]
        if kind == "queue_put":
            return [{"op": "await", "value": call("put", "queue", self.text("item"))}, self.log(who, "put", call("qsize", "queue"))]
        if kind == "queue_get":
            out = [{"op": "await", "value": call("get", "queue"), "as": "qg"}, self.log(who, "got", V("qg"))]
            if r.random() < 0.5:
                out.append(self.catching(who, [{"op": "eval", "value": call("task_done", "queue")}], "ValueError"))
            return out
        if kind == "queue_nowait":
            if r.random() < 0.5:
                return [self.catching(who, [{"op": "eval", "value": call("put_nowait", "queue", self.text("item"))}], "QueueFull")]
            return [self.catching(who, [{"op": "set", "var": "qn", "value": call("get_nowait", "queue")},
                                        self.log(who, "got", V("qn"))], "QueueEmpty")]
        if kind == "queue_join":
            return [{"op": "await", "value": call("join", "queue")}, self.log(who, "joined")]
        if kind == "wait_for":
            aw = self.awaitable_after(i)
            if aw is None:
                return [self.log(who)]
            expr = {"wait_for": aw, "timeout": r.choice([None, 0, -1, 0.5, 1, 1, 2, 3])}
            return [self.catching(who, [{"op": "await", "value": expr, "as": "wv"}, self.log(who, "wait_for", V("wv"))],
                                  "TimeoutError")]
        if kind == "wait":
            items = [x for x in (self.awaitable_after(i, coroutines_ok=False) for _ in range(r.randint(1, 3))) if x is not None]
            if not items:
                return [self.log(who)]
            w: dict[str, Any] = {"wait": items}
            if r.random() < 0.6:
                w["return_when"] = r.choice(["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"])
            if r.random() < 0.5:
                w["timeout"] = r.choice([0, 0.5, 1, 2])
            return [{"op": "await", "value": w, "as": "wr"}, self.log(who, "wait", V("wr"))]
        if kind == "shield":
            aw = self.awaitable_after(i)
            if aw is None:
                return [self.log(who)]
            return [{"op": "await", "value": {"shield": aw}, "as": "sh"}, self.log(who, "shield", V("sh"))]
        if kind == "as_completed":
            items = [x for x in (self.awaitable_after(i) for _ in range(r.randint(1, 3))) if x is not None]
            if not items:
                return [self.log(who)]
            ac: dict[str, Any] = {"as_completed": items}
            if r.random() < 0.4:
                ac["timeout"] = r.choice([0.5, 1, 2])
            step = [{"op": "await", "value": V("nx"), "as": "ar"}, self.log(who, "as_completed", V("ar"))]
            if r.random() < 0.6:
                step = [self.catching(who, step, "Exception")]
            return [{"op": "for", "in": ac, "as": "nx", "body": step}]
        if kind == "timeout":
            self.local_counter += 1
            cm = f"cm{self.local_counter}"
            delay = r.choice([None, 0, 0.5, 1, 1, 2, 3])
            tbody = self.coro_body(i, depth + 1, r.randint(1, 3)) if depth < 2 else self.small_body(i, depth)
            block: dict[str, Any] = {"op": "timeout", "delay": delay, "as": cm, "body": tbody}
            if r.random() < 0.3:
                when = {"add": [{"time": True}, r.choice([0, 1, 2])]}
                block = {"op": "timeout_at", "when": when, "as": cm, "body": tbody}
            if r.random() < 0.2:
                later = {"add": [{"time": True}, self.delay()]}
                block["body"] = [{"op": "eval", "value": {"call": "reschedule", "on": V(cm), "args": [later]}}] + tbody
            after = self.log(who, "timeout block", {"call": "expired", "on": V(cm)})
            if r.random() < 0.7:
                return [self.catching(who, [block, after], "TimeoutError")]
            return [block, after]
        # task_group
        later_coros = list(range(i + 1, self.n_coros))
        if not later_coros:
            return [self.log(who)]
        self.local_counter += 1
        tg = f"tg{self.local_counter}"
        body: list[dict[str, Any]] = []
        for _ in range(r.randint(1, 3)):
            self.local_counter += 1
            expr: dict[str, Any] = {"create_task": self.coro_call(r.choice(later_coros)), "group": V(tg)}
            if r.random() < 0.2:
                expr["name"] = f"g-{self.local_counter}"
            body.append({"op": "set", "var": f"gt{self.local_counter}", "value": expr})
        if depth < 2 and r.random() < 0.5:
            body += self.coro_body(i, depth + 1, r.randint(1, 2))
        group = {"op": "task_group", "as": tg, "body": body}
        after = self.log(who, "group done")
        if r.random() < 0.7:
            return [self.catching(who, [group, after], "TaskGroupError")]
        return [group, after]

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
        if self.prims:
            choices += ["event_set", "queue_put_nowait"]
        kind = r.choice(choices)
        if kind == "event_set":
            return [{"op": "eval", "value": {"call": r.choice(["set", "set", "clear"]), "on": V("event")}}]
        if kind == "queue_put_nowait":
            return [{"op": "try", "body": [{"op": "eval", "value": {"call": "put_nowait", "on": V("queue"), "args": [self.text("cb-item")]}}],
                     "except": [{"type": "QueueFull", "body": [self.log(who, "queue full")]}]}]
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
        if self.prims:
            # a timer main may arm that sets the event and feeds the queue, so fewer runs end blocked
            callbacks["kick"] = {"params": ["arg"], "body": [
                self.log("kick", V("arg")),
                {"op": "eval", "value": {"call": "set", "on": V("event")}},
                {"op": "try", "body": [{"op": "eval", "value": {"call": "put_nowait", "on": V("queue"), "args": [V("arg")]}}],
                 "except": [{"type": "QueueFull", "body": [self.log("kick", "queue full")]}]},
            ]}
        main: list[dict[str, Any]] = []
        if self.prims:
            main += [
                {"op": "set", "var": "lock", "value": {"new": "Lock"}},
                {"op": "set", "var": "event", "value": {"new": "Event"}},
                {"op": "set", "var": "cond", "value": {"new": "Condition"}},
                {"op": "set", "var": "flag", "value": False},
                {"op": "set", "var": "sem", "value": {"new": "Semaphore", "args": [r.choice([0, 1, 1, 2, 2])]}},
                {"op": "set", "var": "bsem", "value": {"new": "BoundedSemaphore", "args": [r.choice([1, 2])]}},
                {"op": "set", "var": "barrier", "value": {"new": "Barrier", "args": [self.barrier_parties]}},
                {"op": "set", "var": "queue", "value": {"new": self.queue_kind, "args": [self.queue_maxsize]}},
            ]
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
        if self.prims:
            for _ in range(r.choice([0, 1, 1, 2])):
                main.append({"op": "call_later", "delay": self.delay(), "cb": "kick", "args": [self.text("kick")]})
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
