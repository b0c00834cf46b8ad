"""The Mask menu's one import entry, and the Mask Library keeping the mask on the canvas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from editor.ui.canvas.mask_library import ImportMaskDialog, MaskLibrary
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    open_photo,
    paint,
)

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    open_photo(qtbot, window, tmp_path)
    qtbot.waitUntil(lambda: window.sessions.session is not None, timeout=10_000)
    paint(qtbot, window, [(60, 60), (120, 90), (160, 100)])
    return window


def mask_menu(window: MainWindow) -> QMenu:
    menus = {m.title().replace("&", ""): m for m in window.menuBar().findChildren(QMenu)}
    return menus["Mask"]


def open_library(qtbot: QtBot, window: MainWindow) -> MaskLibrary:
    before = set(window.findChildren(MaskLibrary))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(set(window.findChildren(MaskLibrary)) - before), timeout=5_000)
    (library,) = set(window.findChildren(MaskLibrary)) - before
    qtbot.waitExposed(library)
    return library


def labels(library: MaskLibrary) -> list[str]:
    return [library.list.item(i).text() for i in range(library.list.count())]


def test_one_entry_imports_a_mask_file(qtbot: QtBot, window: MainWindow) -> None:
    texts = [a.text() for a in mask_menu(window).actions() if a.text()]
    assert texts.count("Import Mask…") == 1
    assert "Load Mask…" not in texts
    action = next(a for a in mask_menu(window).actions() if a.text() == "Import Mask…")
    action.trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(ImportMaskDialog)), timeout=5_000)
    dialog = window.findChildren(ImportMaskDialog)[-1]
    assert dialog.invert.text().startswith("Invert")
    dialog.reject()


def test_add_current_mask_names_it_and_reapplies_it_as_one_step(
    qtbot: QtBot, window: MainWindow
) -> None:
    doc = window.document
    assert doc is not None
    saucer = doc.edit.copy()
    assert saucer.any()
    library = open_library(qtbot, window)
    assert library.add_button.isEnabled()
    qtbot.keyClicks(library.new_name, "saucer")
    qtbot.mouseClick(library.add_button, LEFT)
    assert labels(library)[0] == "saucer"
    assert library.list.currentRow() == 0
    assert library.new_name.text() == ""
    qtbot.keyClick(library, Qt.Key.Key_Escape)
    assert not library.isVisible()

    # The painting moves on; the named mask stays in the library, also when opened anew.
    paint(qtbot, window, [(20, 20), (40, 30)])
    changed = doc.edit.copy()
    assert not np.array_equal(changed, saucer)
    library = open_library(qtbot, window)
    assert labels(library)[0] == "saucer"
    center = library.list.visualItemRect(library.list.item(0)).center()
    # A person's double-click arrives as press, release, then the double-click press.
    qtbot.mouseClick(library.list.viewport(), LEFT, pos=center)
    qtbot.mouseDClick(library.list.viewport(), LEFT, pos=center)
    assert not library.isVisible(), "double-click did not use the mask"
    assert np.array_equal(doc.edit, saucer)
    window.undo()  # one step back: the mask as painted before
    assert np.array_equal(doc.edit, changed)


def test_enter_in_the_name_adds_and_an_empty_mask_cannot(qtbot: QtBot, window: MainWindow) -> None:
    library = open_library(qtbot, window)
    qtbot.mouseClick(library.new_name, LEFT)
    qtbot.waitUntil(library.new_name.hasFocus, timeout=2_000)
    qtbot.keyClicks(library.new_name, "cup")
    qtbot.keyClick(library.new_name, Qt.Key.Key_Return)
    assert "cup" in labels(library)
    assert library.isVisible()  # Enter in the name field adds; it does not use or close
    library.reject()

    doc = window.document
    assert doc is not None
    doc.clear()
    library = open_library(qtbot, window)
    assert not library.add_button.isEnabled()
    assert "cup" in labels(library)
    library.reject()
