"""The whole window with real events, real jobs (embedded engine and the local server) and files."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from editor.core.imageio import load_image
from editor.pipeline import embedded_client
from editor.pipeline.engine_process import EngineProcess, stop_engine_process, use_engine_process
from editor.pipeline.jobs import Job, JobState
from editor.server import ServerThread
from editor.ui.common.services import Profile
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    H,
    W,
    add_fault,
    job_of,
    local_profiles,
    one_round,
    open_image,
    paint,
    server_profile,
)

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def profiles(local_server: ServerThread) -> list[Profile]:
    return [
        *local_profiles(),
        server_profile(local_server, "Test server", "telea"),
        server_profile(local_server, "Priced server", "gpt-image-2"),
        Profile("Keyless", embedded_client, "gpt-image-1", problem=lambda: "Needs a key."),
    ]


def api_mask_alpha(qtbot: QtBot, window: MainWindow, path: Path) -> np.ndarray:
    task = window.files.export_mask_to(path)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result()
    rgba = np.asarray(Image.open(path))
    assert rgba.shape == (H, W, 4)
    return rgba[:, :, 3]


def generate_and_wait(qtbot: QtBot, window: MainWindow) -> str:
    window.prompt_panel.focus_prompt()
    qtbot.keyClick(window.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    assert window.jobs.jobs, "Ctrl+Enter started no job"
    job = window.jobs.jobs[-1]
    # Variants are written to the session before the gallery shows them.
    qtbot.waitUntil(lambda: job.id in window.binding.settled, timeout=20_000)
    return job.id


# -- opening ------------------------------------------------------------------------


def test_empty_window_shows_the_drop_target(window: MainWindow) -> None:
    assert window.stack.currentWidget() is window.drop_target
    assert not window.actions.save_as.isEnabled()
    assert window.generate() is None  # Generate stays enabled and says what comes first
    assert window.message_banner.isVisible()
    assert "Open an image first" in window.message_banner.text()


def test_open_shows_image_size_and_remembers_it(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    assert window.image is not None and window.image.shape == (H, W, 3)
    assert window.stack.currentIndex() == 1
    assert window.size_label.text() == f"{W} × {H} px"
    assert window.coverage_label.text() == "Mask 0.0 %"
    assert window.files.recent.paths() == [str(image_path)]
    assert "photo.png" in window.windowTitle()


def test_a_real_drop_opens_the_file(qtbot: QtBot, window: MainWindow, image_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image_path))])
    pos = QPointF(300, 300)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos.toPoint(), actions, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, actions, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: window.image is not None, timeout=10_000)
    assert window.image_name == "photo.png"


def test_a_broken_file_says_so_and_keeps_the_work(
    qtbot: QtBot, window: MainWindow, image_path: Path, tmp_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    paint(qtbot, window, [(50, 50), (80, 50)])
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nthis is not really a png")
    task = window.files.open_path(broken)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is False
    assert window.files.dialog is not None and window.files.dialog.isVisible()
    assert "broken.png" in window.files.dialog.text()
    assert "unchanged" in window.files.dialog.text()
    window.files.dialog.close()
    assert window.image_name == "photo.png"
    assert window.document is not None and not window.document.is_empty()


def test_paste_an_image_from_the_clipboard(qtbot: QtBot, window: MainWindow) -> None:
    image = QImage(64, 32, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    QApplication.clipboard().setImage(image)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_V, CTRL)
    assert window.image is not None and window.image.shape == (32, 64, 3)
    assert window.image_name == "Pasted image"


# -- painting ------------------------------------------------------------------------


def test_painted_strokes_become_transparent_pixels_of_the_api_mask(
    qtbot: QtBot, window: MainWindow, image_path: Path, tmp_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    window.canvas.brush_size = 10
    window.canvas.hardness = 1.0
    paint(qtbot, window, [(40, 40), (100, 40), (100, 100)])
    alpha = api_mask_alpha(qtbot, window, tmp_path / "mask.png")
    assert alpha[40, 70] == 0 and alpha[70, 100] == 0  # on the stroke: editable
    assert alpha[130, 200] == 255 and alpha[70, 60] == 255  # away from it: kept
    qtbot.waitUntil(lambda: window.coverage_label.text() != "Mask 0.0 %")


def test_brush_size_keys_and_the_toolbar_move_together(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    bar = window.mask_toolbar
    window.canvas.brush_size = 40
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketRight)
    assert window.canvas.brush_size == 44 and bar.size_spin.value() == 44
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketLeft)
    assert bar.size_spin.value() == window.canvas.brush_size == 40
    bar.size_spin.setValue(12)
    assert window.canvas.brush_size == 12
    qtbot.keyClick(window.canvas, Qt.Key.Key_E)
    assert window.canvas.tool == "eraser" and bar.tool_actions["eraser"].isChecked()


def test_typing_in_the_prompt_never_triggers_canvas_or_window_keys(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    window.prompt_panel.focus_prompt()
    qtbot.keyClicks(window.prompt_panel.prompt, "erase the cable [c]")
    assert window.prompt_panel.prompt.toPlainText() == "erase the cable [c]"
    assert window.canvas.tool == "brush"
    assert not window.actions.compare.isChecked()


def test_undo_and_redo_every_mask_operation(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    doc = window.document
    assert doc is not None
    paint(qtbot, window, [(60, 60), (90, 60)])
    painted = doc.edit.copy()
    doc.invert()
    assert doc.edit[0, 0] == 255
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    np.testing.assert_array_equal(doc.edit, painted)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert doc.is_empty()
    assert not window.actions.undo.isEnabled()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, CTRL)
    np.testing.assert_array_equal(doc.edit, painted)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert doc.edit[0, 0] == 255


def test_zoomed_in_painting_stays_on_the_image_pixels_under_the_pointer(
    qtbot: QtBot, window: MainWindow, image_path: Path, tmp_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    canvas = window.canvas
    canvas.set_view_state(4.0, 150, 100)
    canvas.brush_size = 2
    canvas.hardness = 1.0
    target = canvas.map_from_image(150.5, 100.5).toPoint()
    qtbot.mousePress(canvas, LEFT, pos=target)
    qtbot.mouseRelease(canvas, LEFT, pos=target)
    alpha = api_mask_alpha(qtbot, window, tmp_path / "m.png")
    ys, xs = np.nonzero(alpha == 0)
    assert set(zip(xs.tolist(), ys.tolist(), strict=True)) <= {
        (x, y) for x in (149, 150, 151) for y in (99, 100, 101)
    }
    assert alpha[100, 150] == 0


# -- generating ------------------------------------------------------------------------


def test_ctrl_enter_runs_the_embedded_engine_and_fills_the_gallery(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    paint(qtbot, window, [(60, 60), (120, 80)])
    window.prompt_panel.set_prompt("remove the line")
    window.prompt_panel.n_spin.setValue(2)
    n = 2
    job_id = generate_and_wait(qtbot, window)
    job = job_of(window, job_id)
    assert job.state is JobState.SUCCEEDED, job.error
    assert window.gallery.variant_count(job_id) == n == len(window.variants(job_id))
    # Its results are files in the session folder now: the job left the queue, frameless.
    assert job_id not in [j.id for j in window.jobs.jobs] and job.variants == []
    assert all(v.path is not None and v.path.is_file() for v in window.variants(job_id))
    assert window.gallery.job_ids()[0] == job_id
    row = window.jobs_panel.row(job_id)
    assert not row.button.isVisible() and "variant" in row.status.text()


def test_selecting_a_variant_shows_it_with_the_banner_and_esc_returns(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    job_id = one_round(qtbot, window, image_path, [(20, 20), (200, 140)])
    variant = window.frame(job_id, 0)
    window.gallery.variant_selected.emit(job_id, 0)  # what a click on the thumbnail sends
    assert window.shown_variant == (job_id, 0)
    assert window.variant_banner.isVisible()
    assert window.variant_banner.text().startswith("Round 1 · variant 1 —")
    # The canvas really shows the variant: grab it and compare a pixel in the mask.
    canvas = window.canvas
    canvas.set_view_state(1.0, 100, 80)
    point = canvas.map_from_image(100.5, 80.5).toPoint()
    image = window.image
    assert image is not None
    # The screen point covers pixel (100, 80) or a neighbour, depending on rounding.
    original = {tuple(int(c) for c in image[y, x]) for y in (79, 80, 81) for x in (99, 100, 101)}
    shown = _grab_rgb(canvas, point)
    assert shown not in original
    qtbot.keyPress(canvas, Qt.Key.Key_Backslash)  # holding \ shows the original
    assert _grab_rgb(canvas, point) in original and window.shown_variant == (job_id, 0)
    qtbot.keyRelease(canvas, Qt.Key.Key_Backslash)
    assert _grab_rgb(canvas, point) == shown
    assert variant.shape == (H, W, 3)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert window.shown_variant is None and not window.variant_banner.isVisible()


def _grab_rgb(widget: object, point: QPoint) -> tuple[int, int, int]:
    image = widget.grab().toImage()  # type: ignore[attr-defined]
    c = image.pixelColor(point)
    return c.red(), c.green(), c.blue()


def test_a_failing_job_shows_the_plain_error_keeps_everything_and_retry_succeeds(
    qtbot: QtBot, window: MainWindow, image_path: Path, server: ServerThread
) -> None:
    open_image(qtbot, window, image_path)
    paint(qtbot, window, [(60, 60), (120, 80)])
    window.prompt_panel.set_profile("Test server")
    window.prompt_panel.set_prompt("remove the line")
    image, mask = window.image, window.document.edit.copy()  # type: ignore[union-attr]
    add_fault(server, kind="status", status=500)
    job_id = generate_and_wait(qtbot, window)
    job = window.jobs.get(job_id)
    assert job.state is JobState.FAILED
    row = window.jobs_panel.row(job_id)
    assert row.error.isVisible() and "server" in row.error.text().lower()
    assert "{" not in row.error.text() and "Traceback" not in row.error.text()
    assert row.button.text() == "Retry" and row.button.isVisible()
    assert window.image is image
    np.testing.assert_array_equal(window.document.edit, mask)  # type: ignore[union-attr]
    assert window.prompt_panel.prompt.toPlainText() == "remove the line"
    assert job_id not in window.gallery.job_ids()
    qtbot.mouseClick(row.button, LEFT)
    retry = window.jobs.jobs[-1]
    assert retry.retry_of == job_id
    qtbot.waitUntil(lambda: retry.id in window.binding.settled, timeout=20_000)
    assert retry.state is JobState.SUCCEEDED, retry.error
    assert window.gallery.variant_count(retry.id) == 1


def _slow_job(
    qtbot: QtBot, window: MainWindow, image_path: Path, server: ServerThread, service: str
) -> Job:
    """A job the service holds for 30 s, once its request has gone out."""
    open_image(qtbot, window, image_path)
    paint(qtbot, window, [(60, 60)])
    window.prompt_panel.set_profile(service)
    window.prompt_panel.set_prompt("slow one")
    add_fault(server, kind="delay", seconds=30)
    job = window.generate()
    assert job is not None
    qtbot.waitUntil(lambda: job.status.startswith("Waiting"), timeout=10_000)
    return job


def test_esc_never_cancels_a_sent_job_its_own_key_does(
    qtbot: QtBot, window: MainWindow, image_path: Path, server: ServerThread
) -> None:
    job = _slow_job(qtbot, window, image_path, server, "Test server")
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)  # the habitual double Esc
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    qtbot.wait(50)
    assert job.active
    qtbot.keyClick(window.canvas, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not job.active, timeout=5_000)
    assert job.state is JobState.CANCELLED  # the test server has no price: nothing to ask
    assert window.jobs_panel.row(job.id).button.text() == "Retry"


def test_cancelling_a_job_a_priced_service_has_asks_first(
    qtbot: QtBot, window: MainWindow, image_path: Path, server: ServerThread
) -> None:
    job = _slow_job(qtbot, window, image_path, server, "Priced server")
    row = window.jobs_panel.row(job.id)
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)  # Cancel
    box = window.binding.confirm
    assert box is not None and box.isVisible() and "bill" in box.text()
    keep = next(b for b in box.buttons() if b.text() == "Keep Running")
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert job.active and not box.isVisible()
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    box = window.binding.confirm
    assert box is not None
    stop = next(b for b in box.buttons() if b.text() == "Cancel Job")
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not job.active, timeout=5_000)
    assert job.state is JobState.CANCELLED


def test_a_profile_that_cannot_work_says_why_and_starts_nothing(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    window.prompt_panel.set_profile("Keyless")
    window.prompt_panel.set_prompt("anything")
    assert window.generate() is None
    assert window.message_banner.isVisible() and window.message_banner.text() == "Needs a key."
    assert window.jobs.jobs == []


# -- results ------------------------------------------------------------------------


def test_save_writes_the_shown_variant_and_use_as_base_is_undoable(
    qtbot: QtBot,
    window: MainWindow,
    image_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id = one_round(qtbot, window, image_path)
    window.show_variant(job_id, 0)
    variant = window.frame(job_id, 0)
    target = tmp_path / "out.png"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PNG image (*.png)")
    )
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(target.exists, timeout=10_000)
    np.testing.assert_array_equal(load_image(target).pixels, variant)

    original, mask = window.image, window.document.edit.copy()  # type: ignore[union-attr]
    window.variant_banner.base_button.click()
    assert window.image is variant and window.shown_variant is None
    np.testing.assert_array_equal(window.document.edit, mask)  # type: ignore[union-attr]
    # Undo and redo read the images back from the session folder (no frames kept for them).
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    np.testing.assert_array_equal(window.image, original)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, CTRL)
    np.testing.assert_array_equal(window.image, variant)


def test_compare_mode_toggles_with_c_and_shows_the_selected_variant(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    job_id = one_round(qtbot, window, image_path)
    window.show_variant(job_id, 0)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_C)
    assert window.actions.compare.isChecked()
    assert window.stack.currentWidget() is window.compare
    assert window.compare.labels()[1] == "Round 1 · variant 1"
    qtbot.keyClick(window.compare, Qt.Key.Key_C)
    assert window.stack.currentWidget() is not window.compare


def test_prompt_history_walks_with_up_and_down(qtbot: QtBot, window: MainWindow) -> None:
    edit = window.prompt_panel.prompt
    for text in ("first", "second"):
        edit.setPlainText(text)
        edit.remember(text)
    edit.setPlainText("draft")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.toPlainText() == "second"
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.toPlainText() == "first"
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert edit.toPlainText() == "draft"


def test_help_sheets_open(qtbot: QtBot, window: MainWindow) -> None:
    from editor.ui.window.shortcuts_dialog import ShortcutsDialog, show_about

    dialog = ShortcutsDialog(window.actions.shortcuts.rows(), window)
    keys = [k for k, _ in dialog.visible_rows()]
    assert any("Ctrl+Return" in k or "Ctrl+Enter" in k for k in keys)
    assert "Esc" in keys and "hold \\" in keys
    box = show_about(window)
    assert "Inpaint Editor" in box.text()
    box.close()


def test_the_local_engine_without_a_mask_asks_for_one_before_sending(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    window.prompt_panel.set_prompt("anything")
    assert window.generate() is None
    assert "Paint the area to change first" in window.message_banner.text()
    assert window.jobs.jobs == []


# -- the local engine in its own process -------------------------------------------------


@pytest.fixture
def app_engine() -> Iterator[EngineProcess]:
    """The local engine as run_app runs it: a child of the window's process."""
    yield use_engine_process()
    stop_engine_process()


