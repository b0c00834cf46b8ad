"""Widget tests run on Qt's offscreen platform; set it before anything imports Qt.

Sessions, settings and logs of window tests go to tmp folders, never the user's. The asyncio
loop, the test photo and a shown window (on ``profiles``, the local engine) are fixtures every
room shares; a test file overrides ``profiles``, or ``window`` asking for this one, to add what
its window needs.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Imported once the platform is set: they load Qt.
from editor.ui.common.services import Profile
from editor.ui.window.main_window import MainWindow
from tests.ui import async_helpers
from tests.ui.window_helpers import close_window, local_profiles, show_window, write_image

aloop = async_helpers.aloop


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INPAINT_EDITOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INPAINT_EDITOR_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("INPAINT_EDITOR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def image_path(tmp_path: Path) -> Path:
    """The test photo (``window_helpers.write_image``), written to ``tmp_path/photo.png``."""
    path = tmp_path / "photo.png"
    write_image(path)
    return path


@pytest.fixture
def profiles() -> list[Profile]:
    """The services ``window`` offers: the local engine unless a test file says otherwise."""
    return local_profiles()


@pytest.fixture
def window(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path, profiles: list[Profile]
) -> Iterator[MainWindow]:
    """A shown, active window on ``profiles``, closed (jobs ended first) after the test."""
    w = show_window(qtbot, tmp_path, profiles)
    w.activateWindow()
    yield w
    close_window(qtbot, w)
