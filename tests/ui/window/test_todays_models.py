"""Today's models in the window: the Markup tool, the controls that follow the model, and the
one-click way off a shut-down model — real widgets, real events, a strict stand-in for OpenAI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from editor.pipeline.jobs import JobState
from editor.server import ServerThread
from editor.store import OPENAI_PROFILE_ID, SettingsStore
from editor.ui.common.services import Profile
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    close_window,
    generate_and_wait,
    job_of,
    local_profiles,
    logged_requests,
    open_photo,
    paint,
    server_profile,
    show_window,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
RING = [(70, 40), (170, 40), (170, 120), (70, 120), (70, 42)]  # a closed scribble


@pytest.fixture
def profiles(today_server: ServerThread) -> list[Profile]:
    return [*local_profiles(), server_profile(today_server, "Today", "gpt-image-2.6-flare")]


@pytest.fixture
def window(qtbot: QtBot, window: MainWindow, tmp_path: Path, today: ServerThread) -> MainWindow:
    open_photo(qtbot, window, tmp_path)
    window.prompt_panel.set_profile("Today")
    window.prompt_panel.set_model("gpt-image-2.6-flare")
    return window


def _reddish(window: MainWindow, x: float, y: float) -> bool:
    point = window.canvas.map_from_image(x, y).toPoint()
    c = window.canvas.grab().toImage().pixelColor(point)
    return c.red() > 180 and c.green() < 90 and c.blue() < 90


def _draw_ring(qtbot: QtBot, window: MainWindow) -> None:
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_M)
    assert window.canvas.tool == "markup"
    paint(qtbot, window, RING)


def _generate(qtbot: QtBot, window: MainWindow, prompt: str = "remove what is circled") -> str:
    window.prompt_panel.set_prompt(prompt)
    return generate_and_wait(qtbot, window)


def test_markup_draws_on_its_own_layer_undoes_and_hides(qtbot: QtBot, window: MainWindow) -> None:
    _draw_ring(qtbot, window)
    layer = window.markup
    assert layer is not None and len(layer.shapes) == 1 and layer.shapes[0].kind == "pen"
    assert window.document is not None and window.document.is_empty()  # not the mask
    assert _reddish(window, 120, 40)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert layer.empty and not _reddish(window, 120, 40)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(layer.shapes) == 1 and _reddish(window, 120, 40)
    # Shift while dragging draws an arrow; the layer hides and shows with Shift+H.
    pos = [window.canvas.map_from_image(x, y).toPoint() for x, y in ((20, 150), (60, 130))]
    qtbot.mousePress(window.canvas, LEFT, SHIFT, pos[0])
    qtbot.mouseMove(window.canvas, pos[1])
    qtbot.mouseRelease(window.canvas, LEFT, SHIFT, pos[1])
    assert [s.kind for s in layer.shapes] == ["pen", "arrow"]
    window.actions.markup_visible.trigger()
    assert not layer.visible and not _reddish(window, 120, 40)
    window.actions.markup_visible.trigger()
    assert layer.visible and _reddish(window, 120, 40)
    window.actions.clear_markup.trigger()
    assert layer.empty
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert len(layer.shapes) == 2  # Clear is one undo step
    keys = {(keys, what) for _, keys, what in window.actions.shortcuts.rows()}
    assert ("M", "Markup") in keys


def test_markup_is_sent_alone_blended_through_the_mask_and_kept_with_the_round(
    qtbot: QtBot, window: MainWindow, today: ServerThread
) -> None:
    qtbot.keyClick(window.canvas, Qt.Key.Key_B)
    paint(qtbot, window, [(90, 60), (150, 60), (150, 100), (90, 100)])  # the mask
    _draw_ring(qtbot, window)
    before = window.image.copy()
    job_id = _generate(qtbot, window)
    job = job_of(window, job_id)
    assert job.state is JobState.SUCCEEDED, job.error
    (sent,) = [e for e in logged_requests(today) if e["path"].endswith("/edits")]
    fields = sent["fields"]
    assert "mask" not in fields and fields["markup"]["mode"] == "RGBA"
    assert (fields["markup"]["width"], fields["markup"]["height"]) == (
        fields["image"]["width"],
        fields["image"]["height"],
    )
    assert window.shown_variant == (job_id, 0)
    qtbot.waitUntil(lambda: window.showing_full, timeout=10_000)
    result = window.canvas.display_pixels()
    assert result is not None
    assert np.array_equal(result[:20, :40], before[:20, :40])  # far outside the mask
    assert not np.array_equal(result[70:90, 110:130], before[70:90, 110:130])  # inside it
    # Kept with the round: cleared now, a click on the round in History brings it back.
    window.actions.clear_markup.trigger()
    assert window.markup is not None and window.markup.empty
    window.show_history()
    tree = window.history_panel.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1)
    item: QTreeWidgetItem = tree.topLevelItem(0)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), LEFT, pos=rect.center())
    task = window.history_panel.task
    assert task is not None
    qtbot.waitUntil(task.done, timeout=10_000)
    assert [s.kind for s in window.markup.shapes] == ["pen"]
    # Ctrl+J brings it back too.
    window.actions.clear_markup.trigger()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_J, CTRL)
    assert len(window.markup.shapes) == 1


def test_a_model_without_markup_says_so_before_sending(
    qtbot: QtBot, window: MainWindow, today: ServerThread
) -> None:
    window.prompt_panel.set_model("gpt-image-2")
    _draw_ring(qtbot, window)
    window.prompt_panel.set_prompt("remove it")
    window.prompt_panel.focus_prompt()
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    assert window.jobs.jobs == []
    assert "gpt-image-2 takes no markup" in window.message_banner.text()
    assert logged_requests(today) == []


def test_the_advanced_controls_follow_the_model(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.prompt_panel
    form = panel._advanced_form

    def qualities() -> list[str]:
        return [panel.quality_combo.itemData(i) for i in range(panel.quality_combo.count())]

    panel.set_model("gpt-image-2.6-flare")
    assert {"xhigh", "max"} <= set(qualities())
    assert form.isRowVisible(panel.complexity_combo)
    assert not form.isRowVisible(panel.fidelity_combo)
    panel.complexity_combo.setCurrentIndex(panel.complexity_combo.findData("low"))
    panel.quality_combo.setCurrentIndex(panel.quality_combo.findData("xhigh"))
    assert (panel.params().api.complexity, panel.params().api.quality) == ("low", "xhigh")
    panel.set_model("gpt-image-2")
    assert "xhigh" not in qualities() and not form.isRowVisible(panel.complexity_combo)
    assert panel.params().api.complexity is None  # hidden: never sent
    backgrounds = [
        panel.background_combo.itemData(i) for i in range(panel.background_combo.count())
    ]
    assert "transparent" not in backgrounds
    panel.set_model("gpt-image-1")  # a gateway may still serve it
    assert form.isRowVisible(panel.fidelity_combo)
    assert panel.model_note("gpt-image-1") == "shut down 2026-10-23"


def test_a_shut_down_model_fails_plainly_with_a_one_click_switch(
    qtbot: QtBot, window: MainWindow, today: ServerThread
) -> None:
    window.prompt_panel.set_model("gpt-image-1")
    paint(qtbot, window, [(90, 60), (150, 90)])
    job_id = _generate(qtbot, window, "a red door")
    job = job_of(window, job_id)
    assert job.state is JobState.FAILED
    assert job.error == (
        "gpt-image-1 was shut down by OpenAI on 2026-10-23; use gpt-image-2.6-flare (fast) "
        "or gpt-image-2.6-sunburst (detail)."
    )
    row = window.jobs_panel.row(job_id)
    assert row.switch_button.isVisible() and row.switch_button.text() == "Use gpt-image-2.6-flare"
    qtbot.mouseClick(row.switch_button, LEFT)
    assert window.prompt_panel.model() == "gpt-image-2.6-flare"
    second = _generate(qtbot, window, "a red door")
    assert job_of(window, second).state is JobState.SUCCEEDED


@pytest.fixture
def moved(
    qtbot: QtBot, aloop: object, tmp_path: Path
) -> Iterator[tuple[MainWindow, SettingsStore, Path]]:
    """A window started on settings whose OpenAI profile was saved with gpt-image-1."""
    config = tmp_path / "config"
    first = SettingsStore(config)
    openai = first.profiles.get(OPENAI_PROFILE_ID)
    first.profiles.update(openai.with_(default_model="gpt-image-1"))
    first.save()
    store = SettingsStore(config)
    window = show_window(qtbot, tmp_path, None, app_settings=store)  # type: ignore[arg-type]
    yield window, store, config
    close_window(qtbot, window)


def test_an_openai_profile_on_a_shut_down_model_moves_and_can_undo(
    qtbot: QtBot, moved: tuple[MainWindow, SettingsStore, Path]
) -> None:
    window, store, config = moved
    assert store.profiles.get(OPENAI_PROFILE_ID).default_model == "gpt-image-2.6-flare"
    banner = window.message_banner
    assert banner.isVisible()
    assert banner.text() == (
        "gpt-image-1 was shut down by OpenAI on 2026-10-23, so “OpenAI” now uses "
        "gpt-image-2.6-flare."
    )
    assert SettingsStore(config).model_moves == []  # said once: the move was saved
    qtbot.mouseClick(banner.action_button, LEFT, pos=QPoint(5, 5))
    assert not banner.isVisible()
    assert store.profiles.get(OPENAI_PROFILE_ID).default_model == "gpt-image-1"
    again = SettingsStore(config)
    assert again.model_moves == []  # the undo sticks
    assert again.profiles.get(OPENAI_PROFILE_ID).default_model == "gpt-image-1"
    names = [p.default_model for p in window.prompt_panel.profiles() if p.name == "OpenAI"]
    assert names == ["gpt-image-1"]


def test_the_local_engine_fills_what_the_marks_enclose(
    qtbot: QtBot, window: MainWindow, today: ServerThread
) -> None:
    window.prompt_panel.set_profile("Local engine")
    window.prompt_panel.set_model("telea")
    _draw_ring(qtbot, window)
    before = window.image.copy()
    job_id = _generate(qtbot, window, "")
    job = job_of(window, job_id)
    assert job.state is JobState.SUCCEEDED, job.error
    qtbot.waitUntil(lambda: window.showing_full, timeout=10_000)
    result = window.canvas.display_pixels()
    assert result is not None
    inside = np.any(result[60:100, 95:145] != before[60:100, 95:145], axis=-1)
    assert inside.mean() > 0.5  # filled from the surroundings
    assert np.array_equal(result[:20, :40], before[:20, :40])
    assert logged_requests(today) == []  # nothing left the computer
