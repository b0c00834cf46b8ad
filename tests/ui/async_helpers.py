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


@pytest.fixture
def aloop(qapp: QApplication, qtbot: QtBot) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        qtbot.waitUntil(lambda: all(t.done() for t in pending), timeout=10_000)
        # loop.stop() would call app.exit(), which poisons later QEventLoop.exec() calls; a
        # loop made with already_running=True is left by hand instead.
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        asyncio.events._set_running_loop(None)
        loop.close()
        asyncio.set_event_loop(None)
