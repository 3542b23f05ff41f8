#!/usr/bin/env python3
"""The asyncio oracle: runs a simloop conformance scenario on real CPython asyncio.

Why this exists
---------------
simloop promises CPython 3.11 asyncio's event-loop ordering, iteration for iteration. The only
trustworthy reference for that is asyncio itself, so this script interprets the scenario DSL
(see README.md) on a stock ``SelectorEventLoop`` whose clock is virtual:

* ``loop.time()`` returns a virtual ``now`` that starts at 0.
* The selector never sleeps. ``select(0)`` returns ``[]``; ``select(t > 0)`` sets ``now`` to the
  earliest timer's deadline exactly (``loop._scheduled[0]._when``, not ``now + t``, which would
  drift); ``select(None)`` is where a real loop would block forever, so it raises ``Deadlock``.
* ``base_events.MAXIMUM_SELECT_TIMEOUT`` is infinite, so a long timer costs no extra iteration.
* A timer is due iff ``when <= now``. Stock ``_run_once`` fires ``when < now + _clock_resolution``;
  with a resolution of 0 a timer due exactly now would never fire and the loop would spin. Rather
  than copy ``_run_once``, ``_clock_resolution`` is the distance from ``now`` to the next float
  up, so that stock test reads ``when < nextafter(now)``, which is ``when <= now`` exactly, and
  the stock ``_run_once`` runs unmodified.
* Iterations are counted by wrapping ``_run_once``; the counter includes the call in progress.
* Task names count per loop (``Task-1``, ``Task-2``, ...): ``create_task`` passes the name. The C
  ``_asyncio.Task`` keeps its own process-wide counter, which resetting
  ``asyncio.tasks._task_name_counter`` (also done) cannot reach.

One deliberate difference from stock asyncio (DESIGN.md): simloop fires timers with equal deadlines
in the order they were scheduled. asyncio's heap compares only ``_when`` and promises nothing for
ties (the order depends on the heap's shape). The oracle therefore orders its timers by
``(when, seq)``, ``seq`` being an insertion counter: ``call_at`` below is the stock method with
``SeqTimerHandle`` in place of ``TimerHandle``.

CLI
---
    oracle.py SCENARIO.json                 print the trace
    oracle.py --all DIR --write EXPECTED    regenerate EXPECTED/<name>.trace for every DIR/*.json
    oracle.py --all DIR --check EXPECTED    compare instead of writing (exit 1 on a difference)
    oracle.py --batch                       JSON lines on stdin -> {"trace": "..."} lines on stdout
    --pure-python                           use asyncio's pure-Python Task/Future (cross-check)
"""

from __future__ import annotations

import asyncio
import asyncio.base_events as base_events
import asyncio.futures as futures_mod
import asyncio.tasks as tasks_mod
import gc
import heapq
import itertools
import json
import math
import os
import selectors
import sys
import warnings
from typing import Any, Callable

warnings.simplefilter("ignore")  # "coroutine was never awaited" and friends are not part of a trace

base_events.MAXIMUM_SELECT_TIMEOUT = math.inf


class Deadlock(Exception):
    """Raised by the virtual selector where a real selector would block forever."""


class UserError(Exception):
    """An error raised by the scenario itself; its category is its message."""


class ScenarioError(Exception):
    """The scenario is malformed (a bug in the scenario, not a behaviour of asyncio).

    Raised inside a callback or a task it would become part of the trace, so every instance is also
    recorded here and the run fails at its end.
    """

    raised: list[str] = []

    def __init__(self, message: str) -> None:
        super().__init__(message)
        ScenarioError.raised.append(message)


# --------------------------------------------------------------------------------------------
# The virtual loop


class SeqTimerHandle(asyncio.TimerHandle):
    """A TimerHandle ordered by (when, seq): equal deadlines fire in scheduling order (DESIGN.md)."""

    __slots__ = ["_seq"]

    def __init__(self, when, callback, args, loop, seq, context=None):
        super().__init__(when, callback, args, loop, context)
        self._seq = seq

    def _key(self):
        return (self._when, self._seq)

    def __hash__(self):
        return hash(self._key())

    def __lt__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self._key() < other._key()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self._key() <= other._key()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self._key() > other._key()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self._key() >= other._key()
        return NotImplemented

    def __eq__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self is other
        return NotImplemented


