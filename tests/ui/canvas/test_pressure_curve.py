"""The Preferences pressure curve as the canvas's tablet handling applies it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from editor.core.mask_document import MaskDocument
from editor.core.selection import PressureCurve, PressureTarget
from editor.ui.canvas.mask_canvas import MaskCanvas
from tests.ui.canvas import test_canvas

canvas, doc = test_canvas.canvas, test_canvas.doc  # the fixtures
LEFT = Qt.MouseButton.LeftButton
PEN = QPointingDevice(
    "test pen",
    1,
    QInputDevice.DeviceType.Stylus,
    QPointingDevice.PointerType.Pen,
    QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
    1,
    3,
)


def dab(w: MaskCanvas, pressure: float, pos: tuple[float, float] = (150, 150)) -> None:
    for kind in (QEvent.Type.TabletPress, QEvent.Type.TabletRelease):
        held = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else LEFT
        p = QPointF(*pos)
        ev = QTabletEvent(
            kind, PEN, p, w.mapToGlobal(p), pressure, 0, 0, 0, 0, 0,
            Qt.KeyboardModifier.NoModifier, LEFT, held,
        )  # fmt: skip
        QApplication.sendEvent(w, ev)


def test_gamma_makes_a_light_press_smaller(canvas: MaskCanvas, doc: MaskDocument) -> None:
    canvas.brush_size, canvas.hardness = 40, 1.0
    canvas.pressure_curve = PressureCurve(gamma=2.0, minimum_size=0.0)
    dab(canvas, 0.5)
    area = np.count_nonzero(doc.edit)
    assert abs(area - np.pi * 5**2) < 2 * np.pi * 5  # radius 20 × 0.5²


def test_minimum_size_keeps_a_feather_touch(canvas: MaskCanvas, doc: MaskDocument) -> None:
    canvas.brush_size, canvas.hardness = 40, 1.0
    canvas.pressure_curve = PressureCurve(minimum_size=0.5)
    dab(canvas, 0.0)
    area = np.count_nonzero(doc.edit)
    assert abs(area - np.pi * 10**2) < 2 * np.pi * 10  # half the 20 px radius


def test_pressure_driving_opacity_paints_a_lighter_full_size_dab(
    canvas: MaskCanvas,
    doc: MaskDocument,
) -> None:
    canvas.brush_size, canvas.hardness = 40, 1.0
    canvas.pressure_curve = PressureCurve(target=PressureTarget.OPACITY)
    dab(canvas, 0.5)
    area = np.count_nonzero(doc.edit)
    assert abs(area - np.pi * 20**2) < 2 * np.pi * 20
    assert 110 <= doc.edit.max() <= 140  # about half of 255
