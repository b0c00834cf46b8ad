"""A user's own exports follow the umask; the session's files stay owner-only."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    close_window,
    local_profiles,
    open_photo,
    paint,
    show_window,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def window(qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[MainWindow]:
    old = os.umask(0o022)
    w = show_window(qtbot, tmp_path, local_profiles())
    open_photo(qtbot, w, tmp_path)
    qtbot.waitUntil(lambda: w.sessions.session is not None, timeout=10_000)
    paint(qtbot, w, [(60, 60), (120, 90)])
    yield w
    close_window(qtbot, w)
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_as_and_export_mask_follow_the_umask(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    saved = window.files.save_to(out / "result.png")
    exported = window.files.export_mask_to(out / "result-mask.png")
    qtbot.waitUntil(lambda: saved.done() and exported.done(), timeout=10_000)
    assert saved.result() and exported.result()
    assert mode(out / "result.png") == 0o644
    assert mode(out / "result-mask.png") == 0o644

    session = window.sessions.session
    assert session is not None
    qtbot.waitUntil(lambda: session.mask_ref is not None, timeout=10_000)
    assert mode(session.mask_path(session.mask_ref)) == 0o600
