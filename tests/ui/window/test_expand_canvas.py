"""Image ▸ Expand Canvas… through the window: dialog with preview, the grown frame and its mask,
undo, a fill by the local engine that keeps the original's pixels, the session keeping it.

Real keyboard and mouse events; the local engine (telea) fills; the session store is real.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QSpinBox
from pytestqt.qtbot import QtBot

from editor.client import Endpoint
from editor.core.composite import default_feather
from editor.core.expand import Expansion, default_seam_band
from editor.core.params import ApiOptions, EditParams
from editor.core.references import Reference
from editor.server import ServerThread
from editor.store import RoundState, SessionStore
from editor.ui.canvas.expand_dialog import ExpandCanvasDialog
from editor.ui.common.services import endpoint_profile
from editor.ui.session.restore import restore_session
from editor.ui.window.main_window import MainWindow
from tests.ui import async_helpers, session_helpers
from tests.ui.session_helpers import generate, make_window, open_image
from tests.ui.window_helpers import (
    H,
    W,
    add_fault,
    finish_jobs,
    logged_requests,
    paint,
    round_mask,
    write_image,
)

aloop = async_helpers.aloop
local_window = session_helpers.local_window
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
LEFT_PX, BOTTOM_PX = 64, 40
BAND = default_seam_band((W, H))


@pytest.fixture
def image_path(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    write_image(path)
    return path


def _type(qtbot: QtBot, spin: QSpinBox, text: str) -> None:
    qtbot.keyClick(spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(spin, text)


def expand_by_menu(qtbot: QtBot, w: MainWindow) -> ExpandCanvasDialog:
    """Ctrl+Alt+C (Image ▸ Expand Canvas…), type pixels for left and bottom, press Expand."""
    w.activateWindow()
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_C, CTRL | ALT)
    dialog = w.expander.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    _type(qtbot, dialog.spins["left"], str(LEFT_PX))
    _type(qtbot, dialog.spins["bottom"], str(BOTTOM_PX))
    # The canvas previews the new bounds while the dialog is open; the image is unchanged.
    assert w.canvas.expansion_preview == Expansion(left=LEFT_PX, bottom=BOTTOM_PX)
    assert w.image is not None and w.image.shape[:2] == (H, W)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert w.canvas.expansion_preview is None
    return dialog


def click_round(qtbot: QtBot, w: MainWindow, round_id: str) -> None:
    """Open the History tab and click the round's row once it is laid out."""
    w.show_history()
    tree = w.history_panel.tree

    def row_shown() -> bool:
        item = w.history_panel.item(round_id)
        return item is not None and tree.visualItemRect(item).height() > 0

    qtbot.waitUntil(row_shown, timeout=10_000)
    item = w.history_panel.item(round_id)
    assert item is not None
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def required_area() -> np.ndarray:
    """New area (left strip, bottom strip) and the seam band reaching into the original."""
    need = np.zeros((H + BOTTOM_PX, W + LEFT_PX), bool)
    need[:, :LEFT_PX] = True
    need[H:, :] = True
    need[:H, LEFT_PX : LEFT_PX + BAND] = True
    need[H - BAND : H, LEFT_PX:] = True
    return need


