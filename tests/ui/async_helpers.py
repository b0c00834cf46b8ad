"""An asyncio loop that runs on Qt's own event processing, for widget tests with real jobs.

``qasync.QEventLoop(app, already_running=True)`` registers itself as the running loop without
entering ``app.exec()``; every ``qtbot.waitUntil`` spins Qt events, which runs the loop's
callbacks, so jobs, ``asyncio.to_thread`` and the HTTP client really run while a test waits.
Never block on ``qtbot.waitSignal`` inside a coroutine on this loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

_loop: qasync.QEventLoop | None = None


def _shared_loop(app: QApplication) -> qasync.QEventLoop:
    """One loop for the whole run, never closed: a closed qasync loop can still be reached by
    callbacks that worker threads post late (``call_soon_threadsafe``), and Qt then crashes
    delivering them to deleted objects. Each test still starts with no task left over."""
    global _loop
    if _loop is None:
        _loop = qasync.QEventLoop(app, already_running=True)
    return _loop


@pytest.fixture
def aloop(qapp: QApplication, qtbot: QtBot) -> Iterator[asyncio.AbstractEventLoop]:
    loop = _shared_loop(qapp)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        qtbot.waitUntil(lambda: all(t.done() for t in pending), timeout=10_000)
        # Leave the loop registered but not "running" between tests, so code outside a window
        # test (asyncio.run in other tests) is not confused by a running loop.
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)


def close_shared_loop() -> None:
    """At the end of the run: stop the loop's worker threads before Qt tears down."""
    global _loop
    if _loop is None:
        return
    # loop.stop() would call app.exit(); a loop made with already_running=True is left by hand.
    _loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
    _loop.close()
    _loop = None
