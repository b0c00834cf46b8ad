"""Lasso, magic wand and object select on the canvas, driven by real mouse and key events."""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from editor.core.mask_document import MaskDocument
from editor.ui.canvas.mask_canvas import MaskCanvas
from editor.ui.canvas.mask_toolbar import MaskToolbar
from tests.ui.canvas.test_canvas import drag, show_canvas

IMG_W, IMG_H = 400, 300
LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
ALT = Qt.KeyboardModifier.AltModifier
OFFSET = 50  # at zoom 1 the image's (0, 0) sits at widget (50, 50)


def noise(seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (IMG_H, IMG_W, 3), dtype=np.uint8)


@pytest.fixture
def canvas(qtbot: QtBot) -> Iterator[MaskCanvas]:
    yield show_canvas(qtbot, noise())


def doc_of(w: MaskCanvas) -> MaskDocument:
    assert w.document is not None
    return w.document


def at(x: float, y: float) -> QPoint:
    return QPoint(round(x + OFFSET), round(y + OFFSET))


def click(
    qtbot: QtBot,
    w: MaskCanvas,
    x: float,
    y: float,
    mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.mouseClick(w, LEFT, mods, at(x, y))


def settle(qtbot: QtBot, w: MaskCanvas) -> None:
    """Wait for a tool running off the loop to join its result."""
    qtbot.waitUntil(lambda: not w.selection.busy, timeout=20_000)
    qtbot.wait(10)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def square_clicks(qtbot: QtBot, w: MaskCanvas) -> None:
    for x, y in ((100, 100), (200, 100), (200, 200), (100, 200)):
        click(qtbot, w, x, y)


# --- lasso -------------------------------------------------------------------------------------


def test_lasso_four_clicks_and_return_fill_a_square_as_one_undo_step(
    qtbot: QtBot, canvas: MaskCanvas
) -> None:
    qtbot.keyClick(canvas, Qt.Key.Key_L)
    assert canvas.tool == "lasso"
    square_clicks(qtbot, canvas)
    assert doc_of(canvas).is_empty()  # nothing joins the mask before the shape is closed
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    settle(qtbot, canvas)
    edit = doc_of(canvas).edit
    expected = np.zeros_like(edit)
    expected[100:200, 100:200] = 255
    assert np.array_equal(edit, expected)
    doc_of(canvas).undo()
    assert doc_of(canvas).is_empty() and not doc_of(canvas).can_undo


def test_lasso_click_on_start_point_closes(qtbot: QtBot, canvas: MaskCanvas) -> None:
    canvas.set_tool("lasso")
    square_clicks(qtbot, canvas)
    click(qtbot, canvas, 102, 101)  # within a few screen pixels of the first point
    settle(qtbot, canvas)
    assert doc_of(canvas).edit[150, 150] == 255
    assert doc_of(canvas).edit[250, 250] == 0


def test_lasso_double_click_closes(qtbot: QtBot, canvas: MaskCanvas) -> None:
    canvas.set_tool("lasso")
    for x, y in ((100, 100), (200, 100), (200, 200)):
        click(qtbot, canvas, x, y)
    # A person's double-click: a press and release, then the double-click event.
    click(qtbot, canvas, 100, 200)
    qtbot.mouseDClick(canvas, LEFT, pos=at(100, 200))
    settle(qtbot, canvas)
    expected = np.zeros((IMG_H, IMG_W), np.uint8)
    expected[100:200, 100:200] = 255
    assert np.array_equal(doc_of(canvas).edit, expected)
    assert doc_of(canvas).can_undo


def test_lasso_backspace_drops_the_last_point(qtbot: QtBot, canvas: MaskCanvas) -> None:
    canvas.set_tool("lasso")
    square_clicks(qtbot, canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    settle(qtbot, canvas)
    edit = doc_of(canvas).edit
    assert edit[110, 190] == 255  # the triangle (100,100)-(200,100)-(200,200)
    assert edit[190, 110] == 0  # the corner the dropped point made


def test_lasso_escape_forgets_the_shape(qtbot: QtBot, canvas: MaskCanvas) -> None:
    canvas.set_tool("lasso")
    square_clicks(qtbot, canvas)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    settle(qtbot, canvas)
    assert doc_of(canvas).is_empty()
    # The next shape starts afresh: three new clicks make a triangle, not a hexagon.
    for x, y in ((20, 20), (80, 20), (20, 80)):
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    settle(qtbot, canvas)
    ys, xs = np.nonzero(doc_of(canvas).edit)
    assert xs.max() <= 80 and ys.max() <= 80 and xs.min() >= 20


def test_lasso_drag_makes_a_freehand_shape(qtbot: QtBot, canvas: MaskCanvas) -> None:
    canvas.set_tool("lasso")
    cx, cy, r = 200, 150, 80
    loop = [
        (cx + r * math.cos(t) + OFFSET, cy + r * math.sin(t) + OFFSET)
        for t in np.linspace(0, 2 * math.pi, 90)
    ]
    drag(canvas, loop)  # ends where it began: the loop closes on release
    settle(qtbot, canvas)
    disk = np.zeros((IMG_H, IMG_W), np.uint8)
    cv2.circle(disk, (cx, cy), r, 255, -1)
    assert iou(doc_of(canvas).edit > 127, disk > 0) > 0.95


def test_lasso_shift_snaps_a_segment_to_45_degrees(qtbot: QtBot, canvas: MaskCanvas) -> None:
    canvas.set_tool("lasso")
    click(qtbot, canvas, 100, 100)
    click(qtbot, canvas, 200, 112, Qt.KeyboardModifier.ShiftModifier)  # → (200, 100)
    click(qtbot, canvas, 200, 200)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    settle(qtbot, canvas)
    edit = doc_of(canvas).edit
    assert edit[101, 190] == 255 and edit[98, 150] == 0


# --- magic wand ----------------------------------------------------------------------------------

DISK = (120, 150, 60)  # centre x, y, radius
TWIN = (310, 150, 45)  # the same colour, not touching the first
FLAT = (40, 120, 200)


def wand_scene() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pixels = noise(3)
    first = np.zeros((IMG_H, IMG_W), np.uint8)
    twin = np.zeros_like(first)
    cv2.circle(first, DISK[:2], DISK[2], 255, -1)
    cv2.circle(twin, TWIN[:2], TWIN[2], 255, -1)
    pixels[(first | twin) > 0] = FLAT
    return pixels, first > 0, twin > 0


def test_wand_selects_the_flat_disk_and_follows_the_toolbar(qtbot: QtBot) -> None:
    pixels, first, twin = wand_scene()
    w = show_canvas(qtbot, pixels)
    bar = MaskToolbar(w)
    qtbot.addWidget(bar)
    qtbot.keyClick(w, Qt.Key.Key_W)
    assert w.tool == "wand" and bar.tool_actions["wand"].isChecked()
    assert bar.tolerance_spin.value() == 40 and bar.contiguous_check.isChecked()
    click(qtbot, w, *DISK[:2])
    settle(qtbot, w)
    got = doc_of(w).edit > 0
    assert iou(got, first) >= 0.9
    assert not (got & twin).any()  # contiguous: the twin disk is not reached

    doc_of(w).clear()
    bar.tolerance_spin.setValue(32)  # the noise around stays out of a tighter range
    bar.contiguous_check.setChecked(False)  # a colour range over the whole image
    click(qtbot, w, *DISK[:2])
    settle(qtbot, w)
    got = doc_of(w).edit > 0
    assert iou(got, first | twin) >= 0.9

    # Tolerance 0 with a one-level step inside the disk keeps only the clicked half.
    shaded = pixels.copy()
    shaded[first & (np.arange(IMG_W) >= DISK[0])[None, :]] = (41, 120, 200)
    w.set_image(shaded)
    w.set_document(MaskDocument(IMG_W, IMG_H))
    w.set_view_state(1.0, IMG_W / 2, IMG_H / 2)
    bar.contiguous_check.setChecked(True)
    bar.tolerance_spin.setValue(0)
    click(qtbot, w, DISK[0] - 20, DISK[1])
    settle(qtbot, w)
    got = doc_of(w).edit > 0
    assert got[DISK[1], DISK[0] - 20] and not got[DISK[1], DISK[0] + 20]
    bar.tolerance_spin.setValue(2)
    click(qtbot, w, DISK[0] - 20, DISK[1])
    settle(qtbot, w)
    assert iou(doc_of(w).edit > 0, first) >= 0.9


def test_wand_alt_click_subtracts_as_one_undo_step(qtbot: QtBot) -> None:
    pixels, first, _ = wand_scene()
    w = show_canvas(qtbot, pixels)
    doc = doc_of(w)
    doc.fill_all()
    w.set_tool("wand")
    click(qtbot, w, *DISK[:2], ALT)
    settle(qtbot, w)
    got = doc.edit > 0
    assert iou(~got, first) >= 0.9
    doc.undo()
    assert (doc.edit == 255).all()


def test_toolbar_subtract_switch_subtracts(qtbot: QtBot) -> None:
    pixels, first, _ = wand_scene()
    w = show_canvas(qtbot, pixels)
    bar = MaskToolbar(w)
    qtbot.addWidget(bar)
    doc_of(w).fill_all()
    bar.tool_actions["wand"].trigger()
    bar.mode_actions["subtract"].trigger()
    click(qtbot, w, *DISK[:2])
    settle(qtbot, w)
    assert iou(doc_of(w).edit == 0, first) >= 0.9


# --- object select --------------------------------------------------------------------------------


def object_scene() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A red body with a yellow handle on a textured green-brown background."""
    yy, xx = np.mgrid[0:IMG_H, 0:IMG_W]
    rng = np.random.default_rng(7)
    stripes = (np.sin(xx / 5.0) * np.cos(yy / 7.0) * 40).astype(np.int16)
    base = np.dstack([90 + stripes, 120 + stripes // 2, 60 + stripes // 3])
    pixels = np.clip(base + rng.normal(0, 10, base.shape), 0, 255).astype(np.uint8)
    body = np.zeros((IMG_H, IMG_W), np.uint8)
    cv2.ellipse(body, (180, 150), (70, 50), 0, 0, 360, 255, -1)
    handle = np.zeros_like(body)
    cv2.rectangle(handle, (245, 135), (300, 165), 255, -1)
    handle[body > 0] = 0
    colour_noise = rng.normal(0, 6, (IMG_H, IMG_W, 3))
    pixels[body > 0] = np.clip(np.array([210, 40, 40]) + colour_noise[body > 0], 0, 255)
    pixels[handle > 0] = np.clip(np.array([235, 220, 40]) + colour_noise[handle > 0], 0, 255)
    return pixels, body > 0, handle > 0


def test_object_select_finds_the_object_and_not_this_removes_a_part(qtbot: QtBot) -> None:
    pixels, body, handle = object_scene()
    w = show_canvas(qtbot, pixels)
    w.brush_size = 10
    qtbot.keyClick(w, Qt.Key.Key_O)
    assert w.tool == "object"
    drag(
        w, [(90 + OFFSET, 80 + OFFSET), (200 + OFFSET, 150 + OFFSET), (320 + OFFSET, 215 + OFFSET)]
    )
    settle(qtbot, w)
    doc = doc_of(w)
    assert iou(doc.edit > 127, body | handle) >= 0.8

    # A right-button stroke along the handle: "not this".
    drag(w, [(x + OFFSET, 150 + OFFSET) for x in range(255, 296, 5)], button=RIGHT)
    settle(qtbot, w)
    got = doc.edit > 127
    assert got[handle].mean() < 0.2
    assert iou(got, body) >= 0.8
    # Each run is one undo step: undo brings back the first result, again the empty mask.
    doc.undo()
    assert iou(doc.edit > 127, body | handle) >= 0.8
    doc.undo()
    assert doc.is_empty()


def test_escape_abandons_a_running_selection(qtbot: QtBot) -> None:
    pixels, _, _ = object_scene()
    w = show_canvas(qtbot, pixels)
    w.set_tool("object")
    drag(w, [(90 + OFFSET, 80 + OFFSET), (320 + OFFSET, 215 + OFFSET)])
    # The result arrives through the event loop, which has not run since the release.
    assert w.selection.busy
    with qtbot.waitSignal(w.selection.dropped, timeout=10_000):  # its result comes back…
        qtbot.keyClick(w, Qt.Key.Key_Escape)
        assert not w.selection.busy
    assert doc_of(w).is_empty()  # …and is dropped


def test_a_large_lasso_joins_as_before_and_its_tint_arrives_in_bands(qtbot: QtBot) -> None:
    from editor.core.selection import SelectionMode, combine, fill_polygon
    from editor.ui.canvas.mask_canvas import TINT_BAND_PIXELS

    big_w, big_h = 2400, 1600  # the shape's box is larger than one band of tint
    w = MaskCanvas()
    qtbot.addWidget(w)
    w.set_image(np.full((big_h, big_w, 3), 128, np.uint8))  # flat grey: the tint stands out
    doc = MaskDocument(big_w, big_h)
    w.set_document(doc)
    w.resize(700, 500)
    w.show()
    qtbot.waitExposed(w)
    w.setFocus()
    w.set_view_state(0.25, big_w / 2, big_h / 2)
    doc.begin_stroke(1200, 800, radius=150)  # paint the shape crosses, so the join is a max
    doc.end_stroke()
    before = doc.edit.copy()
    w.set_tool("lasso")
    for x, y in ((150, 120), (2250, 200), (2100, 1500), (300, 1400)):
        qtbot.mouseClick(w, LEFT, Qt.KeyboardModifier.NoModifier, w.map_from_image(x, y).toPoint())
    # Where the clicks landed in image pixels, filled by the engine alone.
    selection = fill_polygon(w.selection.tools["lasso"].path.points, (big_w, big_h))
    x0, y0, x1, y1 = selection.box
    assert (x1 - x0) * (y1 - y0) > TINT_BAND_PIXELS
    qtbot.keyClick(w, Qt.Key.Key_Return)
    settle(qtbot, w)
    # The same mask as joining the whole frame on the spot, as one undo step.
    assert np.array_equal(doc.edit, combine(before, selection, SelectionMode.ADD))
    # The tint follows over a few loop turns and then covers the whole shape.
    qtbot.waitUntil(lambda: not w.overlay_pending, timeout=5_000)
    shot = w.grab().toImage()
    for x, y in ((400, 400), (2000, 400), (1900, 1300), (500, 1250)):
        inside = shot.pixelColor(w.map_from_image(x, y).toPoint())
        outside = shot.pixelColor(w.map_from_image(x, 60 if y < 800 else 1560).toPoint())
        assert inside.red() - inside.green() > outside.red() - outside.green() + 40
    doc.undo()
    assert np.array_equal(doc.edit, before)
    doc.undo()
    assert doc.is_empty() and not doc.can_undo


def test_brush_eraser_and_rectangle_are_tool_objects_like_the_selection_tools(
    qtbot: QtBot,
) -> None:
    from editor.ui.canvas.tools.paint_tools import BrushTool, RectTool

    pixels, _, _ = wand_scene()
    w = show_canvas(qtbot, pixels)
    doc = doc_of(w)
    assert isinstance(w._paint_tools["brush"], BrushTool)
    assert isinstance(w._paint_tools["rect"], RectTool)
    qtbot.keyClick(w, Qt.Key.Key_R)
    drag(w, [(40 + OFFSET, 40 + OFFSET), (120 + OFFSET, 90 + OFFSET)])
    assert doc.edit[60, 80] == 255 and doc.edit[20, 20] == 0
    # A key switching tools mid-stroke ends the stroke as one undo step.
    qtbot.keyClick(w, Qt.Key.Key_B)
    start = w.map_from_image(200, 60).toPoint()
    qtbot.mousePress(w, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(w, w.map_from_image(260, 60).toPoint())
    qtbot.keyClick(w, Qt.Key.Key_E)
    qtbot.mouseRelease(w, Qt.MouseButton.LeftButton, pos=w.map_from_image(300, 60).toPoint())
    assert not doc.stroke_active and doc.edit[60, 230] > 0
    doc.undo()
    assert doc.edit[60, 230] == 0 and doc.edit[60, 80] == 255