def test_expand_by_the_menu_grows_the_canvas_and_ctrl_z_restores_it(
    qtbot: QtBot, local_window: MainWindow, image_path: Path
) -> None:
    w = local_window
    open_image(qtbot, w, image_path)
    paint(qtbot, w, [(150, 40), (200, 60)])
    assert w.image is not None and w.document is not None
    before_image, before_mask = w.image.copy(), w.document.edit.copy()
    assert before_mask.any()

    expand_by_menu(qtbot, w)
    grown = w.image
    assert grown.shape == (H + BOTTOM_PX, W + LEFT_PX, 4)
    assert w.canvas.document is w.document
    assert (w.document.width, w.document.height) == (W + LEFT_PX, H + BOTTOM_PX)
    assert w.size_label.text() == f"{W + LEFT_PX} × {H + BOTTOM_PX} px"
    need = required_area()
    new_area = np.ones_like(need)
    new_area[:H, LEFT_PX:] = False
    assert (grown[new_area][:, 3] == 0).all(), "the new area is transparent"
    assert (grown[~new_area][:, 3] == 255).all()
    np.testing.assert_array_equal(grown[:H, LEFT_PX:, :3], before_image)
    mask = w.document.edit
    assert (mask[need] == 255).all(), "the mask covers the new area and the seam band"
    # The mask painted before is carried over, moved with the image.
    np.testing.assert_array_equal(mask[:H, LEFT_PX:] > 0, (before_mask > 0) | need[:H, LEFT_PX:])

    # Painting on the grown canvas is one more step; Ctrl+Z undoes it, then the expansion.
    paint(qtbot, w, [(120, 100), (160, 110)])
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL)
    np.testing.assert_array_equal(w.document.edit, mask)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL)
    assert w.image.shape == before_image.shape
    np.testing.assert_array_equal(w.image, before_image)
    np.testing.assert_array_equal(w.document.edit, before_mask)
    assert w.canvas.document is w.document
    assert w.size_label.text() == f"{W} × {H} px"
    # The stroke painted before the expansion undoes on its own document, as before.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL)
    assert not w.document.edit.any()
    # And redo walks forward again to the grown canvas with its mask.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL | SHIFT)
    assert w.image is grown
    np.testing.assert_array_equal(w.document.edit, mask)

    # History lists the expansion as a round; clicking it from the smaller canvas brings the
    # grown one back with its mask, and Ctrl+Z goes back again.
    qtbot.waitUntil(lambda: not w.sessions.busy, timeout=10_000)
    w.activateWindow()  # the closed dialog's deletion leaves no active window offscreen
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL)
    assert w.image.shape == before_image.shape
    session = w.sessions.session
    assert session is not None
    [expanded] = session.rounds
    assert expanded.expansion is not None
    assert expanded.expansion.sides == (LEFT_PX, 0, 0, BOTTOM_PX)
    click_round(qtbot, w, expanded.id)
    history = w.history_panel
    assert history.task is not None
    qtbot.waitUntil(history.task.done, timeout=10_000)
    assert history.task.result() is True
    np.testing.assert_array_equal(w.image, grown)
    np.testing.assert_array_equal(w.document.edit, mask)
    assert w.canvas.document is w.document
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL)
    np.testing.assert_array_equal(w.image, before_image)
    assert w.document.width == W


def test_generate_fills_the_new_area_keeps_the_original_and_the_session_keeps_it(
    qtbot: QtBot, local_window: MainWindow, image_path: Path, tmp_path: Path
) -> None:
    w = local_window
    open_image(qtbot, w, image_path)
    assert w.image is not None
    original = w.image.copy()
    expand_by_menu(qtbot, w)
    grown = w.image
    assert w.document is not None
    # Clearing the mask can't drop the new area: Generate puts it and the seam band back.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Backspace, CTRL | SHIFT)
    assert not w.document.edit.any()
    w.prompt_panel.set_prompt("continue the scene")
    job_id = generate(qtbot, w)
    need = required_area()
    assert (w.document.edit[need] == 255).all()
    sent = round_mask(w, job_id)  # the mask sent, as the session keeps it
    assert sent is not None and (sent[need] == 255).all()

    frame = w.frame(job_id, 0)
    assert frame.shape == grown.shape
    new_area = grown[:, :, 3] == 0
    assert (frame[new_area][:, 3] == 255).all(), "the new area is filled"
    assert abs(float(frame[new_area][:, :3].mean()) - float(original.mean())) < 40
    mask = w.document.edit
    reach = default_feather((W + LEFT_PX, H + BOTTOM_PX))
    dist = cv2.distanceTransform((mask == 0).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    keep = dist >= max(reach, 1)
    assert keep.sum() > 0.5 * W * H
    np.testing.assert_array_equal(frame[keep], grown[keep])  # bit-identical outside band+feather

    # The expansion is a round in the session; the fill was made on it.
    session = w.sessions.session
    assert session is not None
    expand_round, fill_round = session.rounds
    assert expand_round.expansion is not None
    assert expand_round.expansion.sides == (LEFT_PX, 0, 0, BOTTOM_PX)
    assert fill_round.base.round_id == expand_round.id
    # History does not send an expansion again.
    assert w.history_panel.item(expand_round.id) is not None

    # Use as base: the filled frame is opaque, so it is an RGB photo again.
    w.show_variant(job_id, 0)
    assert w.shown_variant == (job_id, 0)
    qtbot.mouseClick(w.variant_banner.base_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.image is not grown, timeout=10_000)  # decoded off the loop
    assert w.image.shape == (H + BOTTOM_PX, W + LEFT_PX, 3)
    np.testing.assert_array_equal(w.image, frame[:, :, :3])

    # A window restoring the session is back on the grown canvas (before the fill was used).
    w.close()
    again = make_window(qtbot, tmp_path)
    task = again.spawn(restore_session(again, session.id), "restore")
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    assert again.image is not None and again.image.shape == grown.shape
    np.testing.assert_array_equal(again.image, grown)
    assert again.document is not None
    assert (again.document.width, again.document.height) == (W + LEFT_PX, H + BOTTOM_PX)
    # The restored canvas still keeps its new area in what Generate sends.
    again.document.clear()
    again.expander.before_generate()
    assert (again.document.edit[need] == 255).all()
    again.close()


# -- references -------------------------------------------------------------------------------


def write_reference(path: Path, w: int = 300, h: int = 200) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    pixels = np.dstack([(x * 3) % 256, (y * 5) % 256, np.full_like(x, 200)]).astype(np.uint8)
    cv2.imwrite(str(path), cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR))
    return pixels


