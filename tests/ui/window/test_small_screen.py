"""At 1024×700 the whole window fits: a full row of variants shows and the compare badges elide."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from editor.pipeline import embedded_client
from editor.ui.common.services import Profile
from editor.ui.gallery.tile import ThumbTile
from editor.ui.window.geometry import PREFERRED_SIZE
from editor.ui.window.main_window import MainWindow
from tests.ui import async_helpers
from tests.ui.window_helpers import (
    finish_jobs,
    generate_and_wait,
    open_image,
    paint,
    show_window,
    write_image,
)

aloop = async_helpers.aloop

PROFILES = [Profile("Local engine", embedded_client, "telea")]


@pytest.fixture
def window(qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[MainWindow]:
    w = show_window(qtbot, tmp_path, PROFILES)
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.size() == QSize(1024, 700))
    yield w
    finish_jobs(qtbot, w)


def _round(qtbot: QtBot, window: MainWindow, tmp_path: Path, n: int = 2) -> str:
    path = tmp_path / "photo.png"
    write_image(path)
    open_image(qtbot, window, path)
    paint(qtbot, window, [(30, 30), (200, 130)])
    window.prompt_panel.set_prompt("fill")
    window.prompt_panel.n_spin.setValue(n)
    return generate_and_wait(qtbot, window)


def _tiles(window: MainWindow, job_id: str) -> list[ThumbTile]:
    return [t for t in window.gallery.findChildren(ThumbTile) if t.job_id == job_id]


def test_the_window_can_be_1024_by_700_and_the_gallery_shows_a_full_row(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    assert window.minimumSizeHint().height() <= 700 and window.minimumSizeHint().width() <= 1024
    job_id = _round(qtbot, window, tmp_path)
    gallery = window.gallery
    assert gallery.isVisible()
    inside = window.rect()
    assert inside.contains(QRect(gallery.mapTo(window, gallery.rect().topLeft()), gallery.size()))
    tiles = _tiles(window, job_id)
    assert len(tiles) == 2

    def whole(widget: QWidget) -> bool:  # not cut by a scrolled viewport or the window edge
        return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()

    # Once the gallery has laid the new row out: each tile whole, and Generate in view too.
    button = window.prompt_panel.generate_button
    qtbot.waitUntil(lambda: all(whole(t) for t in tiles) and whole(button))
    # A taller window gives the thumbnails their full size back.
    small = _tiles(window, job_id)[0].height()
    window.resize(1024, 1000)
    qtbot.waitUntil(lambda: _tiles(window, job_id)[0].height() > small)


def test_the_compare_leak_badge_elides_in_a_narrow_view(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    job_id = _round(qtbot, window, tmp_path, n=1)
    window.show_variant(job_id, 0)
    window.set_compare(True)
    leak = window.compare.leak_text()
    assert leak.startswith("Changed outside the mask")
    view = window.compare.right_view
    shown = view.hint_text()
    metrics = QFontMetrics(view.font())
    if metrics.horizontalAdvance(leak) > view.width() - 40:
        assert shown.endswith("…") and shown != leak
    assert metrics.horizontalAdvance(shown) + 40 <= view.width()
    # A view too narrow for even a word still draws within itself.
    window.compare.resize(300, 300)
    assert metrics.horizontalAdvance(view.hint_text()) <= view.width()


def test_first_start_fits_the_screen_and_a_saved_geometry_is_clamped_to_it(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    area = QGuiApplication.primaryScreen().availableGeometry()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = MainWindow(profiles=PROFILES, settings=settings)
    qtbot.addWidget(first)
    expected = QSize(
        min(PREFERRED_SIZE.width(), area.width()), min(PREFERRED_SIZE.height(), area.height())
    )
    assert first.size() == expected
    first.show()
    qtbot.waitExposed(first)
    first.setGeometry(area.x() + 50, area.y() + 40, area.width() + 400, area.height() + 300)
    first.close()  # remembers where it was
    again = MainWindow(profiles=PROFILES, settings=settings)
    qtbot.addWidget(again)
    assert area.contains(again.frameGeometry()), (again.frameGeometry(), area)
    again.close()