class VirtualSelector(selectors.SelectSelector):
    """Keeps registrations (the loop's self-pipe) but never waits: it moves the virtual clock."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualEventLoop | None = None

    def select(self, timeout=None):
        loop = self.loop
        assert loop is not None
        if timeout is None:
            raise Deadlock("select(None): nothing ready, no timer, not stopping")
        if timeout > 0:
            # Jump exactly to the earliest deadline; now + timeout could drift by an ulp.
            loop._now = loop._scheduled[0]._when
        return []


class VirtualEventLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._now = 0.0
        self.iterations = 0
        self._timer_seq = itertools.count()
        self._task_names = itertools.count(1)
        selector = VirtualSelector()
        super().__init__(selector=selector)
        selector.loop = self
        self.set_debug(False)

    def time(self):
        return self._now

    # base_events fires a timer iff `when < time() + _clock_resolution`; with this resolution
    # that is `when < nextafter(now, inf)`, i.e. `when <= now` (see the module docstring).
    @property
    def _clock_resolution(self):
        return math.nextafter(self._now, math.inf) - self._now

    @_clock_resolution.setter
    def _clock_resolution(self, value):
        pass

    def _run_once(self):
        self.iterations += 1
        super()._run_once()

    def call_at(self, when, callback, *args, context=None):
        # The stock BaseEventLoop.call_at, with SeqTimerHandle (see the module docstring).
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        timer = SeqTimerHandle(when, callback, args, self, next(self._timer_seq), context)
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def create_task(self, coro, *, name=None, context=None):
        self._check_closed()
        if name is None:
            name = f"Task-{next(self._task_names)}"
        return super().create_task(coro, name=name, context=context)


# --------------------------------------------------------------------------------------------
# Where stock asyncio iterates a set: simloop's reference semantics is creation (argument) order
#
# CPython iterates a `set` of tasks or futures in three places, so the order depends on memory
# addresses (hashes are id-based) and differs from run to run of the same program. simloop fixes
# creation order (DESIGN.md §2, docs/asyncio.md "Sets have creation order"), and the oracle follows
# simloop there, as it does for equal deadlines:
#
# * TaskGroup._abort cancels `for t in self._tasks` (taskgroups.py:180, `self._tasks = set()` at 35):
#   OrderedTaskGroup keeps `_tasks` in an insertion-ordered set, and is otherwise the stock class.
# * as_completed builds `todo = {ensure_future(f) for f in set(fs)}` (tasks.py:596), which decides the
#   order tasks are created in, the order done callbacks are added to already-done futures (and so the
#   order results come out), and the order of _on_timeout: ordered_as_completed below is the stock
#   function with insertion-ordered dicts in place of the two sets.
# * wait() does `fs = set(fs)` (tasks.py:415); there the order is invisible (the done callbacks only
#   count, and the result is two sets), so the stock function runs; the interpreter lists `done` and
#   `pending` in argument order.


class _OrderedSet:
    """The subset of `set` TaskGroup uses, iterating in insertion order."""

    __slots__ = ["_d"]

    def __init__(self) -> None:
        self._d: dict[Any, None] = {}

    def add(self, x: Any) -> None:
        self._d[x] = None

    def discard(self, x: Any) -> None:
        self._d.pop(x, None)

    def __iter__(self):
        return iter(list(self._d))

    def __len__(self) -> int:
        return len(self._d)

    def __bool__(self) -> bool:
        return bool(self._d)


class OrderedTaskGroup(asyncio.TaskGroup):
    """asyncio.TaskGroup whose abort cancels the children in creation order (see above)."""

    def __init__(self) -> None:
        super().__init__()
        self._tasks = _OrderedSet()


def ordered_as_completed(fs, *, timeout=None):
    """tasks.as_completed of CPython 3.11.7 with insertion-ordered `todo` (see above)."""
    if asyncio.isfuture(fs) or asyncio.iscoroutine(fs):
        raise TypeError(f"expect an iterable of futures, not {type(fs).__name__}")

    done = asyncio.Queue()

    loop = asyncio.events._get_event_loop()
    todo = dict.fromkeys(asyncio.ensure_future(f, loop=loop) for f in dict.fromkeys(fs))
    timeout_handle = None

    def _on_timeout():
        for f in list(todo):
            f.remove_done_callback(_on_completion)
            done.put_nowait(None)  # Queue a dummy value for _wait_for_one().
        todo.clear()  # Can't do todo.remove(f) in the loop.

    def _on_completion(f):
        if not todo:
            return  # _on_timeout() was here first.
        del todo[f]
        done.put_nowait(f)
        if not todo and timeout_handle is not None:
            timeout_handle.cancel()

    async def _wait_for_one():
        f = await done.get()
        if f is None:
            # Dummy value from _on_timeout().
            raise asyncio.TimeoutError
        return f.result()  # May raise f.exception().

    for f in todo:
        f.add_done_callback(_on_completion)
    if todo and timeout is not None:
        timeout_handle = loop.call_later(timeout, _on_timeout)
    for _ in range(len(todo)):
        yield _wait_for_one()


async def wait_in_order(fs: list[Any], timeout: Any, return_when: str) -> list[list[Any]]:
    """`await asyncio.wait(fs, ...)`, with `done` and `pending` as lists in argument order.

    An `async def` wrapper adds no suspension point: awaiting it runs it inline.
    """
    done, pending = await asyncio.wait(fs, timeout=timeout, return_when=return_when)
    order = list(dict.fromkeys(fs))
    return [[f for f in order if f in done], [f for f in order if f in pending]]


# The primitives a scenario can create with {"new": kind, "args": [...]}, and the methods and
# attributes it can use on them ({"call": method, "on": e, "args": [...]}, {"attr": name, "of": e}).
# Names are asyncio's; the simloop interpreter calls the camelCase twin (put_nowait -> putNowait).
PRIMITIVES: dict[str, Callable[..., Any]] = {
    "Lock": asyncio.Lock,
    "Event": asyncio.Event,
    "Condition": asyncio.Condition,
    "Semaphore": asyncio.Semaphore,
    "BoundedSemaphore": asyncio.BoundedSemaphore,
    "Barrier": asyncio.Barrier,
    "Queue": asyncio.Queue,
    "PriorityQueue": asyncio.PriorityQueue,
    "LifoQueue": asyncio.LifoQueue,
}
_QUEUE_METHODS = {"put", "get", "put_nowait", "get_nowait", "task_done", "join", "qsize", "empty", "full"}
METHODS: list[tuple[type, set[str]]] = [
    (asyncio.Lock, {"acquire", "release", "locked"}),
    (asyncio.Event, {"set", "clear", "is_set", "wait"}),
    (asyncio.Condition, {"acquire", "release", "locked", "wait", "wait_for", "notify", "notify_all"}),
    (asyncio.Semaphore, {"acquire", "release", "locked"}),
    (asyncio.Barrier, {"wait", "reset", "abort"}),
    (asyncio.Queue, _QUEUE_METHODS),
    (asyncio.Timeout, {"reschedule", "when", "expired"}),
]
ATTRIBUTES: list[tuple[type, set[str]]] = [
    (asyncio.Barrier, {"parties", "n_waiting", "broken"}),
    (asyncio.Queue, {"maxsize"}),
]


def _allowed(table: list[tuple[type, set[str]]], target: Any, name: str) -> bool:
    return any(isinstance(target, cls) and name in names for cls, names in table)


# --------------------------------------------------------------------------------------------
# Canonical formatting (must match interpreter.ts)


def format_number(x: float | int) -> str:
    """Formats a number as JavaScript's String(n) does."""
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    if isinstance(x, int):
        if abs(x) < 2**53:
            return str(x)
        x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))  # shortest round-trip digits, as JavaScript uses
    mantissa, _, exp = r.partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = int_part + frac_part
    n = len(int_part) + (int(exp) if exp else 0)  # value = 0.digits * 10**n
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + out


