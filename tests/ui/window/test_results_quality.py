"""Issue 9 in the window: context and colour-match choices, the leak view, faithful Save As.

Real events and real jobs against the local server's test-mode stand-ins: ``echo_cast`` answers
the sent image under a colour cast, ``flat`` a flat grey frame.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageCms
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QFileDialog
from pytestqt.qtbot import QtBot

from editor.core.imageio import load_image
from editor.server import ServerThread
from editor.ui.common.services import Profile
from editor.ui.gallery.tile import ThumbTile
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    add_fault,
    generate_and_wait,
    job_of,
    local_profiles,
    logged_requests,
    open_image,
    paint,
    round_mask,
    server_profile,
)

LEFT = Qt.MouseButton.LeftButton
CAST = {"kind": "echo_cast", "offset": [20, 0, -10], "gain": [1.0, 0.9, 1.0]}


def textured(w: int, h: int) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    r = 120 + 60 * np.sin(x / 9.0)
    g = 110 + 50 * np.cos(y / 7.0)
    b = 100 + 40 * np.sin((x + y) / 11.0)
    return np.dstack([r, g, b]).astype(np.uint8)


@pytest.fixture
def profiles(server: ServerThread) -> list[Profile]:
    remote = replace(server_profile(server, "Test server", "telea"), color_match=True)
    return [*local_profiles(), remote]


def start(qtbot: QtBot, window: MainWindow, path: Path, pixels: np.ndarray, **save: Any) -> None:
    Image.fromarray(pixels).save(path, **save)
    open_image(qtbot, window, path)
    h, w = pixels.shape[:2]
    # A stroke across the middle: a small mask on a larger frame.
    paint(qtbot, window, [(w * 0.45, h * 0.5), (w * 0.55, h * 0.5)])
    window.prompt_panel.set_prompt("remove the cable")


def pick_service(qtbot: QtBot, window: MainWindow, name: str) -> None:
    combo = window.prompt_panel.profile_combo
    combo.setCurrentIndex(combo.findText(name))


def text(image: Image.Image) -> dict[str, str]:
    return dict(getattr(image, "text", {}))


def click_box(qtbot: QtBot, box: QCheckBox) -> None:
    """Click the box itself (a stretched checkbox's centre may be empty space)."""
    qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))


def tooltip(window: MainWindow, job_id: str, index: int = 0) -> str:
    tile = next(
        t for t in window.gallery.findChildren(ThumbTile) if (t.job_id, t.index) == (job_id, index)
    )
    return tile.toolTip()


def leak_share(text: str) -> float:
    line = next(x for x in text.splitlines() if x.startswith("Changed outside the mask"))
    return float(line.split(":")[1].split("%")[0])


def masked_mean_error(window: MainWindow, job_id: str) -> np.ndarray:
    assert window.image is not None
    original = window.image.astype(np.float64)
    edit = round_mask(window, job_id)
    assert edit is not None
    inside = edit > 250
    variant = window.frame(job_id, 0).astype(np.float64)
    return np.abs((variant[inside] - original[inside]).mean(axis=0))


# -- parameters -------------------------------------------------------------------------------


def test_colour_match_defaults_from_the_service_and_is_remembered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    options = window.prompt_panel.options
    assert not options.color_match()  # Local engine first: off
    pick_service(qtbot, window, "Test server")
    assert options.color_match() and options.strength() == 1.0
    assert window.prompt_panel.params().color_match
    # The strength sits in the collapsed Advanced section until opened.
    assert not options.strength_row.isVisible()
    qtbot.mouseClick(window.prompt_panel.advanced.header, LEFT)
    assert options.strength_row.isVisible()
    options.strength_slider.setValue(40)
    click_box(qtbot, options.color_check)
    assert not options.color_match()
    pick_service(qtbot, window, "Local engine")
    pick_service(qtbot, window, "Test server")
    assert not options.color_match()  # the user's choice for this service came back
    options.set_context("crop")
    options.margin_spin.setValue(1.2)
    params = window.prompt_panel.params()
    assert (params.context, params.context_margin) == ("crop", 1.2)
    assert params.color_match_strength == 0.4
    # A new window on the same settings starts from the remembered choices.
    again = MainWindow(profiles=list(window.prompt_panel.profiles()), settings=window.settings)
    qtbot.addWidget(again)
    assert again.prompt_panel.options.context() == "crop"
    assert again.prompt_panel.options.margin() == 1.2
    again.close()


def test_colour_match_removes_a_cast_and_off_keeps_it(
    qtbot: QtBot, window: MainWindow, server: ServerThread, tmp_path: Path
) -> None:
    start(qtbot, window, tmp_path / "photo.png", textured(240, 160))
    pick_service(qtbot, window, "Test server")
    add_fault(server, **CAST)
    matched = generate_and_wait(qtbot, window)
    assert masked_mean_error(window, matched).max() <= 3.0

    click_box(qtbot, window.prompt_panel.options.color_check)  # off
    add_fault(server, **CAST)
    cast = generate_and_wait(qtbot, window)
    assert not job_of(window, cast).params.color_match
    assert masked_mean_error(window, cast).max() >= 9.0


