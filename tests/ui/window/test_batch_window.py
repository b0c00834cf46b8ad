"""File ▸ Batch…: the current mask and prompt over a folder, in a process of its own, with
progress, while the canvas still takes strokes; it ends with the results listed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from pytestqt.qtbot import QtBot

from editor.ui.window.batch import BatchDialog
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import LEFT, menu_action, open_photo, paint, write_image


def _shoot(qtbot: QtBot, window: MainWindow, tmp_path: Path, shots: int) -> Path:
    """A photo with a painted mask and the prompt "fill"; a folder of ``shots`` images."""
    open_photo(qtbot, window, tmp_path)
    paint(qtbot, window, [(40, 40), (120, 90)])
    window.prompt_panel.set_prompt("fill")
    images = tmp_path / "shoot"
    images.mkdir()
    for i in range(shots):
        write_image(images / f"shot{i}.png")
    return images


def _batch_on(window: MainWindow, images: Path) -> BatchDialog:
    """File ▸ Batch… with ``images`` as its folder."""
    menu_action(window, "Batch…").trigger()
    dialog = window.batch_dialog
    assert dialog is not None
    dialog.folder.setText(str(images))
    return dialog


def test_batch_runs_beside_the_canvas_and_lists_its_results(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    images = _shoot(qtbot, window, tmp_path, 3)
    (images / "notes.txt").write_text("not an image")
    (images / "broken.png").write_bytes(b"not a png either")
    dialog = _batch_on(window, images)
    assert dialog.isVisible()
    assert "“fill”" in dialog.asked.text()
    qtbot.mouseClick(dialog.start, LEFT)
    assert dialog.running and not dialog.start.isEnabled()
    # The window is free meanwhile: a stroke lands on the mask at once.
    before = window.document.edit.copy()
    paint(qtbot, window, [(200, 130), (220, 150)])
    assert not np.array_equal(before, window.document.edit)
    qtbot.waitUntil(lambda: not dialog.running and dialog.summary is not None, timeout=60_000)
    assert sorted(dialog.summary["done"]) == ["shot0.png", "shot1.png", "shot2.png"]
    assert list(dialog.summary["failed"]) == ["broken.png"]
    listed = [dialog.results.item(i).text() for i in range(dialog.results.count())]
    assert sum(t.startswith("✓") for t in listed) == 3
    assert any(t.startswith("✗ broken.png") for t in listed)
    assert dialog.bar.value() == 4 and dialog.status.text().startswith("Finished: 3 done, 1 failed")
    out = images / "edited"
    results = dialog.result_files()
    assert [name for name, _ in results] == ["shot0.png", "shot1.png", "shot2.png"]
    for _, path in results:
        assert Image.open(path).size == (240, 160)
    # The mask sent is the one painted before Start, not the stroke added while it ran.
    alpha = np.asarray(Image.open(out / "batch-mask.png"))[..., 3]
    assert (alpha[before == 255] == 0).all()
    assert (alpha[(window.document.edit > 0) & (before == 0)] == 255).all()
    qtbot.mouseClick(dialog.sheet, LEFT)
    task = dialog.sheet_task
    assert task is not None
    qtbot.waitUntil(task.done, timeout=20_000)
    assert task.result() == out / "contact-sheet.png"
    assert Image.open(out / "contact-sheet.png").width > 256


def test_stop_ends_the_batch_cleanly_and_start_goes_on(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    images = _shoot(qtbot, window, tmp_path, 40)
    dialog = _batch_on(window, images)
    qtbot.mouseClick(dialog.start, LEFT)
    qtbot.waitUntil(lambda: dialog.bar.value() >= 1, timeout=60_000)
    qtbot.mouseClick(dialog.stop, LEFT)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Stopped: "), timeout=30_000)
    assert not dialog.running and dialog.start.isEnabled()
    status = dialog.status.text()
    assert status.startswith("Stopped: ") and "Start goes on" in status, status
    finished = int(status.removeprefix("Stopped: ").split(" of ")[0])
    assert 1 <= finished < 40
    out = images / "edited"
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))  # nothing half-written
    assert (
        sum(dialog.results.item(i).text().startswith("✓") for i in range(dialog.results.count()))
        == finished
    )
    # Start again: what was done is not sent again, the rest is.
    qtbot.mouseClick(dialog.start, LEFT)
    qtbot.waitUntil(lambda: not dialog.running and dialog.summary is not None, timeout=120_000)
    assert len(dialog.summary["already_done"]) == finished
    assert len(dialog.summary["done"]) == 40 - finished