def error_category(exc: BaseException) -> str:
    if isinstance(exc, Deadlock):
        return "deadlock"
    if isinstance(exc, asyncio.CancelledError):
        return "CancelledError"
    if isinstance(exc, asyncio.InvalidStateError):
        return "InvalidStateError"
    if isinstance(exc, TimeoutError):
        return "TimeoutError"
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, asyncio.BrokenBarrierError):
        return "BrokenBarrierError"
    if isinstance(exc, RuntimeError) and type(exc) is RuntimeError:
        return "RuntimeError"
    if isinstance(exc, asyncio.QueueEmpty):
        return "QueueEmpty"
    if isinstance(exc, asyncio.QueueFull):
        return "QueueFull"
    if isinstance(exc, BaseExceptionGroup):
        return "TaskGroupError[" + ", ".join(error_category(e) for e in exc.exceptions) + "]"
    if type(exc) is ValueError and str(exc) in VALUE_ERRORS:
        return "ValueError"
    if type(exc) in (TypeError, ValueError):
        return "ArgumentError"
    return f"{type(exc).__name__}: {exc}"  # a bug somewhere: shows up as a difference


# The ValueErrors simloop names ValueError too (QueueTaskDoneError, SemaphoreOverReleaseError); any other
# TypeError or ValueError is a refused argument, simloop's ArgumentError.
VALUE_ERRORS = ("task_done() called too many times", "BoundedSemaphore released too many times")


