"""History, gallery, jobs and the banner number rounds alike, and a click in History shows
what it says."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from editor.ui.gallery.tile import ElidedLabel
from editor.ui.window.main_window import MainWindow
from tests.ui import session_helpers
from tests.ui.session_helpers import generate, open_image
from tests.ui.window_helpers import paint

local_window = session_helpers.local_window


def _items(window: MainWindow) -> list[QTreeWidgetItem]:
    tree = window.history_panel.tree
    out: list[QTreeWidgetItem] = []
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop(0)
        if item is not None:
            out.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
    return out


def test_a_click_on_a_round_in_history_and_the_banner_agree(
    qtbot: QtBot,
    local_window: MainWindow,
    tmp_path: Path,
    image_path: Path,
) -> None:
    w = local_window
    open_image(qtbot, w, image_path)
    paint(qtbot, w, [(60, 60), (140, 90)])
    for prompt in ("first idea", "second idea"):
        w.prompt_panel.set_prompt(prompt)
        generate(qtbot, w)
    second = w.gallery.job_ids()[0]
    w.show_variant(second, 0)
    assert w.variant_banner.text().startswith("Round 2 · variant 1")
    w.show_history()
    qtbot.waitUntil(lambda: len(_items(w)) == 2)
    titles = {item.text(0).splitlines()[0]: item for item in _items(w)}
    assert titles["first idea"].text(0).splitlines()[1].startswith("Round 1 ·")
    assert titles["second idea"].text(0).splitlines()[1].startswith("Round 2 ·")
    headers = [label.full_text() for label in w.gallery.findChildren(ElidedLabel)]
    assert "Round 2 · “second idea”" in headers and "Round 1 · “first idea”" in headers
    assert w.jobs_panel.row(second).title.text() == "Round 2 · “second idea”"

    panel = w.history_panel
    rect = panel.tree.visualItemRect(titles["first idea"])
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.task is not None
    qtbot.waitUntil(panel.task.done, timeout=10_000)
    assert panel.task.result() is True
    # The canvas shows round 1's image and mask, not a variant of round 2 under its banner.
    assert w.shown_variant is None and not w.variant_banner.isVisible()
    assert w.statusBar().currentMessage().startswith("Back at Round 1:")
