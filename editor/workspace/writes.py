"""The session's writes, one after another in the order they were asked for, off the loop.

A failed write (a full disk…) is reported in plain words and changes nothing else: the work
stays in memory. Only the store's own errors and the system's are read as such; anything else
is a bug and ends the task with its traceback in the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from editor.store import StoreError

from .tasks import TaskSet

__all__ = ["SessionWrites"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class SessionWrites:
    def __init__(self, tasks: TaskSet, report: Callable[[str], None]) -> None:
        self.tasks = tasks
        self.report = report
        self._pending: set[asyncio.Task[Any]] = set()
        self._lock: asyncio.Lock | None = None

    def write(self, make: Callable[[], Awaitable[T] | None], what: str) -> asyncio.Task[T | None]:
        """Run ``make()`` after every earlier write; a StoreError becomes a report."""

        async def run() -> T | None:
            if self._lock is None:
                self._lock = asyncio.Lock()
            async with self._lock:
                awaitable = make()
                if awaitable is None:
                    return None
                try:
                    return await awaitable
                except (StoreError, OSError) as e:
                    self.report(f"Could not save {what}: {e}")
                    return None

        return self.keep(self.tasks.spawn(run(), f"save {what}"))

    def keep(self, task: asyncio.Task[T]) -> asyncio.Task[T]:
        """Count the task among the writes :meth:`flush` waits for."""
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return task

    @property
    def pending(self) -> frozenset[asyncio.Task[Any]]:
        return frozenset(self._pending)

    @property
    def busy(self) -> bool:
        return any(not t.done() for t in self._pending)

    async def flush(self) -> None:
        """Wait until every write asked for so far has ended."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)
