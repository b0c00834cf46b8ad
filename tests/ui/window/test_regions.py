"""Several regions in one round: each painted in its own colour with its own prompt, sent
each at its own crop, combined into every variant; they may not overlap; History brings them
back; one undo timeline covers them all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    generate_and_wait,
    job_of,
    open_photo,
    paint,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LEFT_SPOT = [(30, 40), (60, 60)]  # image points: a stroke on the left
RIGHT_SPOT = [(180, 100), (210, 120)]  # and one on the right, far from it


def _two_regions(qtbot: QtBot, window: MainWindow, second: list[tuple[float, float]]) -> None:
    panel = window.prompt_panel.regions
    paint(qtbot, window, LEFT_SPOT)
    qtbot.mouseClick(panel.add, LEFT)
    assert [panel.list.item(i).text() for i in range(panel.list.count())] == [
        "Region 1",
        "Region 2",
    ]
    assert (
        panel.list.currentRow() == 1
        and window.document is window.workspace.regions.items[1].document
    )
    paint(qtbot, window, second)


def _set_prompt(qtbot: QtBot, window: MainWindow, row: int, text: str) -> None:
    panel = window.prompt_panel.regions
    panel.list.setCurrentRow(row)
    panel.prompt.clear()
    qtbot.keyClicks(panel.prompt, text)
    qtbot.keyClick(panel.prompt, Qt.Key.Key_Return)


def test_a_two_region_round_changes_both_and_nothing_else(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_photo(qtbot, window, tmp_path)
    original = window.image.copy()
    _two_regions(qtbot, window, RIGHT_SPOT)
    regions = window.workspace.regions.items
    left, right = regions[0].document.edit > 0, regions[1].document.edit > 0
    assert left.any() and right.any() and not (left & right).any()
    assert regions[0].color != regions[1].color
    _set_prompt(qtbot, window, 0, "a red cube")
    _set_prompt(qtbot, window, 1, "a green plant")
    window.prompt_panel.n_spin.setValue(2)
    window.prompt_panel.set_prompt("")
    job_id = generate_and_wait(qtbot, window)
    job = job_of(window, job_id)
    assert [r.prompt for r in job.input.regions] == ["a red cube", "a green plant"]
    assert window.gallery.job_ids() == [job_id]  # one round
    variants = window.variants(job_id)
    assert len(variants) == 2
    far = np.ones(left.shape, bool)
    far[10:90, 10:90] = False
    far[80:140, 160:230] = False
    for v in variants:
        pixels = window.results.load_frame(v)
        changed = np.any(pixels != original, axis=-1)
        assert changed[left].mean() > 0.3 and changed[right].mean() > 0.3
        assert not changed[far].any(), "pixels outside the regions changed"


def test_overlapping_regions_are_refused_with_a_plain_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_photo(qtbot, window, tmp_path)
    _two_regions(qtbot, window, [(40, 50), (70, 70)])  # over Region 1's stroke
    window.prompt_panel.set_prompt("fill")
    window.prompt_panel.focus_prompt()
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    assert window.jobs.jobs == []
    text = window.message_banner.text()
    assert "Region 1 and Region 2 overlap" in text and "may not overlap" in text


def test_history_brings_the_round_back_with_its_regions(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_photo(qtbot, window, tmp_path)
    _two_regions(qtbot, window, RIGHT_SPOT)
    _set_prompt(qtbot, window, 1, "a green plant")
    masks = [r.document.edit.copy() for r in window.workspace.regions.items]
    window.prompt_panel.set_prompt("a red cube")
    job_id = generate_and_wait(qtbot, window)
    round_id = window.results.round(job_id).round_id
    assert round_id is not None
    qtbot.waitUntil(lambda: any(r.id == round_id for r in window.sessions.rounds()))
    # Back to one mask, cleared.
    qtbot.mouseClick(window.prompt_panel.regions.remove, LEFT)
    assert not window.workspace.regions
    window.document.clear()
    task = window.history_panel.restore(round_id)
    assert task is not None
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    regions = window.workspace.regions.items
    assert [(r.name, r.prompt) for r in regions] == [
        ("Region 1", ""),
        ("Region 2", "a green plant"),
    ]
    for region, mask in zip(regions, masks, strict=True):
        assert np.array_equal(region.document.edit, mask)
    panel = window.prompt_panel.regions
    assert panel.list.count() == 2 and panel.list.isVisible()


def test_one_undo_timeline_covers_every_region(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_photo(qtbot, window, tmp_path)
    _two_regions(qtbot, window, RIGHT_SPOT)
    first, second = (r.document for r in window.workspace.regions.items)
    window.prompt_panel.regions.list.setCurrentRow(0)
    assert window.document is first
    window.canvas.setFocus()
    # The newest step was Region 2's: undo shows Region 2 and takes its stroke back.
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert window.document is second and not second.edit.any()
    assert window.prompt_panel.regions.list.currentRow() == 1
    # Then Region 1's stroke.
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert window.document is first and not first.edit.any()
    # Redo brings both back, in order.
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    assert first.edit.any() and second.edit.any() and window.document is second
