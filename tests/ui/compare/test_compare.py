"""CompareView with real wheel, mouse and key events on a shown widget (offscreen platform)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from editor.ui.compare.compare import CompareView
from editor.ui.compare.image_view import ImageView

IMG_W, IMG_H = 400, 300
LEFT = Qt.MouseButton.LeftButton
RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 255, 0)


def solid(rgb: tuple[int, int, int]) -> np.ndarray:
    img = np.empty((IMG_H, IMG_W, 3), np.uint8)
    img[:] = rgb
    return img


@pytest.fixture
def compare(qtbot: QtBot) -> Iterator[CompareView]:
    c = CompareView()
    qtbot.addWidget(c)
    c.set_images(solid(RED), solid(BLUE))
    c.resize(900, 500)
    c.show()
    qtbot.waitExposed(c)
    c.activateWindow()
    c.setFocus()
    yield c


def wheel(w: QWidget, pos: tuple[float, float], notches: float) -> None:
    p = QPointF(*pos)
    ev = QWheelEvent(
        p,
        w.mapToGlobal(p),
        QPoint(),
        QPoint(0, round(120 * notches)),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(w, ev)


def drag(qtbot: QtBot, w: QWidget, a: tuple[int, int], b: tuple[int, int]) -> None:
    qtbot.mousePress(w, LEFT, pos=QPoint(*a))
    mid = QPoint((a[0] + b[0]) // 2, (a[1] + b[1]) // 2)
    qtbot.mouseMove(w, mid)
    qtbot.mouseMove(w, QPoint(*b))
    qtbot.mouseRelease(w, LEFT, pos=QPoint(*b))


def colour_at(w: QWidget, x: int, y: int) -> tuple[int, int, int]:
    r, g, b, _ = w.grab().toImage().pixelColor(x, y).getRgb()
    return r, g, b


# --- side by side -------------------------------------------------------------------------------


def test_starts_side_by_side_with_equal_fitted_views(compare: CompareView) -> None:
    left, right = compare.left_view, compare.right_view
    assert compare.mode() == "side"
    assert left.isVisible() and right.isVisible() and not compare.wipe_view.isVisible()
    assert left.size() == right.size()
    assert left.view_state() == right.view_state()
    assert left.auto_fit
    assert compare.toolbar.zoom_label.text() == f"{left.view_state()[0] * 100:.0f} %"
    assert colour_at(left, left.width() // 2, left.height() // 2) == RED
    assert colour_at(right, right.width() // 2, right.height() // 2) == BLUE


def test_wheel_on_one_side_zooms_both(compare: CompareView) -> None:
    left, right = compare.left_view, compare.right_view
    zoom0 = left.view_state()[0]
    pos = (117.0, 203.0)
    wheel(left, pos, 2)
    assert left.view_state()[0] == pytest.approx(zoom0 * 1.25**2)
    assert right.view_state() == left.view_state()
    # The same image point sits under the same spot in both views.
    assert right.map_to_image(QPointF(*pos)) == left.map_to_image(QPointF(*pos))
    assert compare.view_state() == left.view_state()
    wheel(right, (300.0, 50.0), -1)
    assert left.view_state() == right.view_state()
    assert compare.toolbar.zoom_label.text() == f"{left.view_state()[0] * 100:.0f} %"


def test_drag_pan_on_one_side_moves_both(compare: CompareView, qtbot: QtBot) -> None:
    left, right = compare.left_view, compare.right_view
    compare.set_view_state(2.0, 200.0, 150.0)
    assert right.view_state() == left.view_state() == (2.0, 200.0, 150.0)
    drag(qtbot, right, (200, 200), (160, 230))  # image follows the pointer: -40, +30 px
    zoom, cx, cy = right.view_state()
    scale = zoom / right.devicePixelRatioF()
    assert (zoom, cx, cy) == (2.0, 200.0 + 40 / scale, 150.0 - 30 / scale)
    assert left.view_state() == right.view_state()
    assert not left.auto_fit


def test_keys_fit_and_actual_size(compare: CompareView, qtbot: QtBot) -> None:
    left, right = compare.left_view, compare.right_view
    fitted = left.view_state()
    qtbot.keyClick(left, Qt.Key.Key_1)
    assert left.view_state()[0] == 1.0 and right.view_state() == left.view_state()
    qtbot.keyClick(left, Qt.Key.Key_F)
    assert left.view_state() == right.view_state() == fitted


def test_same_size_images_keep_the_view(compare: CompareView) -> None:
    compare.set_view_state(3.0, 120.0, 90.0)
    compare.set_images(solid(RED), solid(GREEN))
    assert compare.view_state() == compare.right_view.view_state() == (3.0, 120.0, 90.0)
    assert colour_at(compare.right_view, 10, 100) == GREEN
    with pytest.raises(ValueError, match="must match"):
        compare.set_images(solid(RED), np.zeros((10, 10, 3), np.uint8))


def test_no_variant_shows_the_original_alone(compare: CompareView) -> None:
    compare.set_images(solid(RED), None)
    right = compare.right_view
    assert colour_at(compare.left_view, 200, 200) == RED
    assert colour_at(right, 20, 20) not in (RED, BLUE)  # empty backdrop with a hint
    compare.set_mode("wipe")
    w = compare.wipe_view
    assert not w.wipe_active()
    assert colour_at(w, w.width() // 2 + 100, 100) == RED  # no divider, no variant


# --- wipe ---------------------------------------------------------------------------------------


def wipe(compare: CompareView, qtbot: QtBot) -> ImageView:
    qtbot.keyClick(compare.left_view, Qt.Key.Key_W)
    assert compare.mode() == "wipe"
    w = compare.wipe_view
    assert w.isVisible() and w.hasFocus()
    return w


def test_drag_the_divider_changes_what_is_shown(compare: CompareView, qtbot: QtBot) -> None:
    w = wipe(compare, qtbot)
    assert compare.wipe_position() == IMG_W / 2
    x, y = round(w.wipe_widget_x()), w.height() // 2 + 60
    assert colour_at(w, x - 30, y) == RED  # left of the divider: the original
    assert colour_at(w, x + 30, y) == BLUE  # right of it: the variant
    zoom, cx, cy = w.view_state()
    drag(qtbot, w, (x, y), (x + 80, y))
    assert w.view_state() == (zoom, cx, cy)  # dragging the divider does not pan
    expected = w.map_to_image(QPointF(x + 80, y))[0]
    assert compare.wipe_position() == expected
    assert colour_at(w, x + 30, y) == RED  # now left of the divider
    assert colour_at(w, x + 110, y) == BLUE


def test_drag_away_from_the_divider_pans(compare: CompareView, qtbot: QtBot) -> None:
    w = wipe(compare, qtbot)
    before = compare.wipe_position()
    zoom0 = w.view_state()[0]
    x = round(w.wipe_widget_x())
    drag(qtbot, w, (x - 100, 100), (x - 60, 100))
    zoom, cx, _ = w.view_state()
    assert zoom == zoom0 and cx == pytest.approx(IMG_W / 2 - 40 / (zoom / w.devicePixelRatioF()))
    assert compare.wipe_position() == before
    # The divider stayed on its image column, so it moved 40 px on screen with the picture.
    assert w.wipe_widget_x() == pytest.approx(x + 40, abs=1)
    assert colour_at(w, x + 30, 100) == RED
    assert colour_at(w, x + 50, 100) == BLUE


def test_divider_keeps_its_image_column_through_zoom(compare: CompareView, qtbot: QtBot) -> None:
    w = wipe(compare, qtbot)
    compare.set_wipe_position(100.0)
    x0 = w.wipe_widget_x()
    wheel(w, (x0 + 100.0, 40.0), 3)  # zoom about a point right of the divider
    assert compare.wipe_position() == 100.0
    zoom, cx, _ = w.view_state()
    scale = zoom / w.devicePixelRatioF()
    expected_x = w.width() / 2 + (100.0 - cx) * scale
    x = w.wipe_widget_x()
    assert x == pytest.approx(expected_x, abs=1)
    assert x == pytest.approx(x0 + 100.0 - 100.0 * 1.25**3, abs=1)  # pushed left, still on screen
    assert 20 < x < w.width() - 20
    y = w.height() // 2 + 40
    assert colour_at(w, round(x) - 4, y) == RED
    assert colour_at(w, round(x) + 4, y) == BLUE


def test_arrow_keys_move_the_divider(compare: CompareView, qtbot: QtBot) -> None:
    w = wipe(compare, qtbot)
    seen: list[float] = []
    w.wipe_changed.connect(seen.append)
    qtbot.keyClick(w, Qt.Key.Key_Right)
    assert compare.wipe_position() == 200.0 + 8.0  # 2 % of the 400 px width
    qtbot.keyClick(w, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert compare.wipe_position() == 207.0  # Shift: one image pixel
    for _ in range(40):
        qtbot.keyClick(w, Qt.Key.Key_Left)
    assert compare.wipe_position() == 0.0  # clamped to the image
    assert seen[:2] == [208.0, 207.0] and seen[-1] == 0.0


# --- modes --------------------------------------------------------------------------------------


def test_keys_switch_modes_and_emit(compare: CompareView, qtbot: QtBot) -> None:
    modes: list[str] = []
    compare.mode_changed.connect(modes.append)
    qtbot.keyClick(compare.left_view, Qt.Key.Key_W)
    assert compare.mode() == "wipe" and compare.toolbar.buttons["wipe"].isChecked()
    qtbot.keyClick(compare.wipe_view, Qt.Key.Key_W)  # already there: no signal
    qtbot.keyClick(compare.wipe_view, Qt.Key.Key_S)
    assert compare.mode() == "side" and compare.toolbar.buttons["side"].isChecked()
    assert compare.left_view.hasFocus()
    assert modes == ["wipe", "side"]
    qtbot.mouseClick(compare.toolbar.buttons["wipe"], LEFT)
    assert modes == ["wipe", "side", "wipe"]
    with pytest.raises(ValueError):
        compare.set_mode("overlay")


def test_view_state_carries_across_modes(compare: CompareView, qtbot: QtBot) -> None:
    compare.set_view_state(2.5, 110.0, 70.0)
    qtbot.keyClick(compare.left_view, Qt.Key.Key_W)
    assert compare.view_state() == compare.wipe_view.view_state() == (2.5, 110.0, 70.0)
    wheel(compare.wipe_view, (300.0, 200.0), 1)
    state = compare.view_state()
    qtbot.keyClick(compare.wipe_view, Qt.Key.Key_S)
    assert compare.left_view.view_state() == compare.right_view.view_state() == state


def test_labels(compare: CompareView, qtbot: QtBot) -> None:
    compare.set_labels("Original", "Variant 2 · job 3")
    assert compare.labels() == ("Original", "Variant 2 · job 3")
    compare.set_view_state(4.0, 200.0, 150.0)  # all red / all blue under the label corners
    # A dark pill is drawn in the top-left corner of each view.
    assert colour_at(compare.left_view, 14, 20) != RED
    assert colour_at(compare.right_view, 14, 20) != BLUE
    assert colour_at(compare.left_view, 14, 200) == RED
