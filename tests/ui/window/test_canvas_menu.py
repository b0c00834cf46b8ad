"""Right-click on the canvas: Generate, Clear / Invert Mask, Use as Base (while a variant shows)
and Copy, each chosen with a real click in the menu."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    local_profiles,
    open_photo,
    paint,
    settle,
    show_window,
)

RIGHT = Qt.MouseButton.RightButton


@pytest.fixture
def window(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    open_photo(qtbot, window, tmp_path)
    return window


def _open_menu(qtbot: QtBot, window: MainWindow) -> QMenu:
    canvas = window.canvas
    at = canvas.map_from_image(100, 80).toPoint()
    qtbot.mouseClick(canvas, RIGHT, pos=at)
    # The window system follows a right press with this event; QTest's click does not.
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, canvas.mapToGlobal(at))
    QApplication.sendEvent(canvas, event)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    return menu


def _entries(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def _choose(qtbot: QtBot, menu: QMenu, text: str) -> None:
    found = [a for a in menu.actions() if a.text() == text]
    assert found, f"{text!r} not in {_entries(menu)}"
    action: QAction = found[0]
    assert action.isEnabled()
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible())


def test_right_click_offers_the_mask_commands_and_they_work(
    qtbot: QtBot, window: MainWindow
) -> None:
    doc = window.document
    assert doc is not None
    paint(qtbot, window, [(60, 60), (120, 80)])
    painted = doc.edit.copy()
    menu = _open_menu(qtbot, window)
    assert _entries(menu) == ["Generate", "Clear Mask", "Invert Mask", "Copy Image"]
    assert doc.edit.tolist() == painted.tolist()  # the right-click painted nothing
    _choose(qtbot, menu, "Invert Mask")
    np.testing.assert_array_equal(doc.edit, 255 - painted)
    _choose(qtbot, _open_menu(qtbot, window), "Clear Mask")
    assert doc.is_empty()


def test_right_click_generates_and_offers_use_as_base_on_a_shown_variant(
    qtbot: QtBot, window: MainWindow
) -> None:
    paint(qtbot, window, [(60, 60), (120, 80)])
    window.prompt_panel.set_prompt("fill")
    _choose(qtbot, _open_menu(qtbot, window), "Generate")
    assert window.jobs.jobs
    job_id = window.jobs.jobs[-1].id
    settle(qtbot, window, job_id)
    assert window.shown_variant == (job_id, 0)
    menu = _open_menu(qtbot, window)
    assert "Use Variant as Base" in _entries(menu)
    variant = window.frame(job_id, 0)
    _choose(qtbot, menu, "Use Variant as Base")
    assert window.image is not None and np.array_equal(window.image, variant)
    _choose(qtbot, _open_menu(qtbot, window), "Copy Image")
    copied = QApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (variant.shape[1], variant.shape[0])


def test_right_click_on_an_empty_window_opens_no_menu(qtbot: QtBot, tmp_path: Path) -> None:
    w = show_window(qtbot, tmp_path, local_profiles())
    at = QPoint(10, 10)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, w.canvas.mapToGlobal(at))
    QApplication.sendEvent(w.canvas, event)
    assert w.canvas_menu is None
