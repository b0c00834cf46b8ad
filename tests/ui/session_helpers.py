"""A window on a real session store and settings in tmp folders, for the session/settings tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from editor.store import SessionStore, SettingsStore
from editor.ui.common.services import Profile
from editor.ui.window.main_window import MainWindow
from tests.ui import window_helpers
from tests.ui.window_helpers import finish_jobs, local_profiles


def make_window(qtbot: QtBot, tmp_path: Path, profiles: list[Profile] | None = None) -> MainWindow:
    w = MainWindow(
        profiles=profiles,
        settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
        store=SessionStore(tmp_path / "data" / "sessions"),
        app_settings=SettingsStore(tmp_path / "config"),
    )
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def local_window(qtbot: QtBot, aloop: object, tmp_path: Path) -> Iterator[MainWindow]:
    w = make_window(qtbot, tmp_path, local_profiles())
    yield w
    finish_jobs(qtbot, w)
    qtbot.waitUntil(lambda: not w.sessions.busy, timeout=10_000)


def open_image(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    """Open the file, then wait until the window has made its session."""
    window_helpers.open_image(qtbot, window, path)
    qtbot.waitUntil(lambda: window.sessions.session is not None, timeout=10_000)


def generate(qtbot: QtBot, window: MainWindow) -> str:
    job = window.generate()
    assert job is not None, window.message_banner.text()
    qtbot.waitUntil(lambda: job.id in window.binding.settled, timeout=20_000)
    qtbot.waitUntil(lambda: not window.sessions.busy, timeout=10_000)
    return job.id
