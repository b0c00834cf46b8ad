"""Preferences ▸ tablet pressure: what it drives, its curve (a gamma) and the minimum size.

The curve is drawn live next to the fields, so a designer sees what "gamma 2" means before
trying it with the pen.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from editor.core.selection import PressureCurve, PressureTarget, pressure_factors
from editor.ui.common.signals import signals_blocked

__all__ = ["CurvePreview", "PressureFields"]

_TARGETS = (
    (PressureTarget.SIZE, "Size"),
    (PressureTarget.OPACITY, "Opacity"),
    (PressureTarget.BOTH, "Size and opacity"),
)


class CurvePreview(QWidget):
    """Pen pressure (across) against the brush size or opacity it gives (up)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.curve = PressureCurve()
        self.setMinimumSize(120, 120)
        self.setToolTip("Pen pressure (left to right) against what it gives the brush")

    def sizeHint(self) -> QSize:
        return QSize(140, 140)

    def set_curve(self, curve: PressureCurve) -> None:
        self.curve = curve
        self.update()

    def points(self, samples: int = 48) -> list[tuple[float, float]]:
        """The drawn curve as (pressure, value) pairs: the size factor, or the opacity when
        pressure drives only opacity."""
        which = 1 if self.curve.target is PressureTarget.OPACITY else 0
        return [
            (p, pressure_factors(self.curve, p)[which])
            for p in (i / (samples - 1) for i in range(samples))
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        palette = self.palette()
        p.fillRect(box, palette.color(QPalette.ColorRole.Base))
        grid = QPen(palette.color(QPalette.ColorRole.Mid), 1, Qt.PenStyle.DotLine)
        p.setPen(grid)
        p.drawRect(box)
        p.drawLine(box.bottomLeft(), box.topRight())  # linear, for comparison

        def at(x: float, y: float) -> QPointF:
            return QPointF(box.left() + x * box.width(), box.bottom() - y * box.height())

        pts = self.points()
        path = QPainterPath(at(*pts[0]))
        for x, y in pts[1:]:
            path.lineTo(at(x, y))
        p.setPen(QPen(QColor(palette.color(QPalette.ColorRole.Highlight)), 2.2))
        p.drawPath(path)
        p.end()


class PressureFields(QWidget):
    """The pressure settings as fields plus their live curve; :meth:`curve` reads them back."""

    def __init__(self, curve: PressureCurve, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target_combo = QComboBox()
        for _, label in _TARGETS:
            self.target_combo.addItem(label)
        self.target_combo.setToolTip("What a firmer press changes")
        self.gamma_spin = QDoubleSpinBox()
        self.gamma_spin.setRange(0.1, 10.0)
        self.gamma_spin.setSingleStep(0.1)
        self.gamma_spin.setDecimals(2)
        self.gamma_spin.setToolTip("1 is linear; above 1 needs a firmer press, below 1 a lighter")
        self.minimum_spin = QSpinBox()
        self.minimum_spin.setRange(0, 100)
        self.minimum_spin.setSuffix(" %")
        self.minimum_spin.setToolTip("Brush size at the lightest touch, as a share of the size")
        self.preview = CurvePreview()

        form = QFormLayout()
        form.addRow("Pressure drives", self.target_combo)
        form.addRow("Curve (gamma)", self.gamma_spin)
        form.addRow("Minimum size", self.minimum_spin)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(form, 1)
        row.addWidget(self.preview)

        self.set_curve(curve)
        self.target_combo.currentIndexChanged.connect(self._changed)
        self.gamma_spin.valueChanged.connect(self._changed)
        self.minimum_spin.valueChanged.connect(self._changed)

    def set_curve(self, curve: PressureCurve) -> None:
        widgets = (self.target_combo, self.gamma_spin, self.minimum_spin)
        with signals_blocked(*widgets):
            self.target_combo.setCurrentIndex([t for t, _ in _TARGETS].index(curve.target))
            self.gamma_spin.setValue(curve.gamma)
            self.minimum_spin.setValue(round(curve.minimum_size * 100))
        self.preview.set_curve(self.curve())

    def curve(self) -> PressureCurve:
        return PressureCurve(
            target=_TARGETS[self.target_combo.currentIndex()][0],
            gamma=self.gamma_spin.value(),
            minimum_size=self.minimum_spin.value() / 100,
        )

    def _changed(self) -> None:
        self.preview.set_curve(self.curve())
