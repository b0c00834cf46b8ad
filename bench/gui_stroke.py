"""P2 helper: per mouse-move cost of a brush stroke on a 24 MP image, repaint included.

    python -m bench.gui_stroke [--moves N]

A shown MainWindow (offscreen) with a 6000×4000 photo-like image; real mouse events through
QTest (press, then moves with the left button held, then release) on the canvas. Each sample is
one move: the event (map to image, stamp the capsule, refresh the overlay's dirty rect) plus
``processEvents()``, which runs the repaint it scheduled. The peer is the same move with no
button held: the event and the brush-outline repaint alone — Qt's floor for a pointer move.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bench._common import emit, median, percentile
from bench.pixels import photo_like
from editor.ui.app import make_application
from editor.ui.window.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _path(canvas_w: int, canvas_h: int, moves: int, step: float) -> list[QPoint]:
    """A wavy stroke across the middle of the canvas, ``step`` widget px per move."""
    points = []
    x0, span = canvas_w * 0.1, canvas_w * 0.8
    for i in range(moves):
        d = (i * step) % (2 * span)
        x = x0 + (d if d < span else 2 * span - d)
        y = canvas_h / 2 + canvas_h * 0.3 * math.sin(i * step / 90)
        points.append(QPoint(round(x), round(y)))
    return points


def _moves(app: QApplication, window: MainWindow, points: list[QPoint], held: bool) -> list[float]:
    canvas = window.canvas
    if held:
        QTest.mousePress(canvas, LEFT, NONE, points[0])
    app.processEvents()
    times = []
    for p in points[1:]:
        started = time.perf_counter()
        QTest.mouseMove(canvas, p)
        app.processEvents()  # the repaint the move scheduled
        times.append((time.perf_counter() - started) * 1000)
    if held:
        QTest.mouseRelease(canvas, LEFT, NONE, points[-1])
    app.processEvents()
    return times


def measure(moves: int, zoom: float | None, brush: int, step: float) -> dict[str, float]:
    app = make_application()
    settings = QSettings(
        os.path.join(tempfile.mkdtemp(prefix="bench-"), "s.ini"), QSettings.Format.IniFormat
    )
    window = MainWindow(settings=settings)
    window.resize(1440, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.set_image(photo_like(6000, 4000), "bench.png")
    canvas = window.canvas
    if zoom is not None:
        canvas.set_zoom(zoom)
    canvas.brush_size = brush
    for _ in range(5):
        app.processEvents()
    points = _path(canvas.width(), canvas.height(), moves, step)
    paints = _PaintCounter()
    canvas.installEventFilter(paints)
    hover = _moves(app, window, points, held=False)
    hover_paints, paints.count = paints.count, 0
    stroke = _moves(app, window, points, held=True)
    assert window.document is not None and not window.document.is_empty(), "nothing was painted"
    return {
        "zoom": canvas.zoom,
        "brush_px": brush,
        "moves": len(stroke),
        "stroke_paints": paints.count,
        "hover_paints": hover_paints,
        "stroke_p50_ms": median(stroke),
        "stroke_p95_ms": percentile(stroke, 0.95),
        "stroke_max_ms": max(stroke),
        "hover_p50_ms": median(hover),
        "hover_p95_ms": percentile(hover, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=400)
    parser.add_argument("--zoom", type=float, default=None, help="default: fit the window")
    parser.add_argument("--brush", type=int, default=200, help="diameter in image px")
    parser.add_argument("--step", type=float, default=8.0, help="widget px per move")
    args = parser.parse_args()
    emit(measure(args.moves, args.zoom, args.brush, args.step))


if __name__ == "__main__":
    main()
