"""Help ▸ Keyboard Shortcuts: fits the screen, scrolls, filters; Esc clears, then closes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from editor.ui.window.shortcuts_dialog import ShortcutsDialog


def open_sheet(qtbot: QtBot, window: MainWindow) -> ShortcutsDialog:
    """F1, as a person would press it."""
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: bool(_shown(window)), timeout=5_000)
    return _shown(window)[0]


def _shown(window: MainWindow) -> list[ShortcutsDialog]:
    return [d for d in window.findChildren(ShortcutsDialog) if d.isVisible()]


def test_the_sheet_fits_the_screen_and_scrolls(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_sheet(qtbot, window)
    free = dialog.screen().availableGeometry()
    assert free.height() < 1000  # the test screen is smaller than the list is long
    frame = dialog.frameGeometry()
    assert frame.height() <= free.height() and frame.width() <= free.width()
    assert dialog.tree.verticalScrollBar().maximum() > 0, "the rows do not all fit: it scrolls"
    # The last row can be reached and the Close button is inside the dialog.
    tree = dialog.tree
    last_head = tree.topLevelItem(tree.topLevelItemCount() - 1)
    last = last_head.child(last_head.childCount() - 1)
    tree.scrollToItem(last)
    assert tree.viewport().rect().contains(tree.visualItemRect(last).center())
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    assert close.isVisible()
    assert dialog.rect().contains(close.geometry().translated(close.parentWidget().pos()))
    assert ("Ctrl+Z", "Undo") in dialog.visible_rows()
    assert any(keys == "hold \\" for keys, _ in dialog.visible_rows())


def test_typing_filters_by_key_or_action(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_sheet(qtbot, window)
    everything = dialog.visible_rows()
    qtbot.waitUntil(dialog.filter.hasFocus, timeout=2_000)  # typing goes straight to the filter
    qtbot.keyClicks(dialog.filter, "undo")
    rows = dialog.visible_rows()
    assert ("Ctrl+Z", "Undo") in rows
    assert 0 < len(rows) < len(everything)
    assert all("undo" in f"{k} {w}".lower() for k, w in rows)

    dialog.filter.clear()
    qtbot.keyClicks(dialog.filter, "ctrl+shift")
    rows = dialog.visible_rows()
    assert rows and all("ctrl+shift" in k.lower() for k, _ in rows)

    qtbot.keyClicks(dialog.filter, "xyzzy")
    assert dialog.visible_rows() == []
    assert dialog.none.isVisible()


def test_esc_clears_the_filter_first_then_closes(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_sheet(qtbot, window)
    everything = dialog.visible_rows()
    qtbot.keyClicks(dialog.filter, "mask")
    assert len(dialog.visible_rows()) < len(everything)
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.filter.text() == ""
    assert dialog.visible_rows() == everything
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
