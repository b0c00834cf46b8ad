"""The canvas previews an expansion's bounds and shows transparent new area as a checkerboard."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from editor.core.expand import Expansion, expand_canvas
from editor.ui.canvas.mask_canvas import MaskCanvas

IMG_W, IMG_H = 200, 100
WIDGET_W, WIDGET_H = 500, 400
RED = (220, 30, 30)
BACKGROUND = (38, 38, 41)
CHECKER = {(70, 70, 74), (92, 92, 96)}


def _canvas(qtbot: QtBot, pixels: np.ndarray) -> MaskCanvas:
    w = MaskCanvas()
    qtbot.addWidget(w)
    w.set_image(pixels)
    w.resize(WIDGET_W, WIDGET_H)
    w.show()
    qtbot.waitExposed(w)
    return w


def _red() -> np.ndarray:
    return np.full((IMG_H, IMG_W, 3), RED, np.uint8)


def _rgb(image: QImage, x: float, y: float) -> tuple[int, int, int]:
    c = QColor(image.pixel(round(x), round(y)))
    return c.red(), c.green(), c.blue()


def _at(canvas: MaskCanvas, image: QImage, ix: float, iy: float) -> tuple[int, int, int]:
    p = canvas.map_from_image(ix, iy)
    return _rgb(image, p.x(), p.y())


def test_preview_zooms_out_to_the_new_frame_and_checkers_the_added_area(qtbot: QtBot) -> None:
    canvas = _canvas(qtbot, _red())
    fitted = canvas.zoom
    expansion = Expansion(left=300, top=0, right=100, bottom=150)
    canvas.preview_expansion(expansion)
    assert canvas.zoom < fitted
    shot = canvas.grab().toImage()
    # The whole new frame (600 × 250) is on screen.
    for ix, iy in ((-300, 0), (IMG_W + 100, IMG_H + 150)):
        p = canvas.map_from_image(ix, iy)
        assert 0 <= p.x() <= WIDGET_W and 0 <= p.y() <= WIDGET_H
    # Added area: checkerboard; the original: its pixels; outside the new frame: background.
    assert _at(canvas, shot, -150, 50) in CHECKER
    assert _at(canvas, shot, IMG_W + 50, IMG_H + 75) in CHECKER
    assert _at(canvas, shot, IMG_W / 2, IMG_H / 2) == RED
    assert _at(canvas, shot, -150, -30) == BACKGROUND
    assert _at(canvas, shot, IMG_W / 2, IMG_H + 180) == BACKGROUND

    canvas.preview_expansion(None)
    assert canvas.zoom == fitted
    shot = canvas.grab().toImage()
    assert _at(canvas, shot, IMG_W / 2, -20) == BACKGROUND


def test_preview_ends_where_the_user_had_zoomed(qtbot: QtBot) -> None:
    canvas = _canvas(qtbot, _red())
    canvas.set_view_state(2.0, 50.0, 40.0)
    canvas.preview_expansion(Expansion(top=400))
    assert canvas.zoom < 2.0
    canvas.preview_expansion(None)
    assert canvas.zoom == 2.0
    p = canvas.map_from_image(50.0, 40.0)
    assert abs(p.x() - WIDGET_W / 2) <= 1 and abs(p.y() - WIDGET_H / 2) <= 1


def test_expanded_image_shows_checkerboard_through_its_new_area(qtbot: QtBot) -> None:
    grown = expand_canvas(_red(), Expansion(left=100, right=100)).pixels
    canvas = _canvas(qtbot, grown)
    shot = canvas.grab().toImage()
    assert _at(canvas, shot, 50, 50) in CHECKER
    assert _at(canvas, shot, 100 + IMG_W / 2, 50) == RED
    assert _at(canvas, shot, 100 + IMG_W + 50, 50) in CHECKER


def test_a_new_image_ends_the_preview(qtbot: QtBot) -> None:
    canvas = _canvas(qtbot, _red())
    expansion = Expansion(left=100, right=100)
    canvas.preview_expansion(expansion)
    canvas.set_image(expand_canvas(_red(), expansion).pixels)
    assert canvas.expansion_preview is None
    shot = canvas.grab().toImage()
    assert _at(canvas, shot, IMG_W / 2, -10) == BACKGROUND  # no frame drawn past the image
    canvas.preview_expansion(None)  # the dialog closing afterwards changes nothing
    assert _at(canvas, canvas.grab().toImage(), 50, 50) in CHECKER