def test_the_local_engine_runs_in_a_child_and_ends_with_it(
    qtbot: QtBot, window: MainWindow, image_path: Path, app_engine: EngineProcess
) -> None:
    job_id = one_round(qtbot, window, image_path)
    assert job_of(window, job_id).state is JobState.SUCCEEDED
    assert window.gallery.variant_count(job_id) == 1
    pid = app_engine.pid
    assert pid is not None and app_engine.endpoint() is not None
    with open(f"/proc/{pid}/stat") as stat:
        assert int(stat.read().rsplit(")", 1)[1].split()[1]) == os.getpid()  # our child
    stop_engine_process()  # what run_app does once the window has closed
    qtbot.waitUntil(lambda: not Path(f"/proc/{pid}").exists(), timeout=5_000)


def test_an_engine_that_dies_mid_job_fails_the_job_plainly_and_retry_restarts_it(
    qtbot: QtBot, window: MainWindow, image_path: Path, app_engine: EngineProcess
) -> None:
    app_engine.start()
    pid = app_engine.pid
    assert pid is not None
    open_image(qtbot, window, image_path)
    paint(qtbot, window, [(60, 60), (120, 80)])
    window.prompt_panel.set_prompt("remove the line")
    image, mask = window.image, window.document.edit.copy()  # type: ignore[union-attr]
    os.kill(pid, signal.SIGSTOP)  # hung: the request goes out, no answer comes
    job = window.generate()
    assert job is not None
    qtbot.waitUntil(lambda: job.status.startswith("Waiting"), timeout=10_000)
    os.kill(pid, signal.SIGKILL)  # …and then it is gone (out of memory, say)
    qtbot.waitUntil(lambda: job.state.finished, timeout=10_000)
    assert job.state is JobState.FAILED
    row = window.jobs_panel.row(job.id)
    assert row.error.text().startswith("The local engine stopped before it finished")
    assert "127.0.0.1" not in row.error.text()  # an address means nothing to a designer
    assert window.image is image
    np.testing.assert_array_equal(window.document.edit, mask)  # type: ignore[union-attr]
    assert window.prompt_panel.prompt.toPlainText() == "remove the line"
    qtbot.mouseClick(row.button, LEFT)  # Retry: a new engine answers
    retry = window.jobs.jobs[-1]
    qtbot.waitUntil(lambda: retry.id in window.binding.settled, timeout=20_000)
    assert retry.state is JobState.SUCCEEDED, retry.error
    assert app_engine.pid not in (None, pid)
