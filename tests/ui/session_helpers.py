"""A window on a real session store and settings in tmp folders, for the session/settings tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from editor.pipeline import embedded_client
from editor.store import SessionStore, SettingsStore
from editor.ui.main_window import MainWindow
from editor.ui.profiles import Profile

W, H = 240, 160
LEFT = Qt.MouseButton.LeftButton


def write_image(path: Path) -> np.ndarray:
    y, x = np.mgrid[0:H, 0:W]
    pixels = np.dstack([x % 256, y % 256, np.full_like(x, 90)]).astype(np.uint8)
    Image.fromarray(pixels).save(path)
    return pixels


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
    w = make_window(qtbot, tmp_path, [Profile("Local engine", embedded_client, "telea")])
    yield w
    w.jobs.cancel_all()
    qtbot.waitUntil(lambda: all(not j.active for j in w.jobs.jobs), timeout=10_000)
    qtbot.waitUntil(lambda: not w.sessions.busy, timeout=10_000)


def open_image(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    task = window.files.open_path(path)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    qtbot.waitUntil(lambda: window.sessions.session is not None, timeout=10_000)


def paint(qtbot: QtBot, window: MainWindow, points: list[tuple[float, float]]) -> None:
    canvas = window.canvas
    pos = [canvas.map_from_image(x, y).toPoint() for x, y in points]
    qtbot.mousePress(canvas, LEFT, pos=pos[0])
    for p in pos[1:]:
        qtbot.mouseMove(canvas, p)
    qtbot.mouseRelease(canvas, LEFT, pos=pos[-1])


def generate(qtbot: QtBot, window: MainWindow) -> str:
    job = window.generate()
    assert job is not None, window.message_banner.text()
    qtbot.waitUntil(lambda: job.id in window.binding.settled, timeout=20_000)
    qtbot.waitUntil(lambda: not window.sessions.busy, timeout=10_000)
    return job.id
