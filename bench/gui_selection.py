"""T4-T6 helper: the selection tools driven from the window on 24 MP, event loop probed.

    python -m bench.gui_selection [--runs 3]

A shown MainWindow (offscreen) holds the 6000×4000 scene of :mod:`bench.selection`. Real mouse
events on the canvas make a magic-wand click, an object-select box around the quarter-frame
object, and a 200-point lasso closed by Return. Each figure is the click (or release, or key)
→ mask updated and its overlay fully re-tinted, through the window's qasync loop; a 5 ms QTimer
probe (as in :mod:`bench.gui_job`) records the longest gap while each runs.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import qasync  # isort: skip  # after PySide6
from bench._common import emit
from bench.gui_job import Probe
from bench.selection import H, W, _scene
from editor.pipeline import embedded_client
from editor.ui.app import make_application
from editor.ui.common.services import Profile
from editor.ui.window.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


async def _timed(
    window: MainWindow,
    probe: Probe,
    name: str,
    act: Callable[[], None],
    prepare: Callable[[], None] | None = None,
) -> float:
    """Run ``prepare`` (unmeasured), then ``act`` (events on the canvas), and wait until the
    tool has joined its result and the overlay shows all of it."""
    doc = window.document
    assert doc is not None
    doc.clear()
    doc.clear_history()
    if prepare is not None:
        prepare()
    await asyncio.sleep(0.2)
    probe.phase = name
    t = time.perf_counter()
    act()
    canvas = window.canvas
    while canvas.selection.busy or not doc.can_undo or canvas.overlay_pending:
        await asyncio.sleep(0.002)
    took = (time.perf_counter() - t) * 1000
    probe.phase = "idle"
    return took


async def _run(window: MainWindow, probe: Probe, runs: int) -> dict[str, object]:
    canvas = window.canvas

    def at(x: float, y: float) -> QPoint:
        return canvas.map_from_image(x, y).toPoint()

    def wand() -> None:
        QTest.mouseClick(canvas, LEFT, NONE, at(1500, 1000))

    def box() -> None:
        QTest.mousePress(canvas, LEFT, NONE, at(0, 0))
        QTest.mouseMove(canvas, at(1500, 1000))
        QTest.mouseRelease(canvas, LEFT, NONE, at(W // 2 - 1, H // 2 - 1))

    def outline() -> None:
        for i in range(200):
            a = 2 * math.pi * i / 200
            r = 1700 + 250 * math.sin(7 * a)
            QTest.mouseClick(canvas, LEFT, NONE, at(3000 + r * math.cos(a), 2000 + r * math.sin(a)))

    def close() -> None:
        QTest.keyClick(canvas, Qt.Key.Key_Return)

    await asyncio.sleep(0.3)
    probe.start()
    figures: dict[str, object] = {}
    steps: tuple[tuple[str, Callable[[], None], Callable[[], None] | None], ...] = (
        ("wand", wand, None),
        ("object", box, None),
        ("lasso", close, outline),  # the 200 clicks are the person's; measured from Return
    )
    for key, act, prepare in steps:
        name = key
        canvas.set_tool(key)
        times = []
        gaps_before = len(probe.gaps)
        for _ in range(runs):
            if key == "object":
                canvas.selection.tools["object"].cancel()  # each run a new box
            times.append(await _timed(window, probe, name, act, prepare))
        gaps = [gap for gap in probe.gaps[gaps_before:] if gap[1] == name]
        times.sort()
        figures[name] = {
            "median_ms": times[len(times) // 2],
            "max_ms": times[-1],
            "max_gap_ms": max((g for g, *_ in gaps), default=0.0),
            "ticks": len(gaps),
            "gaps": gaps,
        }
    probe.stop()
    floor = probe.floor
    for name in ("wand", "object", "lasso"):
        tool = figures[name]
        assert isinstance(tool, dict)
        gaps = tool.pop("gaps")
        # As bench.gui_job: the worst gaps, how long the loop ran in each, how much of each a
        # bare timer in another process was stalled as well, and what the hypervisor took.
        tool["worst_gaps"] = [
            [round(g, 1), round(ran, 1), round(floor.shared_ms(t, g), 1), probe.steal(t)]
            for g, _, ran, _, t in sorted(gaps, reverse=True)[:3]
        ]
        tool["longest_run_ms"] = max((ran for _, _, ran, *_ in gaps), default=float("nan"))
    return figures


def measure(runs: int) -> dict[str, object]:
    app: QApplication = make_application()
    tmp = tempfile.mkdtemp(prefix="bench-")
    settings = QSettings(os.path.join(tmp, "s.ini"), QSettings.Format.IniFormat)
    image, _ = _scene()
    window = MainWindow(
        profiles=[Profile("Local engine", embedded_client, "telea")], settings=settings
    )
    window.resize(1440, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.set_image(image, "bench.png")
    del image
    app.processEvents()
    probe = Probe()
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        figures = runner.run(_run(window, probe, runs))
        runner.run(window.jobs.aclose())
    return {"image": f"{W}x{H}", "runs": runs, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    emit(measure(parser.parse_args().runs))


if __name__ == "__main__":
    main()
