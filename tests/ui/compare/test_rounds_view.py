"""Rounds side by side: thumbnails as large as the window lets them be; one key opens and
closes it, Esc closes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    generate_and_wait,
    open_photo,
    paint,
)

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Iterator[MainWindow]:
    open_photo(qtbot, window, tmp_path)
    paint(qtbot, window, [(30, 30), (200, 130)])
    for prompt, n in (("a red ball", 2), ("a blue cube", 1)):
        window.prompt_panel.set_prompt(prompt)
        window.prompt_panel.n_spin.setValue(n)
        generate_and_wait(qtbot, window)
    yield window
    if window.rounds_view is not None:
        window.rounds_view.close()


def _open(qtbot: QtBot, window: MainWindow) -> None:
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_R, CTRL_SHIFT)
    view = window.rounds_view
    assert view is not None
    qtbot.waitExposed(view)


def test_thumbnails_fill_the_columns_and_grow_with_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    _open(qtbot, window)
    view = window.rounds_view
    assert view is not None
    assert [c.status.text().split(" ·")[0] for c in view.columns] == ["Round 1", "Round 2"]
    view.resize(700, 500)
    qtbot.waitUntil(lambda: view.size().width() == 700)
    small = view.thumbnail_side()
    view.resize(1400, 1000)
    qtbot.waitUntil(lambda: view.thumbnail_side() > small)
    big = view.thumbnail_side()
    # As large as fits: the tallest column (two variants) is whole in the view, unscrolled,
    # and the thumbnails use most of a column's width or of its height.
    buttons = [b for c in view.columns for b in c.buttons]
    assert len(buttons) == 3
    qtbot.waitUntil(
        lambda: all(b.visibleRegion().boundingRect() == b.rect() for b in buttons), timeout=2000
    )
    for b in buttons:  # the picture itself fills the thumbnail, not a small icon inside it
        drawn = b.icon().actualSize(b.iconSize())
        assert max(drawn.width(), drawn.height()) >= big - 1, (drawn, big)
    column = view.columns[0]
    last = column.buttons[-1]
    bottom = last.mapTo(column, last.rect().bottomLeft()).y()
    assert big >= 0.8 * (column.width() - 30) or bottom >= 0.8 * column.height()


def test_the_shortcut_toggles_and_esc_closes(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window)
    view = window.rounds_view
    assert view is not None and view.isVisible()
    view.activateWindow()
    button = view.columns[0].buttons[0]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_R, CTRL_SHIFT)  # pressed again, from the rounds window
    qtbot.waitUntil(lambda: not view.isVisible())
    _open(qtbot, window)
    assert view.isVisible()
    qtbot.keyClick(window.canvas, Qt.Key.Key_R, CTRL_SHIFT)  # or from the main window
    qtbot.waitUntil(lambda: not view.isVisible())
    _open(qtbot, window)
    window.gallery.setFocus()
    qtbot.keyClick(window.gallery, Qt.Key.Key_Escape)  # Esc from anywhere in the window
    assert not view.isVisible()


def test_the_rounds_window_is_large_sharp_and_keeps_its_columns_when_comparing(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtWidgets import QToolButton

    window.resize(1400, 900)
    _open(qtbot, window)
    view = window.rounds_view
    assert view is not None
    assert view.width() >= 0.8 * window.width() and view.height() >= 0.8 * window.height()
    assert view.windowFlags() & Qt.WindowType.WindowMaximizeButtonHint
    scroll = view.split.widget(0)
    assert scroll.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    for column in view.columns:  # every column whole across the view
        assert column.geometry().right() <= scroll.viewport().width()
    side = view.thumbnail_side()
    qtbot.waitUntil(lambda: view._pictures is not None and view._pictures.done(), timeout=5_000)
    button: QToolButton = view.columns[0].buttons[0]
    drawn = button.icon().pixmap(button.iconSize()).size()
    thumb = window.gallery.thumbnail(view.columns[0].job_id, 0)
    assert thumb is not None and max(drawn.width(), drawn.height()) > thumb.width()  # not blown up
    # Ctrl+click a second variant: the pair shows below, the columns stay usable.
    qtbot.mouseClick(view.columns[0].buttons[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        view.columns[1].buttons[0], Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier
    )
    assert view.task is not None
    qtbot.waitUntil(view.task.done, timeout=5_000)
    assert view.compare.isVisible()
    assert view.thumbnail_side() >= min(side, 120)