def format_value(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return format_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(format_value(x) for x in v) + "]"
    if isinstance(v, BaseException):
        return "exc:" + error_category(v)
    if isinstance(v, (asyncio.Task, tasks_mod._PyTask)):
        return "task:" + v.get_name()
    if asyncio.isfuture(v):
        return "future"
    if asyncio.iscoroutine(v):
        return "coroutine"
    if isinstance(v, asyncio.Handle):
        return "handle"
    raise ScenarioError(f"cannot format value {v!r}")


# --------------------------------------------------------------------------------------------
# The interpreter

BUILTIN_ERRORS: dict[str, Callable[[], BaseException]] = {
    "CancelledError": asyncio.CancelledError,
    "InvalidStateError": asyncio.InvalidStateError,
    "TimeoutError": TimeoutError,
    "RuntimeError": RuntimeError,
}


def make_error(spec: str) -> BaseException:
    factory = BUILTIN_ERRORS.get(spec)
    return factory() if factory is not None else UserError(spec)


def matches(type_name: str, exc: BaseException) -> bool:
    if type_name == "BaseException":
        return True
    if type_name == "Exception":
        return not isinstance(exc, asyncio.CancelledError)
    if type_name == "UserError":
        return isinstance(exc, UserError)
    if type_name == "TaskGroupError":
        return isinstance(exc, BaseExceptionGroup)
    return error_category(exc) == type_name


class Return:
    __slots__ = ["value"]

    def __init__(self, value: Any) -> None:
        self.value = value


class Frame:
    __slots__ = ["locals", "in_coroutine"]

    def __init__(self, locals_: dict[str, Any], in_coroutine: bool) -> None:
        self.locals = locals_
        self.in_coroutine = in_coroutine


def drive_sync(coro) -> Any:
    """Runs an interpreter coroutine that must not suspend (a callback or top-level body)."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    coro.close()
    raise ScenarioError("a callback or top-level statement tried to suspend")


class Interpreter:
    def __init__(self, scenario: dict[str, Any]) -> None:
        self.scenario = scenario
        self.lines: list[str] = []
        self.finished = False
        self.env: dict[str, Any] = {}
        # Names come from VirtualEventLoop.create_task; resetting the pure-Python counter as well
        # keeps --pure-python runs independent of earlier scenarios.
        tasks_mod._task_name_counter = itertools.count(1).__next__
        self.loop = VirtualEventLoop()
        self.loop.set_exception_handler(self._exception_handler)
        self.callbacks: dict[str, Callable[..., None]] = {}
        self.coroutines: dict[str, Callable[..., Any]] = {}
        for name, spec in scenario.get("callbacks", {}).items():
            self.callbacks[name] = self._make_callback(name, spec)
        for name, spec in scenario.get("coroutines", {}).items():
            self.coroutines[name] = self._make_coroutine(name, spec)

    # -- plumbing

    def log(self, text: str) -> None:
        if self.finished:
            return
        self.lines.append(f"{format_number(self.loop.time())} {self.loop.iterations} {text}")

    def _exception_handler(self, loop, context) -> None:
        # Only errors escaping a callback (Handle._run) belong to the trace; "exception was never
        # retrieved" and "Task was destroyed but it is pending!" come from garbage collection.
        if "handle" not in context:
            return
        exc = context.get("exception")
        self.log("exception-handler " + (error_category(exc) if exc is not None else context["message"]))

    def _make_callback(self, name: str, spec: dict[str, Any]) -> Callable[..., None]:
        params = spec.get("params", [])
        body = spec["body"]

        def callback(*args):
            frame = Frame(dict(zip(params, args)), in_coroutine=False)
            drive_sync(self.exec_block(body, frame))

        callback.__name__ = name
        callback.__qualname__ = name
        return callback

    def _make_coroutine(self, name: str, spec: dict[str, Any]) -> Callable[..., Any]:
        params = spec.get("params", [])
        body = spec["body"]

        async def coroutine(*args):
            frame = Frame(dict(zip(params, args)), in_coroutine=True)
            sig = await self.exec_block(body, frame)
            return sig.value if sig is not None else None

        coroutine.__name__ = name
        coroutine.__qualname__ = name
        return coroutine

    def lookup(self, frame: Frame, name: str) -> Any:
        if name in frame.locals:
            return frame.locals[name]
        if name in self.env:
            return self.env[name]
        raise ScenarioError(f"unknown variable {name!r}")

    def assign(self, frame: Frame, name: str, value: Any) -> None:
        if name in frame.locals:
            frame.locals[name] = value
        else:
            self.env[name] = value

    def callback(self, name: str) -> Callable[..., None]:
        try:
            return self.callbacks[name]
        except KeyError:
            raise ScenarioError(f"unknown callback {name!r}") from None

    # -- expressions

    def eval(self, e: Any, frame: Frame) -> Any:
        if e is None or isinstance(e, (bool, int, float, str)):
            return e
        if isinstance(e, list):
            return [self.eval(x, frame) for x in e]
        if not isinstance(e, dict):
            raise ScenarioError(f"bad expression {e!r}")
        if "var" in e:
            return self.lookup(frame, e["var"])
        if "coro" in e:
            fn = self.coroutines.get(e["coro"])
            if fn is None:
                raise ScenarioError(f"unknown coroutine {e['coro']!r}")
            return fn(*[self.eval(a, frame) for a in e.get("args", [])])
        if "sleep" in e:
            return asyncio.sleep(self.eval(e["sleep"], frame), self.eval(e.get("value"), frame))
        if "create_task" in e:
            coro = self.eval(e["create_task"], frame)
            if "group" in e:
                group = self.eval(e["group"], frame)
                if not isinstance(group, asyncio.TaskGroup):
                    raise ScenarioError(f"{e['group']!r} is not a task group")
                return group.create_task(coro, name=e.get("name"))
            if "name" in e:
                return self.loop.create_task(coro, name=e["name"])
            return self.loop.create_task(coro)
        if "ensure_future" in e:
            return asyncio.ensure_future(self.eval(e["ensure_future"], frame))
        if "gather" in e:
            items = [self.eval(x, frame) for x in e["gather"]]
            return asyncio.gather(*items, return_exceptions=bool(e.get("return_exceptions", False)))
        if "create_future" in e:
            return self.loop.create_future()
        if "task_name" in e:
            return self.eval(e["task_name"], frame).get_name()
        if "current_task" in e:
            return asyncio.current_task(self.loop)
        if "done" in e:
            return self.eval(e["done"], frame).done()
        if "cancelled" in e:
            return self.eval(e["cancelled"], frame).cancelled()
        if "result" in e:
            return self.eval(e["result"], frame).result()
        if "exception" in e:
            return self.eval(e["exception"], frame).exception()
        if "cancelling" in e:
            return self.eval(e["cancelling"], frame).cancelling()
        if "time" in e:
            return self.loop.time()
        if "add" in e:
            a, b = (self.eval(x, frame) for x in e["add"])
            return a + b
        if "index" in e:
            items, i = (self.eval(x, frame) for x in e["index"])
            return items[i]
        if "eq" in e:
            a, b = (self.eval(x, frame) for x in e["eq"])
            if not all(x is None or isinstance(x, (bool, int, float, str)) for x in (a, b)):
                raise ScenarioError("eq compares literals only")
            return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b
        if "wait_for" in e:
            return asyncio.wait_for(self.eval(e["wait_for"], frame), self.eval(e.get("timeout"), frame))
        if "shield" in e:
            return asyncio.shield(self.eval(e["shield"], frame))
        if "wait" in e:
            fs = [self.eval(x, frame) for x in e["wait"]]
            return wait_in_order(fs, self.eval(e.get("timeout"), frame), e.get("return_when", "ALL_COMPLETED"))
        if "as_completed" in e:
            fs = [self.eval(x, frame) for x in e["as_completed"]]
            return list(ordered_as_completed(fs, timeout=self.eval(e.get("timeout"), frame)))
        if "new" in e:
            factory = PRIMITIVES.get(e["new"])
            if factory is None:
                raise ScenarioError(f"unknown primitive {e['new']!r}")
            return factory(*[self.eval(a, frame) for a in e.get("args", [])])
        if "call" in e:
            target = self.eval(e["on"], frame)
            method = e["call"]
            if not _allowed(METHODS, target, method):
                raise ScenarioError(f"cannot call {method!r} on {type(target).__name__}")
            if method == "wait_for":
                # Condition.wait_for(predicate): the argument is an expression, evaluated at each check
                (pred,) = e["args"]
                return target.wait_for(lambda: self.eval(pred, frame))
            return getattr(target, method)(*[self.eval(a, frame) for a in e.get("args", [])])
        if "attr" in e:
            target = self.eval(e["of"], frame)
            if not _allowed(ATTRIBUTES, target, e["attr"]):
                raise ScenarioError(f"no attribute {e['attr']!r} on {type(target).__name__}")
            return getattr(target, e["attr"])
        raise ScenarioError(f"bad expression {e!r}")

    # -- statements

    async def exec_block(self, stmts: list[dict[str, Any]], frame: Frame) -> Return | None:
        for s in stmts:
            sig = await self.exec_stmt(s, frame)
            if sig is not None:
                return sig
        return None

    def _need_coroutine(self, s: dict[str, Any], frame: Frame) -> None:
        if not frame.in_coroutine:
            raise ScenarioError(f"{s['op']!r} is only allowed in a coroutine")

    async def exec_stmt(self, s: dict[str, Any], frame: Frame) -> Return | None:
        op = s["op"]
        loop = self.loop
        if op == "log":
            values = [format_value(self.eval(v, frame)) for v in s.get("values", [])]
            self.log(" ".join([s["text"], *values]))
        elif op == "set":
            self.assign(frame, s["var"], self.eval(s["value"], frame))
        elif op == "eval":
            self.eval(s["value"], frame)
        elif op in ("call_soon", "call_later", "call_at"):
            cb = self.callback(s["cb"])
            args = [self.eval(a, frame) for a in s.get("args", [])]
            if op == "call_soon":
                h = loop.call_soon(cb, *args)
            elif op == "call_later":
                h = loop.call_later(self.eval(s["delay"], frame), cb, *args)
            else:
                h = loop.call_at(self.eval(s["when"], frame), cb, *args)
            if "as" in s:
                self.assign(frame, s["as"], h)
        elif op == "cancel_handle":
            self.eval({"var": s["target"]}, frame).cancel()
        elif op == "stop":
            loop.stop()
        elif op == "close":
            loop.close()
        elif op == "run_until_complete":
            result = loop.run_until_complete(self.eval(s["value"], frame))
            self.log("run_until_complete returned " + format_value(result))
            if "as" in s:
                self.assign(frame, s["as"], result)
        elif op == "run_forever":
            loop.run_forever()
            self.log("run_forever returned")
        elif op == "set_result":
            self.lookup(frame, s["target"]).set_result(self.eval(s.get("value"), frame))
        elif op == "set_exception":
            self.lookup(frame, s["target"]).set_exception(make_error(s["error"]))
        elif op == "cancel":
            target = self.lookup(frame, s["target"])
            r = target.cancel(s["msg"]) if "msg" in s else target.cancel()
            self.log(f"cancel {s['target']} {format_value(r)}")
        elif op == "add_done_callback":
            self.lookup(frame, s["target"]).add_done_callback(self.callback(s["cb"]))
        elif op == "remove_done_callback":
            n = self.lookup(frame, s["target"]).remove_done_callback(self.callback(s["cb"]))
            self.log(f"remove_done_callback {s['target']} {format_value(n)}")
        elif op == "cancelling":
            n = self.lookup(frame, s["target"]).cancelling()
            self.log(f"cancelling {s['target']} {format_value(n)}")
        elif op == "uncancel":
            n = self.lookup(frame, s["target"]).uncancel()
            self.log(f"uncancel {s['target']} {format_value(n)}")
        elif op == "log_state":
            self.log(f"state {s['target']} {self.state_of(self.lookup(frame, s['target']))}")
        elif op == "is_coroutine_function":
            name = s["name"]
            fn = self.coroutines.get(name) or self.callbacks.get(name)
            if fn is None:
                raise ScenarioError(f"unknown function {name!r}")
            self.log(f"is_coroutine_function {name} {format_value(asyncio.iscoroutinefunction(fn))}")
        elif op == "raise":
            if "var" in s:
                raise self.lookup(frame, s["var"])
            raise make_error(s["error"])
        elif op == "try":
            return await self.exec_try(s, frame)
        elif op == "return":
            return Return(self.eval(s.get("value"), frame))
        elif op == "sleep":
            self._need_coroutine(s, frame)
            v = await asyncio.sleep(self.eval(s["delay"], frame), self.eval(s.get("value"), frame))
            if "as" in s:
                self.assign(frame, s["as"], v)
        elif op == "yield":
            self._need_coroutine(s, frame)
            await asyncio.sleep(0)  # a bare `yield` in Task.__step's protocol
        elif op == "await":
            self._need_coroutine(s, frame)
            v = await self.eval(s["value"], frame)
            if "as" in s:
                self.assign(frame, s["as"], v)
        elif op == "for":
            items = self.eval(s["in"], frame)
            if not isinstance(items, list):
                raise ScenarioError("'for' iterates a list")
            for item in items:
                self.assign(frame, s["as"], item)
                sig = await self.exec_block(s["body"], frame)
                if sig is not None:
                    return sig
        elif op in ("timeout", "timeout_at"):
            self._need_coroutine(s, frame)
            if op == "timeout":
                cm = asyncio.timeout(self.eval(s["delay"], frame))
            else:
                cm = asyncio.timeout_at(self.eval(s["when"], frame))
            return await self.exec_async_with(cm, s, frame)
        elif op == "task_group":
            self._need_coroutine(s, frame)
            return await self.exec_async_with(OrderedTaskGroup(), s, frame)
        else:
            raise ScenarioError(f"unknown op {op!r}")
        return None

    async def exec_try(self, s: dict[str, Any], frame: Frame) -> Return | None:
        # Written without Python's own `finally`: a coroutine closed by the garbage collector gets
        # GeneratorExit, and the scenario's finally block must not run (and log) at that moment.
        try:
            sig = await self.exec_block(s["body"], frame)
        except GeneratorExit:
            raise
        except BaseException as e:
            handler = next((h for h in s.get("except", []) if matches(h["type"], e)), None)
            if handler is None or isinstance(e, ScenarioError):
                return await self._finally_then_raise(s, frame, e)
            if "as" in handler:
                self.assign(frame, handler["as"], e)
            try:
                sig = await self.exec_block(handler["body"], frame)
            except GeneratorExit:
                raise
            except BaseException as e2:
                return await self._finally_then_raise(s, frame, e2)
        fsig = await self.exec_block(s.get("finally", []), frame)
        return fsig if fsig is not None else sig

    async def exec_async_with(self, cm: Any, s: dict[str, Any], frame: Frame) -> Return | None:
        """`async with cm as <s.as>: <s.body>`, without running __aexit__ on GeneratorExit (see exec_try)."""
        value = await cm.__aenter__()
        if "as" in s:
            self.assign(frame, s["as"], value)
        try:
            sig = await self.exec_block(s["body"], frame)
        except GeneratorExit:
            raise
        except BaseException as e:
            if not await cm.__aexit__(type(e), e, e.__traceback__):
                raise
            return None
        await cm.__aexit__(None, None, None)
        return sig

    async def _finally_then_raise(self, s: dict[str, Any], frame: Frame, e: BaseException) -> Return | None:
        fsig = await self.exec_block(s.get("finally", []), frame)
        if fsig is not None:
            return fsig  # `return` in a finally block swallows the exception, as in Python and JS
        raise e

    def state_of(self, f: Any) -> str:
        if not f.done():
            return "pending"
        if f.cancelled():
            return "cancelled"
        exc = f.exception()
        if exc is not None:
            return "exception " + error_category(exc)
        return "result " + format_value(f.result())

    # -- top level

    def run(self) -> list[str]:
        asyncio.set_event_loop(self.loop)
        ScenarioError.raised.clear()
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            frame = Frame({}, in_coroutine=False)
            for s in self.scenario["main"]:
                try:
                    drive_sync(self.exec_stmt(s, frame))
                except (ScenarioError, KeyboardInterrupt, SystemExit):
                    raise
                except BaseException as e:
                    cat = error_category(e)
                    self.log("deadlock" if cat == "deadlock" else "error " + cat)
            if ScenarioError.raised:
                raise ScenarioError(ScenarioError.raised[0])
            return self.lines
        finally:
            self.finished = True
            # Coroutines still suspended are closed from here on: when close() drops the ready queue,
            # when the environment lets go of them, and by the collection. Some asyncio code catches
            # GeneratorExit with a bare `except:` (Queue.get/put) and then touches the closed loop:
            # that is not part of the trace (nothing logs once `finished` is set), so the
            # "Exception ignored" reports are dropped.
            hook = sys.unraisablehook
            sys.unraisablehook = lambda _unraisable: None
            try:
                if not self.loop.is_running():
                    self.loop.close()
                asyncio.set_event_loop(None)
                self.env.clear()
                self.loop._ready.clear()  # the tasks whose steps were still queued
                self.loop._scheduled.clear()
                if gc_was_enabled:
                    gc.enable()
                gc.collect()
            finally:
                sys.unraisablehook = hook
                ScenarioError.raised.clear()


def run_scenario(scenario: dict[str, Any]) -> list[str]:
    return Interpreter(scenario).run()


def trace_text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def use_pure_python() -> None:
    """Switch new tasks and futures to asyncio's pure-Python classes (tasks.py, futures.py)."""
    tasks_mod.Task = tasks_mod._PyTask  # type: ignore[misc]
    futures_mod.Future = futures_mod._PyFuture  # type: ignore[misc]


def main(argv: list[str]) -> int:
    args = list(argv)
    if "--pure-python" in args:
        args.remove("--pure-python")
        use_pure_python()
    if args[:1] == ["--batch"]:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                result = {"trace": trace_text(run_scenario(json.loads(line)))}
            except ScenarioError as e:
                result = {"error": str(e)}
            sys.stdout.write(json.dumps(result) + "\n")
        return 0
    if args[:1] == ["--all"] and len(args) == 4 and args[2] in ("--write", "--check"):
        src, mode, dst = args[1], args[2], args[3]
        os.makedirs(dst, exist_ok=True)
        failures = 0
        names = sorted(f[:-5] for f in os.listdir(src) if f.endswith(".json"))
        for name in names:
            with open(os.path.join(src, name + ".json"), encoding="utf-8") as fh:
                text = trace_text(run_scenario(json.load(fh)))
            out = os.path.join(dst, name + ".trace")
            if mode == "--write":
                with open(out, "w", encoding="utf-8") as fh:
                    fh.write(text)
            else:
                old = open(out, encoding="utf-8").read() if os.path.exists(out) else None
                if old != text:
                    failures += 1
                    print(f"DIFFERS: {name}")
        print(f"{len(names)} scenarios, {failures} differing" if mode == "--check" else f"wrote {len(names)} traces")
        return 1 if failures else 0
    if len(args) == 1:
        with open(args[0], encoding="utf-8") as fh:
            sys.stdout.write(trace_text(run_scenario(json.load(fh))))
        return 0
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
