"""A prompt matrix in the window: {a|b} in the prompt box sends every prompt, the round shows
as a grid with a labelled row per prompt, and a big matrix asks before it is sent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from editor.core.contact_sheet import SheetCell, render_sheet
from editor.ui.settings.prefs import UiPrefs
from editor.ui.window.contact_sheet import sheet_cells
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    generate_and_wait,
    job_of,
    menu_action,
    open_photo,
    paint,
    settle,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def _type_prompt(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.prompt_panel.prompt.clear()
    window.prompt_panel.focus_prompt()
    qtbot.keyClicks(window.prompt_panel.prompt, text)


def _ready(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    open_photo(qtbot, window, tmp_path)
    paint(qtbot, window, [(40, 40), (150, 110)])


def test_matrix_round_is_a_grid_whose_row_label_restores_its_prompt(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _ready(qtbot, window, tmp_path)
    window.prompt_panel.n_spin.setValue(2)
    _type_prompt(qtbot, window, "a {red|blue} {velvet|leather} chair")
    count = window.prompt_panel.matrix.count.text()
    assert count.startswith("4 prompts × 2 = 8 images") and "free (local)" in count
    assert window.prompt_panel.matrix.isVisible()
    job_id = generate_and_wait(qtbot, window)
    job = job_of(window, job_id)
    assert job.params.prompts == (
        "a red velvet chair",
        "a red leather chair",
        "a blue velvet chair",
        "a blue leather chair",
    )
    # One round, in History too: 4 rows × 2 columns, labelled with the words that differ.
    assert window.gallery.job_ids() == [job_id]
    assert window.gallery.row_labels(job_id) == [
        "red velvet",
        "red leather",
        "blue velvet",
        "blue leather",
    ]
    assert window.gallery.variant_indices(job_id) == list(range(8))
    section = window.gallery._sections[job_id]
    for row, layout in enumerate(section.rows):
        tiles = [layout.itemAt(i).widget() for i in range(layout.count())]
        assert [t.index for t in tiles] == [2 * row, 2 * row + 1]
    # A tile of row 3 is shown like any variant, and says which prompt made it.
    tile = section.tile(5)
    assert tile is not None and tile.toolTip().startswith("a blue velvet chair")
    qtbot.mouseClick(tile, LEFT)
    assert window.shown_variant == (job_id, 5)
    # Clicking a row label puts that prompt in the box: one prompt again.
    qtbot.mouseClick(section.row_labels[1], LEFT)
    assert window.prompt_panel.prompt.toPlainText() == "a red leather chair"
    assert window.prompt_panel.matrix.count.text() == ""
    assert not window.prompt_panel.matrix.isVisible()  # one prompt: the line takes no room


def test_one_prompt_per_line(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    _ready(qtbot, window, tmp_path)
    window.prompt_panel.matrix.per_line.setChecked(True)
    window.prompt_panel.set_prompt("a door\na window\n\na {cat|dog}")
    assert window.prompt_panel.matrix.count.text().startswith("4 prompts × 1 = 4 images")
    job = job_of(window, generate_and_wait(qtbot, window))
    assert job.params.prompts == ("a door", "a window", "a cat", "a dog")
    assert window.gallery.row_labels(job.id) == ["door", "window", "cat", "dog"]


def test_past_the_threshold_generate_asks_first(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _ready(qtbot, window, tmp_path)
    UiPrefs(window.settings).confirm_images_over = 3
    window.prompt_panel.n_spin.setValue(2)
    _type_prompt(qtbot, window, "a {red|blue} cube")  # 4 images > 3
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    box = window.binding.confirm
    assert box is not None and box.isVisible() and window.jobs.jobs == []
    assert "4 images" in box.text() and "Settings ▸ Preferences" in box.text()
    # Don't Send: nothing goes out, the prompt stays.
    dont = next(b for b in box.buttons() if b.text() == "Don't Send")
    qtbot.mouseClick(dont, LEFT)
    qtbot.waitUntil(lambda: window.binding.confirm is None)
    assert window.jobs.jobs == []
    assert window.prompt_panel.prompt.toPlainText() == "a {red|blue} cube"
    # Again, and send.
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    box = window.binding.confirm
    assert box is not None
    send = next(b for b in box.buttons() if b.text() == "Send 4 Images")
    qtbot.mouseClick(send, LEFT)
    assert window.binding.confirm is None
    (first,) = window.jobs.jobs
    assert first.params.prompts == ("a red cube", "a blue cube")
    settle(qtbot, window, first.id)
    # Under the threshold, no question.
    UiPrefs(window.settings).confirm_images_over = 12
    second = generate_and_wait(qtbot, window)
    assert window.binding.confirm is None and second != first.id


def test_a_matrix_too_big_is_refused_with_the_count(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _ready(qtbot, window, tmp_path)
    _type_prompt(qtbot, window, "{a|b|c|d} {a|b|c|d} {a|b|c|d} {a|b}")
    assert "128 prompts" in window.prompt_panel.matrix.count.text()
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    assert window.jobs.jobs == []
    assert "128 prompts" in window.message_banner.text()


def test_contact_sheet_has_a_labelled_cell_per_tile(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    _ready(qtbot, window, tmp_path)
    window.prompt_panel.n_spin.setValue(2)
    _type_prompt(qtbot, window, "a {red|blue} {velvet|leather} chair")
    job_id = generate_and_wait(qtbot, window)
    number = window.results.number(job_id)
    menu_action(window, "Export Contact Sheet…").trigger()
    dialog = window.contact_sheet
    assert dialog is not None and dialog.isVisible()
    assert dialog.scope.currentText() == f"Round {number} (8 results)"
    rounds = dialog.scope.currentData()
    cells = sheet_cells(window, rounds)
    assert [lines[0] for _, lines in cells] == [
        "red velvet", "red velvet", "red leather", "red leather",
        "blue velvet", "blue velvet", "blue leather", "blue leather",
    ]  # fmt: skip
    assert cells[3][1][1] == f"Round {number} · variant 4"
    assert cells[0][1][2] == f"{job_of(window, job_id).params.api.model} · free (local)"
    out = tmp_path / "sheet.png"
    dialog.path.setText(str(out))
    dialog.thumb.setValue(128)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), LEFT)
    task = dialog.task
    assert task is not None
    qtbot.waitUntil(task.done, timeout=20_000)
    assert task.result() is True
    sheet = np.asarray(Image.open(out).convert("L"))
    # 8 cells in a column per variant: the same page as rendering those labels at that size.
    expected = render_sheet(
        [SheetCell(np.zeros((8, 8, 3), np.uint8), lines) for _, lines in cells],
        thumb=128,
        columns=2,
        title="x",
    )
    assert sheet.shape == (expected.height, expected.width)
    # Every cell has a picture and ink under it.
    gap = 12
    cell_h = (sheet.shape[0] - gap - (11 * 2 + gap)) // 4
    for i in range(8):
        x = gap + (i % 2) * (128 + gap)
        y = gap + 11 * 2 + gap + (i // 2) * cell_h
        picture = sheet[y + 10 : y + 118, x + 10 : x + 118]
        label = sheet[y + 130 : y + cell_h - gap, x : x + 128]
        assert picture.std() > 0 or picture.mean() < 240, f"cell {i} has no picture"
        assert (label < 120).any(), f"cell {i} has no label"
