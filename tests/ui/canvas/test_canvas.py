"""MaskCanvas with real Qt events on a shown widget (offscreen platform)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QInputDevice,
    QMouseEvent,
    QNativeGestureEvent,
    QPaintEvent,
    QPointingDevice,
    QTabletEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from editor.core.mask_document import MaskDocument
from editor.core.selection import PressureCurve
from editor.ui.canvas.mask_canvas import MaskCanvas

IMG_W, IMG_H = 400, 300
WIDGET_W, WIDGET_H = 500, 400
LEFT = Qt.MouseButton.LeftButton
NO_MODS = Qt.KeyboardModifier.NoModifier


def make_pixels() -> np.ndarray:
    """A gradient whose colour tells the pixel: R = x mod 256, G = y mod 256, B = 128."""
    y, x = np.mgrid[0:IMG_H, 0:IMG_W]
    return np.dstack([x % 256, y % 256, np.full_like(x, 128)]).astype(np.uint8)


def show_canvas(qtbot: QtBot, pixels: np.ndarray, *, focus: bool = True) -> MaskCanvas:
    """A shown canvas on these pixels (IMG_W x IMG_H) and an empty mask, at zoom 1 centred on
    the image: image (0, 0) sits at widget (50, 50). With ``focus`` it is active and has the
    keyboard."""
    w = MaskCanvas()
    qtbot.addWidget(w)
    w.set_image(pixels)
    w.set_document(MaskDocument(IMG_W, IMG_H))
    w.resize(WIDGET_W, WIDGET_H)
    w.show()
    qtbot.waitExposed(w)
    if focus:
        w.activateWindow()
        w.setFocus()
    w.set_view_state(1.0, IMG_W / 2, IMG_H / 2)
    return w


@pytest.fixture
def canvas(qtbot: QtBot) -> Iterator[MaskCanvas]:
    yield show_canvas(qtbot, make_pixels())


@pytest.fixture
def doc(canvas: MaskCanvas) -> MaskDocument:
    assert canvas.document is not None
    return canvas.document


def send_mouse(
    w: MaskCanvas,
    kind: QEvent.Type,
    pos: tuple[float, float],
    button: Qt.MouseButton = LEFT,
    mods: Qt.KeyboardModifier = NO_MODS,
) -> None:
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    ev_button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else button
    p = QPointF(*pos)
    ev = QMouseEvent(kind, p, w.mapToGlobal(p), ev_button, held, mods)
    QApplication.sendEvent(w, ev)


def drag(
    w: MaskCanvas,
    points: list[tuple[float, float]],
    button: Qt.MouseButton = LEFT,
    mods: Qt.KeyboardModifier = NO_MODS,
) -> None:
    """Press at the first point, move through the rest, release at the last."""
    send_mouse(w, QEvent.Type.MouseButtonPress, points[0], button, mods)
    for p in points[1:]:
        send_mouse(w, QEvent.Type.MouseMove, p, button, mods)
    send_mouse(w, QEvent.Type.MouseButtonRelease, points[-1], button, mods)


def expected_image_point(w: MaskCanvas, wx: float, wy: float) -> tuple[float, float]:
    """Independent of the canvas code: widget centre shows the view centre at ``zoom``."""
    zoom, cx, cy = w.view_state()
    s = zoom / w.devicePixelRatioF()
    return cx + (wx - w.width() / 2) / s, cy + (wy - w.height() / 2) / s


# --- painting -----------------------------------------------------------------------------------


def test_qtbot_drag_paints_under_cursor_at_zoom_1(
    canvas: MaskCanvas, doc: MaskDocument, qtbot: QtBot
) -> None:
    canvas.brush_size = 10
    canvas.hardness = 1.0
    qtbot.mousePress(canvas, LEFT, pos=QPoint(100, 100))
    qtbot.mouseMove(canvas, QPoint(160, 100))
    qtbot.mouseRelease(canvas, LEFT, pos=QPoint(200, 100))
    # Widget (100, 100) → image (50, 50); release point (200, 100) → image (150, 50).
    assert np.all(doc.edit[47:53, 50:150] == 255)
    assert doc.edit[50, 40] == 0 and doc.edit[50, 160] == 0
    assert doc.edit[60, 100] == 0 and doc.edit[40, 100] == 0
    assert doc.can_undo


def test_drag_paints_continuous_band_with_fast_moves(canvas: MaskCanvas, doc: MaskDocument) -> None:
    canvas.brush_size = 6
    canvas.hardness = 1.0
    drag(canvas, [(60, 60), (400, 60), (400, 300)])
    assert np.all(doc.edit[10, 10:350] == 255)
    assert np.all(doc.edit[10:250, 350] == 255)
    doc.undo()  # one drag = one undo step
    assert doc.is_empty()


def test_drag_at_zoom_2_after_panning(canvas: MaskCanvas, doc: MaskDocument) -> None:
    canvas.brush_size = 4
    canvas.hardness = 1.0
    canvas.set_zoom(2.0)
    canvas.pan_by(-37, 23)  # odd pixels so the mapping is not accidentally symmetric
    a, b = (120.0, 150.0), (300.0, 210.0)
    ax, ay = expected_image_point(canvas, *a)
    bx, by = expected_image_point(canvas, *b)
    assert canvas.map_to_image(QPointF(*a)) == pytest.approx((ax, ay), abs=0.51)
    drag(canvas, [a, b])
    for t in np.linspace(0, 1, 25):
        x, y = ax + (bx - ax) * t, ay + (by - ay) * t
        assert doc.edit[int(y), int(x)] == 255, (x, y)
    # Nothing painted far from the line.
    assert doc.edit[int(ay) + 20, int(ax)] == 0
    painted = np.argwhere(doc.edit)
    assert painted[:, 1].min() >= int(ax) - 3 and painted[:, 1].max() <= int(bx) + 3


def test_eraser_removes(canvas: MaskCanvas, doc: MaskDocument, qtbot: QtBot) -> None:
    doc.fill_all()
    qtbot.keyClick(canvas, Qt.Key.Key_E)
    assert canvas.tool == "eraser"
    canvas.brush_size = 10
    canvas.hardness = 1.0
    drag(canvas, [(100, 100), (200, 100)])
    assert np.all(doc.edit[47:53, 50:150] == 0)
    assert doc.edit[80, 100] == 255
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    assert canvas.tool == "brush"
    drag(canvas, [(100, 100), (200, 100)])
    assert np.all(doc.edit == 255)


def test_alt_swaps_brush_to_erase(canvas: MaskCanvas, doc: MaskDocument) -> None:
    doc.fill_all()
    canvas.brush_size = 10
    drag(canvas, [(100, 100), (120, 100)], mods=Qt.KeyboardModifier.AltModifier)
    assert doc.edit[50, 60] == 0


def test_tablet_pressure_scales_the_dab(canvas: MaskCanvas, doc: MaskDocument) -> None:
    pen = QPointingDevice(
        "test pen",
        1,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        3,
    )
    canvas.brush_size = 40
    canvas.hardness = 1.0
    canvas.pressure_curve = PressureCurve(minimum_size=0.0)  # linear, down to nothing

    def tablet(kind: QEvent.Type, pos: tuple[float, float], pressure: float) -> None:
        held = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else LEFT
        p = QPointF(*pos)
        ev = QTabletEvent(
            kind, pen, p, canvas.mapToGlobal(p), pressure, 0, 0, 0, 0, 0, NO_MODS, LEFT, held
        )
        QApplication.sendEvent(canvas, ev)

    tablet(QEvent.Type.TabletPress, (150, 150), 0.5)
    tablet(QEvent.Type.TabletRelease, (150, 150), 0.5)
    half = np.count_nonzero(doc.edit)
    assert abs(half - np.pi * 10**2) < 2 * np.pi * 10  # radius 20 × pressure 0.5


# --- brush controls -----------------------------------------------------------------------------


def test_bracket_keys_change_brush_size(canvas: MaskCanvas, qtbot: QtBot) -> None:
    canvas.brush_size = 50
    seen: list[int] = []
    canvas.brush_size_changed.connect(seen.append)
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.brush_size == 55
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert canvas.brush_size == 45
    assert seen == [55, 50, 45]
    canvas.brush_size = 1
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert canvas.brush_size == 1
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.brush_size == 2


# --- view ---------------------------------------------------------------------------------------


def test_f_fits_and_1_is_100_percent(canvas: MaskCanvas, qtbot: QtBot) -> None:
    canvas.set_view_state(5.0, 10, 10)
    zooms: list[float] = []
    canvas.zoom_changed.connect(zooms.append)
    qtbot.keyClick(canvas, Qt.Key.Key_F)
    fit = min(WIDGET_W / IMG_W, WIDGET_H / IMG_H) * 0.96
    assert canvas.view_state() == pytest.approx((fit, IMG_W / 2, IMG_H / 2))
    assert zooms == [pytest.approx(fit)]
    # The whole image is on screen.
    x0, y0 = canvas.map_from_image(0, 0).toTuple()
    x1, y1 = canvas.map_from_image(IMG_W, IMG_H).toTuple()
    assert x0 >= 0 and y0 >= 0 and x1 <= WIDGET_W and y1 <= WIDGET_H
    qtbot.keyClick(canvas, Qt.Key.Key_1)
    assert canvas.zoom == 1.0


def test_plus_minus_keys_zoom(canvas: MaskCanvas, qtbot: QtBot) -> None:
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.zoom == pytest.approx(1.25)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.zoom == pytest.approx(0.8)


def wheel(w: MaskCanvas, pos: tuple[float, float], notches: float, pixel: QPoint | None = None):
    p = QPointF(*pos)
    ev = QWheelEvent(
        p,
        w.mapToGlobal(p),
        pixel if pixel is not None else QPoint(),
        QPoint(0, round(120 * notches)),
        Qt.MouseButton.NoButton,
        NO_MODS,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(w, ev)


@pytest.mark.parametrize("notches", [1, 3, -2])
def test_wheel_zooms_about_the_cursor(canvas: MaskCanvas, notches: int) -> None:
    pos = (133.0, 271.0)
    before = canvas.map_to_image(QPointF(*pos))
    wheel(canvas, pos, notches)
    assert canvas.zoom == pytest.approx(1.25**notches)
    after = canvas.map_to_image(QPointF(*pos))
    # Within the device-pixel snap of the image origin.
    assert after == pytest.approx(before, abs=1.0 / canvas.zoom)


def test_trackpad_scroll_pans(canvas: MaskCanvas) -> None:
    before = canvas.view_state()
    wheel(canvas, (200, 200), 0.1, pixel=QPoint(30, -10))
    zoom, cx, cy = canvas.view_state()
    assert zoom == before[0]
    assert (cx, cy) == pytest.approx((before[1] - 30, before[2] + 10))


def test_space_drag_pans_without_painting(
    canvas: MaskCanvas, doc: MaskDocument, qtbot: QtBot
) -> None:
    changes: list[None] = []
    canvas.view_changed.connect(lambda: changes.append(None))
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    drag(canvas, [(100, 100), (130, 110), (150, 120)])
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert canvas.view_state() == pytest.approx((1.0, IMG_W / 2 - 50, IMG_H / 2 - 20))
    assert doc.is_empty()
    assert changes
    # Image point (50, 50) now sits under widget (150, 120).
    assert canvas.map_to_image(QPointF(150, 120)) == pytest.approx((50, 50))
    # Space released: dragging paints again.
    drag(canvas, [(150, 120), (160, 120)])
    assert doc.edit[50, 55] == 255


def test_middle_drag_pans(canvas: MaskCanvas, doc: MaskDocument) -> None:
    drag(canvas, [(100, 100), (80, 90)], button=Qt.MouseButton.MiddleButton)
    assert canvas.view_state() == pytest.approx((1.0, IMG_W / 2 + 20, IMG_H / 2 + 10))
    assert doc.is_empty()


def test_view_state_round_trip(qtbot: QtBot, canvas: MaskCanvas) -> None:
    canvas.set_view_state(3.0, 120.5, 77.25)
    other = MaskCanvas()
    qtbot.addWidget(other)
    other.set_image(make_pixels())
    other.resize(WIDGET_W, WIDGET_H)
    other.show()
    qtbot.waitExposed(other)
    other.set_view_state(*canvas.view_state())
    for p in [QPointF(0, 0), QPointF(321, 123)]:
        assert other.map_to_image(p) == pytest.approx(canvas.map_to_image(p))


# --- rectangle tool -----------------------------------------------------------------------------


def test_rect_tool_fills_and_alt_erases(
    canvas: MaskCanvas, doc: MaskDocument, qtbot: QtBot
) -> None:
    qtbot.keyClick(canvas, Qt.Key.Key_R)
    assert canvas.tool == "rect"
    drag(canvas, [(250, 200), (180, 160), (150, 130)])  # any corner order
    expected = np.zeros((IMG_H, IMG_W), np.uint8)
    expected[80:150, 100:200] = 255
    np.testing.assert_array_equal(doc.edit, expected)
    drag(canvas, [(160, 140), (170, 150)], mods=Qt.KeyboardModifier.AltModifier)
    expected[90:100, 110:120] = 0
    np.testing.assert_array_equal(doc.edit, expected)
    doc.undo()
    doc.undo()
    assert doc.is_empty()


# --- what is on screen --------------------------------------------------------------------------


def screen(w: MaskCanvas) -> np.ndarray:
    """The widget as the user sees it, as an ``H×W×3`` RGB copy."""
    img = w.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8, count=img.sizeInBytes())
    rows = arr.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3]
    return rows.reshape(img.height(), img.width(), 3).copy()  # copy: img dies on return


def test_screenshot_is_tinted_only_where_painted(canvas: MaskCanvas) -> None:
    canvas.set_overlay(QColor(0, 255, 0), 0.5)
    canvas.brush_size = 20
    canvas.hardness = 1.0
    drag(canvas, [(100, 100), (200, 100)])
    shot = screen(canvas)
    pixels = make_pixels()
    # Painted: image (100, 50) at widget (150, 100) is blended half-way to green.
    r, g, b = (int(v) for v in shot[100, 150])
    ir, ig, ib = (int(v) for v in pixels[50, 100])
    assert abs(r - ir * 0.5) <= 2 and abs(g - (ig * 0.5 + 127.5)) <= 2 and abs(b - ib * 0.5) <= 2
    # Unpainted image pixels show exactly the image (zoom 1, no smoothing).
    for wx, wy in [(100, 200), (400, 300), (60, 60)]:
        np.testing.assert_array_equal(shot[wy, wx], pixels[wy - 50, wx - 50])
    # Outside the image: the dark background.
    assert shot[10, 10].max() < 60


def test_nearest_pixels_when_zoomed_in(canvas: MaskCanvas) -> None:
    canvas.set_view_state(4.0, 100, 100)
    shot = screen(canvas)
    # Image pixel (100, 100) covers widget [250, 254) × [200, 204): one flat colour.
    block = shot[200:204, 250:254].reshape(-1, 3)
    assert (block == block[0]).all()
    np.testing.assert_array_equal(block[0], make_pixels()[100, 100])


def test_set_display_swaps_pixels_and_keeps_mask(canvas: MaskCanvas, doc: MaskDocument) -> None:
    variant = np.full((IMG_H, IMG_W, 3), 200, np.uint8)
    doc.fill_rect(0, 0, 10, 10)
    canvas.set_display(variant)
    shot = screen(canvas)
    np.testing.assert_array_equal(shot[250, 250], [200, 200, 200])
    assert doc.edit[0, 0] == 255
    canvas.set_display(None)
    np.testing.assert_array_equal(screen(canvas)[250, 250], make_pixels()[200, 200])
    with pytest.raises(ValueError):
        canvas.set_display(np.zeros((5, 5, 3), np.uint8))


def test_overlay_toggle(canvas: MaskCanvas, doc: MaskDocument) -> None:
    doc.fill_all()
    canvas.set_overlay_visible(False)
    np.testing.assert_array_equal(screen(canvas)[250, 250], make_pixels()[200, 200])
    canvas.set_overlay_visible(True)
    assert not np.array_equal(screen(canvas)[250, 250], make_pixels()[200, 200])


class PaintSpy(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            assert isinstance(event, QPaintEvent)
            self.rects.append(event.rect())
        return False


def test_painting_repaints_only_the_dirty_region(canvas: MaskCanvas, qtbot: QtBot) -> None:
    canvas.brush_size = 20
    spy = PaintSpy()
    canvas.installEventFilter(spy)
    QApplication.sendEvent(  # the pointer arrives over the canvas first, as a real one does
        canvas,
        QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(100, 100),
            canvas.mapToGlobal(QPointF(100, 100)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            NO_MODS,
        ),
    )
    QApplication.processEvents()
    spy.rects.clear()
    send_mouse(canvas, QEvent.Type.MouseButtonPress, (100, 100))
    for x in range(102, 160, 2):
        send_mouse(canvas, QEvent.Type.MouseMove, (x, 100))
        QApplication.processEvents()
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, (160, 100))
    QApplication.processEvents()
    canvas.removeEventFilter(spy)
    assert spy.rects
    full = WIDGET_W * WIDGET_H
    assert max(r.width() * r.height() for r in spy.rects) < full / 20


def test_document_of_wrong_size_is_refused(canvas: MaskCanvas) -> None:
    with pytest.raises(ValueError):
        canvas.set_document(MaskDocument(10, 10))
    with pytest.raises(ValueError):
        canvas.set_tool("smudge")


def test_zoomed_out_view_is_area_averaged_not_aliased(qtbot: QtBot) -> None:
    """One-pixel black/white stripes at 25 % look mid-grey (drawn from a half-size level)."""
    w = MaskCanvas()
    qtbot.addWidget(w)
    stripes = np.zeros((400, 400, 3), np.uint8)
    stripes[:, ::2] = 255
    w.set_image(stripes)
    w.resize(WIDGET_W, WIDGET_H)
    w.show()
    qtbot.waitExposed(w)
    w.set_view_state(0.25, 200, 200)
    middle = screen(w)[180:220, 230:270].astype(int)
    assert abs(middle.mean() - 127.5) < 6
    assert middle.std() < 12


def test_brush_outline_shows_true_size_at_zoom(canvas: MaskCanvas) -> None:
    canvas.set_image(np.full((IMG_H, IMG_W, 3), 128, np.uint8))
    canvas.set_document(MaskDocument(IMG_W, IMG_H))
    canvas.set_view_state(2.0, IMG_W / 2, IMG_H / 2)
    canvas.brush_size = 40  # radius 20 image px = 40 widget px at zoom 2
    send_mouse(canvas, QEvent.Type.MouseMove, (250, 200), Qt.MouseButton.NoButton)
    row = screen(canvas)[200].astype(int)
    grey = [128, 128, 128]
    assert not np.array_equal(row[290], grey) and not np.array_equal(row[210], grey)
    for x in (270, 280, 300, 310, 230, 190):
        np.testing.assert_array_equal(row[x], grey)


def test_pinch_zooms_about_the_fingers(canvas: MaskCanvas) -> None:
    pos = QPointF(180, 220)
    before = canvas.map_to_image(pos)
    ev = QNativeGestureEvent(
        Qt.NativeGestureType.ZoomNativeGesture,
        QPointingDevice.primaryPointingDevice(),
        2,
        pos,
        pos,
        canvas.mapToGlobal(pos),
        0.5,
        QPointF(),
        1,
    )
    QApplication.sendEvent(canvas, ev)
    assert canvas.zoom == pytest.approx(1.5)
    assert canvas.map_to_image(pos) == pytest.approx(before, abs=1.0)
