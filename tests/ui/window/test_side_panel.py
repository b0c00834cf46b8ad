"""The side panel on short windows: at 1024×700 and 1200×800, with and without reference
images, Generate stays in view, History keeps several clickable rows and the gallery a full
row of variants."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from editor.core.params import ApiOptions, EditParams
from editor.core.references import Reference
from editor.store import RoundState, SessionStore
from editor.ui.session.restore import restore_session
from editor.ui.window.main_window import MainWindow
from tests.ui import async_helpers
from tests.ui.session_helpers import make_window
from tests.ui.window_helpers import write_image

aloop = async_helpers.aloop

ROUNDS = 6


def _reference(i: int) -> Reference:
    pixels = np.full((90, 120, 3), 40 * i, np.uint8)
    return Reference(pixels, name=f"ref{i}.png")


def _session_window(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, list[str]]:
    """A window showing a restored session of ``ROUNDS`` rounds in History."""
    store = SessionStore(tmp_path / "data" / "sessions")
    image = tmp_path / "photo.png"
    write_image(image)
    session = store.create(image, original_name="photo.png")
    ids = []
    for i in range(ROUNDS):
        record = session.start_round(EditParams(ApiOptions(f"round {i}")))
        session.finish_round(record.id, RoundState.FAILED, error="offline")
        ids.append(record.id)
    session_id = session.id
    session.close()
    w = make_window(qtbot, tmp_path)
    task = w.spawn(restore_session(w, session_id), "restore")
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    return w, ids


def _whole_in_window(widget: QWidget, window: MainWindow) -> bool:
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return widget.isVisible() and window.rect().contains(QRect(top_left, widget.size()))


def _fully_shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


@pytest.mark.parametrize(
    ("size", "refs", "rows"),
    [
        (QSize(1024, 700), 0, 3),
        (QSize(1024, 700), 1, 3),
        (QSize(1200, 800), 0, 4),
        (QSize(1200, 800), 1, 4),
        (QSize(1200, 800), 3, 4),
    ],
)
def test_a_short_window_keeps_generate_history_rows_and_a_gallery_row(
    qtbot: QtBot,
    aloop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    size: QSize,
    refs: int,
    rows: int,
) -> None:
    w, ids = _session_window(qtbot, tmp_path)
    try:
        w.resize(size)
        qtbot.waitUntil(lambda: w.size() == size)
        strip = w.prompt_panel.references_strip
        strip.set_references([_reference(i) for i in range(refs)])
        w.show_history()
        tree = w.history_panel.tree
        first = w.history_panel.item(ids[-1])
        assert first is not None

        def laid_out() -> bool:
            return tree.visualItemRect(first).height() > 0

        qtbot.waitUntil(laid_out, timeout=10_000)
        qtbot.wait(50)  # the splitter settles after the strip's new height
        assert w.size() == size  # the references did not push the window past the screen
        # Rounds with results show a thumbnail, so a row is at least the icon's height.
        row = max(tree.visualItemRect(first).height(), tree.iconSize().height())
        shown = tree.viewport().visibleRegion().boundingRect().height()
        assert shown >= rows * row, (shown, row)
        # Each of those rows takes a click: the lowest fully shown one restores its round.
        target = w.history_panel.item(ids[-rows])
        assert target is not None
        rect = tree.visualItemRect(target)
        assert tree.viewport().rect().contains(rect)
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert tree.currentItem() is target
        # The gallery keeps a full row of variants, the prompt its Generate button and tiles.
        gallery = w.gallery
        assert _whole_in_window(gallery, w)
        assert gallery.height() >= gallery.minimumHeight()
        assert _fully_shown(w.prompt_panel.generate_button)
        assert _fully_shown(w.prompt_panel.prompt)
        assert len(strip.tiles) == refs
        for tile in strip.tiles[:1]:
            assert _fully_shown(tile.image)
        if not refs:  # an empty strip is one line
            assert strip.height() <= 2 * strip.fontMetrics().height() + 8
    finally:
        w.close()


def test_advanced_names_what_differs_and_a_dragged_handle_is_kept(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    w, _ids = _session_window(qtbot, tmp_path)
    try:
        panel = w.prompt_panel
        assert not panel.options.context_combo.isVisible()  # folded away
        assert panel.advanced.summary.text() == ""
        panel.options.set_context("crop")
        panel.options.color_check.setChecked(True)
        summary = panel.advanced.summary.toolTip()
        assert "crop around mask" in summary and "colour match" in summary
        assert panel.advanced.summary.text()  # shown (elided if narrow) beside the header
        # The user drags the handle under the prompt down; a resize keeps that height.
        side = w.side_tabs.parentWidget()
        assert side is not None
        handle = side.handle(1)
        before = panel.height()
        centre = handle.rect().center()
        qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseMove(handle, centre + QPoint(0, 40))
        qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=centre + QPoint(0, 40))
        qtbot.waitUntil(lambda: panel.height() > before + 20)
        dragged = panel.height()
        w.resize(w.width(), w.height() + 60)
        qtbot.waitUntil(lambda: side.height() > 0 and w.height() > 800)
        qtbot.wait(50)
        assert panel.height() == dragged
    finally:
        w.close()
