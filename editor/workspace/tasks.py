"""Start a coroutine and never lose what becomes of it.

A task nobody awaits fails silently ("Task exception was never retrieved", at garbage collection)
and one nobody holds can be collected while it runs. :func:`spawn` holds the task until it ends,
logs a failure with its traceback and tells the user in plain words through ``report``. A
:class:`TaskSet` does the same for one owner (the window), which cancels its tasks on close.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Coroutine
from functools import partial
from typing import Any, TypeVar

__all__ = ["Report", "TaskSet", "running", "spawn"]

log = logging.getLogger(__name__)

T = TypeVar("T")
Report = Callable[[str], None]

_running: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, T], what: str, report: Report | None = None) -> asyncio.Task[T]:
    """Run ``coro`` on the running loop; ``what`` names the work for the log and the message
    ("restore round 3"). Callers may still await the task and see its result or exception."""
    task = asyncio.ensure_future(coro)
    _running.add(task)
    task.add_done_callback(partial(_ended, what=what, report=report))
    return task


def running() -> int:
    """How many spawned tasks have not ended yet."""
    return len(_running)


def _ended(task: asyncio.Task[Any], *, what: str, report: Report | None) -> None:
    _running.discard(task)
    if task.cancelled():
        return
    exc = task.exception()  # marks it retrieved: no warning at garbage collection
    if exc is None:
        return
    log.error("Could not %s", what, exc_info=exc)
    if report is not None:
        report(f"Could not {what}: {type(exc).__name__}: {exc}. Your work is unchanged.")


class TaskSet:
    """The tasks one owner started; ``report`` hears of a failure (read at the time it ends)."""

    def __init__(self, report: Report | None = None) -> None:
        self.report = report
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T]:
        task = spawn(coro, what, lambda text: self.report(text) if self.report else None)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    def cancel_all(self, keep: Collection[asyncio.Task[Any]] = ()) -> int:
        """Cancel every task not ended (but those in ``keep``); returns how many."""
        doomed = [t for t in self._tasks if not t.done() and t not in keep]
        for task in doomed:
            task.cancel()
        return len(doomed)
