"""What you see is what you send: a mask edit while a result is on screen first brings the mask
back into view; a click on the margin paints nothing; the Local engine works without a prompt.
All through real mouse and key events on a shown window with the embedded engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from editor.pipeline.jobs import JobState
from editor.server import ServerThread
from editor.ui.common.services import Profile
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    job_of,
    local_profiles,
    open_photo,
    paint,
    round_mask,
    server_profile,
    settle,
)

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def profiles(local_server: ServerThread) -> list[Profile]:
    return [*local_profiles(), server_profile(local_server, "Cloud", "gpt-image-1")]


@pytest.fixture
def window(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> MainWindow:
    open_photo(qtbot, window, tmp_path)
    return window


def _generate(qtbot: QtBot, window: MainWindow, prompt: str = "fill") -> str:
    window.prompt_panel.set_prompt(prompt)
    window.prompt_panel.focus_prompt()
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    job = window.jobs.jobs[-1]
    settle(qtbot, window, job.id)
    return job.id


def _rgb(window: MainWindow, point: QPoint) -> tuple[int, int, int]:
    c = window.canvas.grab().toImage().pixelColor(point)
    return c.red(), c.green(), c.blue()


def _showing_a_result(qtbot: QtBot, window: MainWindow) -> str:
    paint(qtbot, window, [(30, 30), (60, 30)])
    job_id = _generate(qtbot, window)
    assert window.shown_variant == (job_id, 0)  # the first result shows at once
    assert window.variant_banner.isVisible()
    assert not window.canvas.overlay_visible
    return job_id


def test_a_stroke_on_a_shown_result_goes_back_to_the_mask_and_paints_in_view(
    qtbot: QtBot, window: MainWindow
) -> None:
    first = _showing_a_result(qtbot, window)
    canvas = window.canvas
    canvas.set_view_state(1.0, 120, 80)
    canvas.brush_size = 20
    spot = canvas.map_from_image(150.5, 120.5).toPoint()
    paint(qtbot, window, [(140, 120), (160, 120)])
    assert window.shown_variant is None and not window.variant_banner.isVisible()
    assert canvas.display_pixels() is None and canvas.overlay_visible
    assert window.gallery.variant_count(first) == 1  # the result is still there
    # The stroke is on screen: the tinted overlay over the image, not the bare image.
    image = window.image
    assert image is not None and window.document is not None
    assert window.document.edit[120, 150] == 255
    bare = {tuple(int(c) for c in image[y, x]) for y in (119, 120, 121) for x in (149, 150, 151)}
    assert _rgb(window, spot) not in bare
    # And what Generate sends is exactly that mask.
    seen = window.document.edit.copy()
    second = _generate(qtbot, window)
    sent = round_mask(window, second)
    assert sent is not None and np.array_equal(sent, seen)


def test_a_menu_mask_edit_on_a_shown_result_shows_the_mask_too(
    qtbot: QtBot, window: MainWindow
) -> None:
    _showing_a_result(qtbot, window)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_I, CTRL)  # Mask ▸ Invert Mask
    assert window.shown_variant is None and not window.variant_banner.isVisible()
    assert window.canvas.overlay_visible


def test_painting_with_the_overlay_hidden_shows_it_again(qtbot: QtBot, window: MainWindow) -> None:
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_H)
    assert not window.canvas.overlay_visible
    paint(qtbot, window, [(100, 80), (120, 80)])
    assert window.canvas.overlay_visible and window.actions.overlay.isChecked()


def test_a_click_on_the_margin_focuses_the_canvas_and_paints_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    canvas = window.canvas
    window.prompt_panel.focus_prompt()
    canvas.brush_size = 80
    left_edge = canvas.map_from_image(0, 80).toPoint()
    qtbot.mouseClick(canvas, LEFT, pos=left_edge - QPoint(10, 0))
    assert canvas.hasFocus()
    assert window.document is not None and window.document.is_empty()
    assert window.coverage_label.text() == "Mask 0.0 %"


def test_the_local_engine_generates_without_a_prompt(qtbot: QtBot, window: MainWindow) -> None:
    paint(qtbot, window, [(60, 60), (120, 80)])
    window.prompt_panel.set_prompt("")
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return, CTRL)
    assert window.jobs.jobs, "Generate with the Local engine and no prompt started nothing"
    job_id = window.jobs.jobs[-1].id
    settle(qtbot, window, job_id)
    assert job_of(window, job_id).state is JobState.SUCCEEDED
    assert not window.message_banner.isVisible()


def test_a_service_that_needs_a_prompt_says_so(qtbot: QtBot, window: MainWindow) -> None:
    paint(qtbot, window, [(60, 60), (120, 80)])
    window.prompt_panel.set_profile("Cloud")
    window.prompt_panel.set_model("gpt-image-1")
    window.prompt_panel.set_prompt("")
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return, CTRL)
    assert window.jobs.jobs == []
    assert "Type a prompt first" in window.message_banner.text()
    assert window.prompt_panel.prompt.hasFocus()