def test_references_go_after_the_edited_image_and_ctrl_j_brings_them_back(
    qtbot: QtBot, aloop: object, tmp_path: Path, image_path: Path, local_server: ServerThread
) -> None:
    endpoint = Endpoint(base_url=local_server.base_url, max_retries=0, timeout=30)
    w = make_window(qtbot, tmp_path, [endpoint_profile("Test server", endpoint, "gpt-image-1")])
    try:
        open_image(qtbot, w, image_path)
        paint(qtbot, w, [(60, 60), (120, 90)])
        ref = tmp_path / "cup.png"
        write_reference(ref)
        strip = w.prompt_panel.references_strip
        assert strip.add_files([str(ref)]) == 1
        pasted = np.full((40, 50, 3), (5, 6, 250), np.uint8)
        image = QImage(pasted.tobytes(), 50, 40, 150, QImage.Format.Format_RGB888).copy()
        QGuiApplication.clipboard().setImage(image)
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(strip.width() - 5, 5))
        assert strip.hasFocus()
        qtbot.keyClick(strip, Qt.Key.Key_V, CTRL)
        assert strip.labels() == ["image 2", "image 3"]
        assert w.image is not None and w.image.shape[:2] == (H, W), "the image stays"
        w.prompt_panel.set_prompt("put the cup from image 2 on the table")
        httpx.delete(f"{local_server.origin}/_test/requests", timeout=5).raise_for_status()
        add_fault(local_server, kind="echo_cast", times=1)
        job_id = generate(qtbot, w)
        [entry] = logged_requests(local_server)
        names = entry["raw_field_names"]
        assert names[:3] == ["image[]"] * 3 and names.count("mask") == 1
        first, second, third = entry["fields"]["image[]"]
        assert (first["width"], first["height"]) != (300, 200)
        assert (second["width"], second["height"]) == (300, 200)
        assert second["filename"] == "image-2.png"
        assert (third["width"], third["height"], third["filename"]) == (50, 40, "image-3.png")
        # The round keeps both, the pasted one too (it has no file of its own).
        session, entry = w.sessions.session, w.results.round(job_id)
        assert session is not None and entry is not None and entry.round_id is not None
        kept = session.load_references(entry.round_id)
        assert [r.path for r in kept] == [str(ref), None]
        np.testing.assert_array_equal(kept[1].pixels, pasted)
        assert w.jobs_panel.row(job_id).job.params.references[0].path == str(ref)

        # The strip is emptied; Ctrl+J duplicates the round with its references.
        strip.remove_at(1)
        strip.remove_at(0)
        assert strip.references() == ()
        w.show_original()
        qtbot.keyClick(w.canvas, Qt.Key.Key_J, CTRL)
        assert strip.labels() == ["image 2", "image 3"]
        assert strip.references()[0].path == str(ref)
        np.testing.assert_array_equal(strip.references()[1].pixels, pasted)
    finally:
        finish_jobs(qtbot, w)
        qtbot.waitUntil(lambda: not w.sessions.busy, timeout=10_000)
        w.close()


def test_a_restored_session_puts_the_newest_rounds_references_back(
    qtbot: QtBot, aloop: object, tmp_path: Path, image_path: Path
) -> None:
    ref = tmp_path / "texture.png"
    pixels = write_reference(ref, 120, 90)
    store = SessionStore(tmp_path / "data" / "sessions")
    session = store.create(write_image(image_path), original_name="photo.png")
    texture = Reference(pixels, name="texture.png", path=str(ref))
    params = EditParams(ApiOptions("use the texture of image 2"), references=(texture,))
    record = session.start_round(params)
    session.finish_round(record.id, RoundState.FAILED, error="offline")
    session_id = session.id
    session.close()

    w = make_window(qtbot, tmp_path)
    task = w.spawn(restore_session(w, session_id), "restore")
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    strip = w.prompt_panel.references_strip
    assert strip.labels() == ["image 2"]
    np.testing.assert_array_equal(strip.references()[0].pixels, pixels)
    # Clicking the round in History brings them back too (after the strip was emptied).
    strip.remove_at(0)
    click_round(qtbot, w, record.id)
    history = w.history_panel
    assert history.task is not None
    qtbot.waitUntil(history.task.done, timeout=10_000)
    assert strip.labels() == ["image 2"]
    w.close()
