"""Expand Canvas dialog: typed pixels and clicked aspect/anchor give the Expansion it emits."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QSpinBox
from pytestqt.qtbot import QtBot

from editor.core.expand import Expansion
from editor.ui.canvas.expand_dialog import ExpandCanvasDialog, preview_while_open
from editor.ui.canvas.mask_canvas import MaskCanvas

SIZE = (400, 300)


def _dialog(qtbot: QtBot) -> ExpandCanvasDialog:
    d = ExpandCanvasDialog(SIZE)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def _type(qtbot: QtBot, spin: QSpinBox, text: str) -> None:
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, text)


def test_pixels_per_side_emit_the_expansion_and_the_new_size(qtbot: QtBot) -> None:
    d = _dialog(qtbot)
    seen: list[object] = []
    d.expansion_changed.connect(seen.append)
    assert not d.ok_button.isEnabled()  # nothing to add yet
    _type(qtbot, d.spins["left"], "120")
    _type(qtbot, d.spins["bottom"], "40")
    assert seen[-1] == Expansion(left=120, bottom=40)
    assert "520 × 340" in d.result_label.text()
    assert d.ok_button.isEnabled()
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.result() == QDialog.DialogCode.Accepted
    assert d.expansion() == Expansion(left=120, bottom=40)


def test_link_sets_every_side(qtbot: QtBot) -> None:
    d = _dialog(qtbot)
    qtbot.mouseClick(d.link, Qt.MouseButton.LeftButton)
    _type(qtbot, d.spins["top"], "64")
    assert d.expansion() == Expansion(64, 64, 64, 64)
    assert "528 × 428" in d.result_label.text()


def test_aspect_with_anchor_keeps_the_image_where_clicked(qtbot: QtBot) -> None:
    d = _dialog(qtbot)
    seen: list[object] = []
    d.expansion_changed.connect(seen.append)
    qtbot.mouseClick(d.by_aspect, Qt.MouseButton.LeftButton)
    d.aspect_combo.setCurrentText("16:9")
    # 400 × 300 → 16:9 grows the width to 533: centred by default, then anchored right.
    assert seen[-1] == Expansion(left=66, right=67)
    qtbot.mouseClick(d.anchor_buttons["right"], Qt.MouseButton.LeftButton)
    assert seen[-1] == Expansion(left=133)
    d.aspect_combo.setCurrentText("9:16")
    qtbot.mouseClick(d.anchor_buttons["top-left"], Qt.MouseButton.LeftButton)
    assert d.expansion() == Expansion(bottom=411)  # 300 → 711 tall, image at the top
    assert "400 × 711" in d.result_label.text()


def test_bad_aspect_disables_ok_and_says_why(qtbot: QtBot) -> None:
    d = _dialog(qtbot)
    seen: list[object] = []
    d.expansion_changed.connect(seen.append)
    qtbot.mouseClick(d.by_aspect, Qt.MouseButton.LeftButton)
    d.aspect_combo.setCurrentText("Custom…")
    assert not d.ok_button.isEnabled() and d.message.isVisible()
    qtbot.keyClicks(d.custom_edit, "2:1")
    assert d.ok_button.isEnabled() and not d.message.isVisible()
    assert d.expansion() == Expansion(left=100, right=100)
    qtbot.keyClicks(d.custom_edit, "x")
    assert seen[-1] is None and d.expansion() is None
    assert not d.ok_button.isEnabled()
    assert "not an aspect" in d.message.text() and d.message.isVisible()
    # Already that aspect: nothing to add.
    d.custom_edit.clear()
    qtbot.keyClicks(d.custom_edit, "4:3")
    assert not d.ok_button.isEnabled() and "already" in d.message.text()


def test_too_large_a_frame_is_refused(qtbot: QtBot) -> None:
    d = _dialog(qtbot)
    _type(qtbot, d.spins["right"], "19700")
    assert not d.ok_button.isEnabled()
    assert "20000" in d.message.text() and "20100 × 300" in d.message.text()


def test_canvas_previews_the_choice_until_the_dialog_closes(qtbot: QtBot) -> None:
    canvas = MaskCanvas()
    qtbot.addWidget(canvas)
    canvas.set_image(np.zeros((300, 400, 3), np.uint8))
    d = _dialog(qtbot)
    preview_while_open(d, canvas)
    assert canvas.expansion_preview is None
    _type(qtbot, d.spins["top"], "50")
    assert canvas.expansion_preview == Expansion(top=50)
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert d.result() == QDialog.DialogCode.Rejected
    assert canvas.expansion_preview is None
