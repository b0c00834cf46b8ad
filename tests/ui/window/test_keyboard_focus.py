"""Where the keyboard goes: tool keys act unless a text field has it, the window starts on the
canvas, Esc leaves the prompt, Generate hands the keyboard back; Photoshop's Ctrl+D / Ctrl+Shift+D
clear and bring back the mask. Real key events, always sent to the widget that has the focus."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    local_profiles,
    open_image,
    paint,
    settle,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
K = Qt.Key
NO_MODS = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def window(qtbot: QtBot, window: MainWindow, image_path: Path) -> MainWindow:
    open_image(qtbot, window, image_path)
    return window


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard"
    return widget


def _press(qtbot: QtBot, key: Qt.Key, mods: Qt.KeyboardModifier = NO_MODS) -> None:
    """A key as a person presses it: to whatever has the focus."""
    qtbot.keyClick(_focused(), key, mods)


def test_the_window_starts_with_the_keyboard_on_the_canvas(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path, image_path: Path
) -> None:
    # As at start with an image named on the command line: shown, the image opens, then the
    # window is first activated. (Offscreen activation is immediate; under X the first
    # activation used to land in the prompt, the first field of the tab order.)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(profiles=local_profiles(), settings=settings)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    open_image(qtbot, w, image_path)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    assert _focused() is w.canvas
    _press(qtbot, K.Key_E)
    assert w.canvas.tool == "eraser"
    _press(qtbot, K.Key_B)
    assert w.canvas.tool == "brush"
    assert w.prompt_panel.prompt.toPlainText() == ""


def test_b_and_e_switch_tools_without_a_click_and_the_prompt_stays_empty(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert _focused() is window.canvas
    _press(qtbot, K.Key_E)
    assert window.canvas.tool == "eraser"
    _press(qtbot, K.Key_B)
    assert window.canvas.tool == "brush"
    assert window.prompt_panel.prompt.toPlainText() == ""


def test_tool_keys_act_from_buttons_and_lists_but_type_in_text_fields(
    qtbot: QtBot, window: MainWindow
) -> None:
    canvas, panel = window.canvas, window.prompt_panel
    panel.profile_combo.setFocus()  # a plain drop-down: no typing there
    _press(qtbot, K.Key_R)
    assert canvas.tool == "rect" and panel.profile_combo.currentText() == "Local engine"
    size = canvas.brush_size
    panel.generate_button.setFocus()
    _press(qtbot, K.Key_BracketRight)
    assert canvas.brush_size > size
    canvas.fit()
    fitted = canvas.zoom
    canvas.set_view_state(8.0, 100, 80)
    window.gallery.setFocus()
    _press(qtbot, K.Key_F)
    assert canvas.zoom == pytest.approx(fitted)
    # Text fields keep their letters.
    panel.model_combo.setFocus()  # editable: a model name is typed here
    panel.model_combo.lineEdit().selectAll()
    qtbot.keyClicks(_focused(), "bert")
    assert panel.model_combo.currentText() == "bert" and canvas.tool == "rect"
    panel.focus_prompt()
    qtbot.keyClicks(_focused(), "erase the bread [1]")
    assert panel.prompt.toPlainText() == "erase the bread [1]"
    assert canvas.tool == "rect" and canvas.zoom == pytest.approx(fitted)  # "1" typed, no 100 %


def test_esc_in_the_prompt_hands_the_keyboard_to_the_canvas(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.prompt_panel.focus_prompt()
    qtbot.keyClicks(_focused(), "sky")
    _press(qtbot, K.Key_Escape)
    assert _focused() is window.canvas
    assert window.prompt_panel.prompt.toPlainText() == "sky"
    _press(qtbot, K.Key_E)
    assert window.canvas.tool == "eraser" and window.prompt_panel.prompt.toPlainText() == "sky"


def test_after_ctrl_enter_the_canvas_has_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    paint(qtbot, window, [(60, 60), (120, 80)])
    window.prompt_panel.focus_prompt()
    qtbot.keyClicks(_focused(), "remove it")
    _press(qtbot, K.Key_Return, CTRL)
    assert window.jobs.jobs and _focused() is window.canvas
    settle(qtbot, window, window.jobs.jobs[-1].id)
    _press(qtbot, K.Key_E)
    assert window.canvas.tool == "eraser"
    assert window.prompt_panel.prompt.toPlainText() == "remove it"


def test_ctrl_d_clears_the_mask_and_ctrl_shift_d_brings_it_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    doc = window.document
    assert doc is not None
    paint(qtbot, window, [(60, 60), (120, 80)])
    painted = doc.edit.copy()
    _press(qtbot, K.Key_D, CTRL)
    assert doc.is_empty()
    paint(qtbot, window, [(200, 140)])  # other work in between, as Photoshop allows
    _press(qtbot, K.Key_D, CTRL | SHIFT)
    np.testing.assert_array_equal(doc.edit, painted)
    _press(qtbot, K.Key_Z, CTRL)  # one undoable step
    assert doc.edit[140, 200] == 255 and doc.edit[60, 60] == 0


def test_reselect_with_nothing_cleared_says_so(qtbot: QtBot, window: MainWindow) -> None:
    _press(qtbot, K.Key_D, CTRL | SHIFT)
    assert window.document is not None and window.document.is_empty()
    assert "No cleared mask" in window.statusBar().currentMessage()


def test_the_help_sheet_lists_the_moved_keys(window: MainWindow) -> None:
    rows = {(keys, what) for _, keys, what in window.actions.shortcuts.rows()}
    assert ("Ctrl+J", "Duplicate Round for A/B") in rows
    assert ("Ctrl+Shift+D", "Reselect Cleared Mask") in rows
    assert any(keys.startswith("Ctrl+D") and what == "Clear Mask" for keys, what in rows)


def test_compare_keeps_its_own_keys(qtbot: QtBot, window: MainWindow) -> None:
    canvas = window.canvas
    canvas.set_view_state(8.0, 100, 80)
    _press(qtbot, K.Key_C)
    assert window.stack.currentWidget() is window.compare
    _press(qtbot, K.Key_1)  # Compare's own 100 %, not the hidden canvas's
    assert canvas.zoom == pytest.approx(8.0)
    assert window.compare.view_state()[0] == pytest.approx(1.0)
