"""A task the window starts that fails says so in plain words and in the log, never only as
"Task exception was never retrieved" at garbage collection."""

from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from editor.workspace.tasks import running, spawn
from tests.ui.window_helpers import (
    open_image,
    write_image,
)


def write_image_at(path: Path) -> Path:
    write_image(path)
    return path


async def _breaks() -> None:
    await asyncio.sleep(0)
    raise RuntimeError("the disk went away")


def test_a_failing_window_task_shows_a_message_and_logs_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    open_image(qtbot, window, write_image_at(tmp_path / "photo.png"))
    caplog.set_level(logging.DEBUG)
    task = window.spawn(_breaks(), "restore round 3")
    banner = window.message_banner
    qtbot.waitUntil(banner.isVisible, timeout=5_000)
    assert task.done()
    assert "Could not restore round 3" in banner.text()
    assert "the disk went away" in banner.text()
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failed and failed[0].exc_info is not None, "the traceback is not in the log"

    del task
    gc.collect()
    assert not any("never retrieved" in r.getMessage() for r in caplog.records)


def test_spawn_holds_the_task_until_it_ends(qtbot: QtBot, aloop: asyncio.AbstractEventLoop) -> None:
    said: list[str] = []
    started = running()
    release = asyncio.Event()

    async def waits() -> int:
        await release.wait()
        return 7

    spawn(waits(), "wait", said.append)  # nobody keeps the task
    gc.collect()
    assert running() == started + 1
    release.set()
    qtbot.waitUntil(lambda: running() == started, timeout=5_000)
    assert said == []