def test_context_choice_reaches_the_request(
    qtbot: QtBot, window: MainWindow, server: ServerThread, tmp_path: Path
) -> None:
    start(qtbot, window, tmp_path / "big.png", textured(1200, 800))
    pick_service(qtbot, window, "Test server")
    sizes = {}
    for mode in ("crop", "whole"):
        window.prompt_panel.options.set_context(mode)
        generate_and_wait(qtbot, window)
        fields = logged_requests(server)[-1]["fields"]
        image = fields.get("image", fields.get("image[]"))
        image = image[0] if isinstance(image, list) else image
        sizes[mode] = (image["width"], image["height"])
    assert sizes["whole"] == (1200, 800)
    assert sizes["crop"][0] < 1200 and sizes["crop"][1] < 800


# -- leak ---------------------------------------------------------------------------------------


def test_leak_in_tooltip_and_compare_leak_mode(
    qtbot: QtBot, window: MainWindow, server: ServerThread, tmp_path: Path
) -> None:
    start(qtbot, window, tmp_path / "photo.png", textured(240, 160))
    local = generate_and_wait(qtbot, window)  # Local engine
    assert leak_share(tooltip(window, local)) == pytest.approx(0.0, abs=0.05)

    pick_service(qtbot, window, "Test server")
    add_fault(server, kind="flat", color=[128, 128, 128])
    flat = generate_and_wait(qtbot, window)
    assert leak_share(tooltip(window, flat)) > 90.0

    window.show_variant(flat, 0)
    window.set_compare(True)
    compare = window.compare
    assert "Changed outside the mask" in compare.leak_text()
    qtbot.keyClick(compare.focusProxy(), Qt.Key.Key_L)
    assert compare.mode() == "leak"
    assert compare.toolbar.legend.isVisible() and "red" in compare.toolbar.legend.text()
    qtbot.waitUntil(lambda: compare.leak_view.isVisible())
    view = compare.leak_view
    shot = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    ratio = shot.devicePixelRatio()

    def colour(ix: float, iy: float) -> tuple[int, int, int]:
        wx, wy = view._view.to_widget(ix, iy)
        c = shot.pixelColor(int(wx * ratio), int(wy * ratio))
        return c.red(), c.green(), c.blue()

    r, g, b = colour(20, 20)  # far outside the mask: the flat frame changed it
    assert r > 150 and r > g + 60 and r > b + 60, (r, g, b)
    r, g, b = colour(120, 80)  # under the mask: not a leak
    assert abs(r - g) < 30, (r, g, b)

    # The toolbar's button switches back.
    qtbot.mouseClick(compare.toolbar.buttons["side"], LEFT)
    assert compare.mode() == "side" and not compare.toolbar.legend.isVisible()


# -- save ---------------------------------------------------------------------------------------


def test_save_as_keeps_icc_and_writes_provenance_strip_leaves_none(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    start(qtbot, window, tmp_path / "photo.jpg", textured(240, 160), icc_profile=srgb, quality=95)
    job = generate_and_wait(qtbot, window)
    window.show_variant(job, 0)
    target = tmp_path / "out.png"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PNG image (*.png)")
    )
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(target.exists, timeout=10_000)
    with Image.open(target) as im:
        assert im.format == "PNG"
        assert text(im)["inpaint-editor:prompt"] == "remove the cable"
        assert text(im)["inpaint-editor:model"] == "telea"
        assert im.info.get("icc_profile") == srgb
        assert not any("sk-" in v for v in text(im).values())
    np.testing.assert_array_equal(load_image(target).pixels, window.frame(job, 0))

    stripped = tmp_path / "bare.png"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(stripped), "PNG image without metadata (*.png)"),
    )
    qtbot.keyClick(window.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(stripped.exists, timeout=10_000)
    with Image.open(stripped) as im:
        assert not text(im) and "icc_profile" not in im.info
    assert window.settings.value("save_strip_metadata") in (True, "true")


def test_pasted_image_saves_without_source_metadata(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    start(qtbot, window, tmp_path / "photo.jpg", textured(120, 80), icc_profile=srgb)
    assert window.files.source_metadata() is not None
    buf = io.BytesIO()
    Image.fromarray(textured(60, 40)).save(buf, "PNG")
    window.files.open_source(QImage.fromData(buf.getvalue()))
    assert window.files.source_metadata() is None
    target = tmp_path / "pasted.png"
    task = window.files.save_to(target)
    qtbot.waitUntil(task.done, timeout=10_000)
    with Image.open(target) as im:
        assert "icc_profile" not in im.info and "inpaint-editor:prompt" not in text(im)
