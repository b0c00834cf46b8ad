"""What the window shows is what a designer expects: Esc steps back one view from any focus,
messages come at once and go with their cause, the banner names what the canvas shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from editor.ui.gallery.tile import ElidedLabel, ThumbTile
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    generate_and_wait,
    one_round,
    open_image,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def _focused(qtbot: QtBot, widget: object) -> None:
    widget.setFocus()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


@pytest.mark.parametrize("where", ["gallery", "prompt", "compare"])
def test_one_esc_leaves_compare_to_the_variant_from_any_focus(
    qtbot: QtBot, window: MainWindow, image_path: Path, where: str
) -> None:
    job_id = one_round(qtbot, window, image_path)
    gallery = window.gallery
    tile = next(t for t in gallery.findChildren(ThumbTile) if t.job_id == job_id)
    qtbot.mouseDClick(tile, LEFT)  # double-click: the variant, compared
    assert window.stack.currentWidget() is window.compare
    assert window.shown_variant == (job_id, 0)
    focus = {
        "gallery": gallery,
        "prompt": window.prompt_panel.prompt,
        "compare": window.compare,
    }[where]
    _focused(qtbot, focus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    # Back on the canvas, which still shows the variant that was being compared.
    assert window.stack.currentWidget() is not window.compare
    assert window.canvas.isVisible()
    assert window.shown_variant == (job_id, 0) and window.variant_banner.isVisible()
    # A second Esc goes back to the original.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.shown_variant is None and not window.variant_banner.isVisible()


def test_compare_opens_with_both_halves_fitted(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    job_id = one_round(qtbot, window, image_path)
    window.show_variant(job_id, 0)
    window.canvas.set_zoom(2.0)  # zoomed in on the canvas
    _focused(qtbot, window.canvas)
    qtbot.keyClick(window.canvas, Qt.Key.Key_C)
    assert window.stack.currentWidget() is window.compare
    for view in (window.compare.left_view, window.compare.right_view):
        zoom = view.view_state()[0]
        # The whole picture is inside each half.
        assert zoom * 240 <= view.width() + 1 and zoom * 160 <= view.height() + 1
    assert (
        window.compare.toolbar.zoom_label.text() == f"{window.compare.view_state()[0] * 100:.0f} %"
    )
    qtbot.keyClick(window.compare, Qt.Key.Key_C)
    assert window.canvas.view_state()[0] == pytest.approx(2.0)  # the canvas kept its place


def test_generate_without_an_image_says_so_at_once_and_opening_one_clears_it(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    banner = window.message_banner
    window.prompt_panel.set_prompt("remove the spoon")
    _focused(qtbot, window.prompt_panel.prompt)
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    assert banner.isVisible() and "Open an image first" in banner.text()
    # Also from the menu's key with the focus elsewhere.
    qtbot.mouseClick(banner.close_button, LEFT)
    assert not banner.isVisible()
    _focused(qtbot, window.gallery)
    qtbot.keyClick(window.gallery, Qt.Key.Key_Return, CTRL)
    assert banner.isVisible() and "Open an image first" in banner.text()
    open_image(qtbot, window, image_path)
    assert window.canvas.isVisible()
    assert not banner.isVisible()


def test_a_message_with_another_cause_stays_after_opening(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    window.show_message("The service is down.")
    open_image(qtbot, window, image_path)
    assert window.message_banner.isVisible()


def test_the_banner_names_the_round_and_variant_and_the_peek(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    first = one_round(qtbot, window, image_path)
    window.prompt_panel.n_spin.setValue(2)
    second = generate_and_wait(qtbot, window)
    assert window.results.number(first) == 1 and window.results.number(second) == 2
    window.gallery.variant_selected.emit(second, 1)  # what a click on the tile sends
    banner = window.variant_banner
    assert banner.text().startswith("Round 2 · variant 2 of 2")
    _focused(qtbot, window.canvas)
    qtbot.keyPress(window.canvas, Qt.Key.Key_Backslash)
    assert banner.text().startswith("Original (peek)")
    qtbot.keyRelease(window.canvas, Qt.Key.Key_Backslash)
    assert banner.text().startswith("Round 2 · variant 2 of 2")
    # The gallery header and the jobs row use the same numbering.
    headers = [label.full_text() for label in window.gallery.findChildren(ElidedLabel)]
    assert any(h.startswith("Round 2 · “fill”") for h in headers), headers
    assert any(h.startswith("Round 1 · “fill”") for h in headers), headers
    assert window.jobs_panel.row(second).title.text().startswith("Round 2 ·")
    window.gallery.variant_selected.emit(first, 0)
    assert banner.text().startswith("Round 1 · variant 1")


def _generate(qtbot: QtBot, window: MainWindow) -> str:
    window.prompt_panel.focus_prompt()
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    return window.jobs.jobs[-1].id


def test_a_new_result_replaces_the_variant_shown_when_generate_was_pressed(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    first = one_round(qtbot, window, image_path)
    assert window.shown_variant == (first, 0)  # the first result showed itself
    second = _generate(qtbot, window)
    qtbot.waitUntil(lambda: second in window.binding.settled, timeout=20_000)
    assert window.shown_variant == (second, 0)
    assert window.variant_banner.text().startswith("Round 2 · variant 1")


def test_a_variant_picked_after_generate_stays_when_the_result_lands(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    window.prompt_panel.n_spin.setValue(2)
    first = one_round(qtbot, window, image_path)
    second = _generate(qtbot, window)
    # Picked while the job runs (its result reaches the window only through the event loop).
    tile = next(
        t for t in window.gallery.findChildren(ThumbTile) if (t.job_id, t.index) == (first, 1)
    )
    qtbot.mouseClick(tile, LEFT)
    assert window.shown_variant == (first, 1)
    qtbot.waitUntil(lambda: second in window.binding.settled, timeout=20_000)
    assert window.shown_variant == (first, 1)
    assert window.variant_banner.text().startswith("Round 1 · variant 2 of 2")
