"""Helpers for tests that drive a whole main window with real events and real jobs.

``show_window`` builds a window on the given profiles (settings in tmp_path) and shows it;
``close_window`` ends its jobs and tears it down while the test's loop still runs. The rest
open files, paint strokes, run jobs and talk to the local test server's ``/_test`` routes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from editor.client import Endpoint
from editor.pipeline import embedded_client
from editor.pipeline.jobs import Job, JobState
from editor.server import ServerThread
from editor.ui.common.services import Profile, endpoint_profile
from editor.ui.window.main_window import MainWindow

W, H = 240, 160
LEFT = Qt.MouseButton.LeftButton


def write_image(path: Path) -> np.ndarray:
    y, x = np.mgrid[0:H, 0:W]
    pixels = np.dstack([x % 256, y % 256, np.full_like(x, 90)]).astype(np.uint8)
    Image.fromarray(pixels).save(path)
    return pixels


def local_profiles() -> list[Profile]:
    """The embedded engine alone: a window that needs no server and no key."""
    return [Profile("Local engine", embedded_client, "telea")]


def server_profile(server: ServerThread, name: str, model: str) -> Profile:
    """A profile on the local test server that never retries, so a fault shows at once."""
    endpoint = Endpoint(base_url=server.base_url, max_retries=0, timeout=30)
    return endpoint_profile(name, endpoint, model)


def show_window(
    qtbot: QtBot, tmp_path: Path, profiles: list[Profile], **window_kwargs: Any
) -> MainWindow:
    """A main window on these profiles, its settings in ``tmp_path/settings.ini``, shown."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(profiles=profiles, settings=settings, **window_kwargs)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def finish_jobs(qtbot: QtBot, window: MainWindow) -> None:
    """Cancel every job of the window and wait until none is active."""
    window.jobs.cancel_all()
    qtbot.waitUntil(lambda: all(not j.active for j in window.jobs.jobs), timeout=10_000)


def close_window(qtbot: QtBot, window: MainWindow) -> None:
    """End the window's jobs, then tear it down while its loop still runs: no timer of it may
    outlive it."""
    finish_jobs(qtbot, window)
    for timer in window.findChildren(QTimer):
        timer.stop()
    window.close()
    window.deleteLater()
    qtbot.wait(10)


def open_image(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    task = window.files.open_path(path)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True


def open_photo(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Path:
    """Write the test photo to ``tmp_path/photo.png`` and open it in the window."""
    path = tmp_path / "photo.png"
    write_image(path)
    open_image(qtbot, window, path)
    return path


def paint(qtbot: QtBot, window: MainWindow, points: list[tuple[float, float]]) -> None:
    """One stroke through image points, with real mouse events on the canvas."""
    canvas = window.canvas
    pos = [canvas.map_from_image(x, y).toPoint() for x, y in points]
    qtbot.mousePress(canvas, LEFT, pos=pos[0])
    for p in pos[1:]:
        qtbot.mouseMove(canvas, p)
    qtbot.mouseRelease(canvas, LEFT, pos=pos[-1])


def generate_and_wait(qtbot: QtBot, window: MainWindow, timeout_ms: int = 20_000) -> str:
    before = len(window.jobs.jobs)
    window.prompt_panel.focus_prompt()
    qtbot.keyClick(
        window.prompt_panel.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert len(window.jobs.jobs) == before + 1, "Ctrl+Enter started no job"
    job = window.jobs.jobs[-1]
    settle(qtbot, window, job.id, timeout_ms)
    return job.id


def one_round(
    qtbot: QtBot,
    window: MainWindow,
    image_path: Path,
    stroke: list[tuple[float, float]] | None = None,
) -> str:
    """Open the image, paint one stroke, prompt "fill" and generate: the round's job id."""
    open_image(qtbot, window, image_path)
    paint(qtbot, window, stroke or [(30, 30), (200, 130)])
    window.prompt_panel.set_prompt("fill")
    return generate_and_wait(qtbot, window)


def settle(qtbot: QtBot, window: MainWindow, job_id: str, timeout_ms: int = 20_000) -> None:
    """Wait for the job to end and, if it succeeded, for its variants to reach the gallery
    (the window may save them to the session first)."""
    job = job_of(window, job_id)
    qtbot.waitUntil(lambda: not job.active, timeout=timeout_ms)
    if job.state is JobState.SUCCEEDED:
        qtbot.waitUntil(lambda: job_id in window.binding.settled, timeout=timeout_ms)
        count = len(window.variants(job_id))
        assert window.gallery.variant_count(job_id) >= count > 0


def job_of(window: MainWindow, job_id: str) -> Job:
    """A job by id, also once it finished and left the queue (the jobs list keeps its row)."""
    return window.jobs_panel.row(job_id).job


def round_mask(window: MainWindow, key: str) -> np.ndarray | None:
    """The mask a round was sent with, as the session folder keeps it."""
    entry, session = window.results.round(key), window.sessions.session
    assert entry is not None and entry.round_id is not None and session is not None
    record = session.round(entry.round_id)
    return session.load_mask(record.mask) if record.mask is not None else None


def retry_and_wait(qtbot: QtBot, window: MainWindow, job_id: str) -> str:
    row = window.jobs_panel.row(job_id)
    assert row.button.isVisible() and row.button.text() == "Retry"
    qtbot.mouseClick(row.button, LEFT)
    retry = window.jobs.jobs[-1]
    assert retry.retry_of == job_id
    settle(qtbot, window, retry.id)
    return retry.id


def add_fault(server: ServerThread, **fault: object) -> None:
    httpx.post(f"{server.origin}/_test/faults", json=fault, timeout=5).raise_for_status()


def clear_faults(server: ServerThread) -> None:
    httpx.delete(f"{server.origin}/_test/faults", timeout=5).raise_for_status()


def logged_requests(server: ServerThread) -> list[dict[str, Any]]:
    return list(httpx.get(f"{server.origin}/_test/requests", timeout=5).json())


def menu_action(window: MainWindow, text: str) -> QAction:
    """The window's menu item named ``text`` (its shortcut label left off)."""
    for action in window.findChildren(QAction):
        if action.text().split("\t")[0] == text:
            return action
    raise AssertionError(f"no menu item {text!r}")
