"""Icons drawn with QPainter: crisp at every size and device pixel ratio, no files to ship.

``python -m editor.ui.common.icons`` writes the app icon as PNGs (16–512 px) to resources/icons/ for
desktop files and installers.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication

__all__ = ["app_icon", "render_app_icon", "tool_icon"]

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _paint_app_icon(p: QPainter, s: float) -> None:
    """A rounded tile: a photo-like landscape, a pink mask stroke across it and a sparkle."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    m = s * 0.06
    tile = QRectF(m, m, s - 2 * m, s - 2 * m)
    sky = QLinearGradient(tile.topLeft(), tile.bottomLeft())
    sky.setColorAt(0.0, QColor(64, 120, 214))
    sky.setColorAt(1.0, QColor(120, 82, 200))
    path = QPainterPath()
    path.addRoundedRect(tile, s * 0.2, s * 0.2)
    p.fillPath(path, QBrush(sky))
    p.save()
    p.setClipPath(path)
    hill = QPainterPath(QPointF(tile.left(), tile.bottom()))
    hill.lineTo(tile.left(), s * 0.72)
    hill.cubicTo(s * 0.35, s * 0.55, s * 0.6, s * 0.8, tile.right(), s * 0.62)
    hill.lineTo(tile.right(), tile.bottom())
    p.fillPath(hill, QColor(40, 60, 120))
    p.restore()
    stroke = QPainterPath(QPointF(s * 0.24, s * 0.7))
    stroke.cubicTo(s * 0.36, s * 0.42, s * 0.58, s * 0.62, s * 0.7, s * 0.36)
    pen = QPen(QColor(255, 70, 140, 235), s * 0.13)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.strokePath(stroke, pen)
    _sparkle(p, QPointF(s * 0.72, s * 0.27), s * 0.14, QColor(255, 255, 255))


def _sparkle(p: QPainter, c: QPointF, r: float, color: QColor) -> None:
    star = QPainterPath(QPointF(c.x(), c.y() - r))
    k = r * 0.22
    star.quadTo(c.x() + k, c.y() - k, c.x() + r, c.y())
    star.quadTo(c.x() + k, c.y() + k, c.x(), c.y() + r)
    star.quadTo(c.x() - k, c.y() + k, c.x() - r, c.y())
    star.quadTo(c.x() - k, c.y() - k, c.x(), c.y() - r)
    p.fillPath(star, color)


def render_app_icon(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    _paint_app_icon(p, float(size))
    p.end()
    return image


@functools.cache  # drawn once: the application and the window both ask for it at start
def app_icon() -> QIcon:
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addPixmap(QPixmap.fromImage(render_app_icon(size)))
    return icon


# -- toolbar glyphs (drawn in a 24-unit box with the palette's text colour) ------------------------


def _brush(p: QPainter, pen: QPen) -> None:
    p.setPen(pen)
    p.drawEllipse(QPointF(12, 12), 7.5, 7.5)
    p.setBrush(pen.color())
    p.drawEllipse(QPointF(12, 12), 2.2, 2.2)


def _eraser(p: QPainter, pen: QPen) -> None:
    p.setPen(pen)
    body = QPainterPath(QPointF(4, 15))
    for x, y in ((12, 7), (20, 15), (15, 20), (9, 20), (4, 15)):
        body.lineTo(x, y)
    p.drawPath(body)
    p.drawLine(QPointF(8, 11), QPointF(16, 19))
    p.drawLine(QPointF(9, 20.5), QPointF(21, 20.5))


def _rect(p: QPainter, pen: QPen) -> None:
    dashed = QPen(pen)
    dashed.setDashPattern([2.0, 1.5])
    p.setPen(dashed)
    p.drawRect(QRectF(4.5, 6.5, 15, 11))


def _lasso(p: QPainter, pen: QPen) -> None:
    dashed = QPen(pen)
    dashed.setDashPattern([2.0, 1.5])
    p.setPen(dashed)
    loop = QPainterPath(QPointF(6, 15))
    loop.cubicTo(1, 8, 10, 2, 17, 5)
    loop.cubicTo(23, 8, 20, 16, 12, 16)
    p.drawPath(loop)
    p.setPen(pen)
    p.drawLine(QPointF(6, 15), QPointF(8, 21))


def _wand(p: QPainter, pen: QPen) -> None:
    p.setPen(pen)
    p.drawLine(QPointF(4, 20), QPointF(14, 10))
    _sparkle(p, QPointF(17, 7), 4.5, pen.color())


def _object(p: QPainter, pen: QPen) -> None:
    dashed = QPen(pen)
    dashed.setDashPattern([2.0, 1.5])
    p.setPen(dashed)
    p.drawRect(QRectF(3.5, 3.5, 17, 17))
    p.setBrush(pen.color())
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(QPointF(12, 12.5), 4.5, 5.5)


def _markup(p: QPainter, pen: QPen) -> None:
    # An arrow pointing at a circled spot, as a designer marks a print.
    p.setPen(pen)
    p.drawEllipse(QPointF(15.5, 8.5), 5.5, 4.5)
    p.drawLine(QPointF(3.5, 20.5), QPointF(9.5, 14.5))
    head = QPainterPath(QPointF(11.5, 12.5))
    head.lineTo(QPointF(5.5, 13.5))
    head.lineTo(QPointF(10.5, 18.5))
    head.closeSubpath()
    p.setBrush(pen.color())
    p.drawPath(head)
    p.setBrush(Qt.BrushStyle.NoBrush)


def _compare(p: QPainter, pen: QPen) -> None:
    p.setPen(pen)
    p.drawRoundedRect(QRectF(3.5, 5.5, 17, 13), 2, 2)
    fill = QColor(pen.color())
    fill.setAlphaF(0.45)
    p.fillRect(QRectF(12, 6, 8, 12), fill)
    p.drawLine(QPointF(12, 3), QPointF(12, 21))


def _generate(p: QPainter, pen: QPen) -> None:
    _sparkle(p, QPointF(10, 13), 7, pen.color())
    _sparkle(p, QPointF(18.5, 6), 3.5, pen.color())


_GLYPHS: dict[str, Callable[[QPainter, QPen], None]] = {
    "brush": _brush,
    "eraser": _eraser,
    "rect": _rect,
    "lasso": _lasso,
    "wand": _wand,
    "object": _object,
    "markup": _markup,
    "compare": _compare,
    "generate": _generate,
}


def tool_icon(name: str, color: QColor | None = None) -> QIcon:
    """A monochrome glyph in ``color`` (default: the palette's button text)."""
    if color is None:
        app = QApplication.instance()
        palette = app.palette() if isinstance(app, QApplication) else QPalette()
        color = palette.color(QPalette.ColorRole.ButtonText)
    icon = QIcon()
    for size in (16, 24, 32, 48):
        for dpr in (1.0, 2.0):
            px = QPixmap(round(size * dpr), round(size * dpr))
            px.fill(Qt.GlobalColor.transparent)
            p = QPainter(px)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.scale(size * dpr / 24, size * dpr / 24)
            pen = QPen(color, 1.7)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            _GLYPHS[name](p, pen)
            p.end()
            px.setDevicePixelRatio(dpr)
            icon.addPixmap(px)
    return icon


def main() -> int:
    """Write the app icon PNGs into resources/icons/ next to the package."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    out = Path(__file__).resolve().parents[2] / "resources" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in ICON_SIZES:
        render_app_icon(size).save(str(out / f"inpaint-editor-{size}.png"))
    del app
    print(f"wrote {len(ICON_SIZES)} icons to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
