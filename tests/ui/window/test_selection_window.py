"""Selection tools in the whole window: Ctrl+Z, Esc over a shape, Mask ▸ Mask from Transparency."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    H,
    W,
    menu_action,
    open_image,
    open_photo,
    write_image,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def lasso_square(qtbot: QtBot, window: MainWindow) -> None:
    canvas = window.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_L)
    for x, y in ((40, 40), (120, 40), (120, 100), (40, 100)):
        qtbot.mouseClick(canvas, LEFT, pos=canvas.map_from_image(x, y).toPoint())


def test_a_lasso_is_one_ctrl_z_and_esc_cancels_the_shape_not_the_view(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_photo(qtbot, window, tmp_path)
    doc = window.document
    assert doc is not None
    assert "L" in [keys for _, keys, _ in window.actions.shortcuts.rows()]
    lasso_square(qtbot, window)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)  # the canvas takes Esc from the window
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert doc.is_empty()
    lasso_square(qtbot, window)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not doc.is_empty(), timeout=10_000)
    assert doc.edit[70, 80] == 255 and doc.edit[20, 20] == 0
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert doc.is_empty()


def test_mask_from_transparency_and_a_plain_message_without_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    opaque = tmp_path / "opaque.png"
    write_image(opaque)
    open_image(qtbot, window, opaque)
    doc = window.document
    assert doc is not None
    doc.fill_rect(0, 0, 10, 10)
    before = doc.edit.copy()
    menu_action(window, "Mask from Transparency").trigger()
    assert "no transparen" in window.message_banner.text()
    np.testing.assert_array_equal(doc.edit, before)

    rgba = np.full((H, W, 4), 200, np.uint8)
    rgba[:, :, 3] = 255
    rgba[20:60, 30:90, 3] = 0  # a cut-out hole
    rgba[20:60, 90, 3] = 128  # with a soft edge
    cut_out = tmp_path / "cut.png"
    Image.fromarray(rgba).save(cut_out)
    open_image(qtbot, window, cut_out)
    doc = window.document
    assert doc is not None
    doc.fill_rect(0, 100, 10, 110)
    menu_action(window, "Mask from Transparency").trigger()
    expected = np.zeros((H, W), np.uint8)
    expected[20:60, 30:90] = 255
    expected[20:60, 90] = 127
    np.testing.assert_array_equal(doc.edit, expected)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert doc.edit[105, 5] == 255 and doc.edit[30, 40] == 0
