"""M1 helper: many rounds through the window on a 24 MP image, RSS after each round.

    python -m bench.gui_rounds [--server process|embedded] [--rounds 20] [--n 4] [--size WxH]

A shown MainWindow (offscreen) runs ``generate()`` ``--rounds`` times on a 6000×4000 photo-like
image with a 2 % mask, model ``telea``, ``--n`` variants per round, and reads VmRSS after each
round has landed in the gallery (and its first variant is on the canvas, as after a real
Generate). Then it clicks the tile of the oldest round's first variant — whose full frame has
long left the frame cache — and times the click to the first painted frame (the proxy) and to
full resolution on screen, with a 5 ms QTimer probe for the longest loop stall meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import qasync  # isort: skip  # after PySide6
from bench._common import emit
from bench.gui_job import Probe, _rss_mb, _server
from bench.pixels import blob_mask, photo_like
from editor.pipeline.engine_process import engine_process
from editor.store import SessionStore
from editor.ui.app import make_application
from editor.ui.window.main_window import MainWindow


async def _open(window: MainWindow, pixels: object, edit: object) -> float:
    window.set_image(pixels, "bench.png", mask=edit)  # type: ignore[arg-type]
    await window.sessions.flush()
    await asyncio.sleep(0.2)
    gc.collect()
    return _rss_mb()


async def _rounds(window: MainWindow, rounds: int, n: int) -> list[float]:
    window.prompt_panel.set_prompt("fill the hole")
    window.prompt_panel.n_spin.setValue(n)
    rss = []
    for _ in range(rounds):
        job = window.generate()
        assert job is not None, window.message_banner.text()
        while job.active or job.id not in window.binding.settled:
            await asyncio.sleep(0.02)
        assert job.error is None, job.error
        await window.sessions.flush()
        await asyncio.sleep(0.2)
        gc.collect()
        rss.append(_rss_mb())
        print(f"round {len(rss)}: {rss[-1]:.0f} MB", file=sys.stderr, flush=True)
        window.show_original()
    return rss


async def _click(window: MainWindow, app: QApplication, probe: Probe) -> dict[str, float]:
    """Click the oldest round's first tile: time to first frame and to full resolution."""
    key = window.gallery.job_ids()[-1]
    section = window.gallery._sections[key]
    tile = section.tiles[0]
    window.gallery._scroll.ensureWidgetVisible(tile)
    await asyncio.sleep(0.3)
    probe.start()
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    # From the loop, not from inside this task: the click's handlers start tasks of their own.
    QTimer.singleShot(
        0, lambda: QTest.mouseClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    )
    first = full = None
    while full is None and time.perf_counter() - started < 30:
        now = time.perf_counter()
        if first is None and window.canvas._display is not None:
            window.canvas.repaint()  # the frame is painted when this returns
            first = time.perf_counter() - started
        if first is not None and getattr(window, "showing_full", True):
            full = now - started
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.1)
    probe.stop()
    return {
        "click_first_ms": (first or float("nan")) * 1000,
        "click_full_ms": (full or float("nan")) * 1000,
        "click_max_gap_ms": max((g for g, *_ in probe.gaps), default=float("nan")),
    }


def measure(
    kind: str, rounds: int, n: int, size: tuple[int, int] = (6000, 4000)
) -> dict[str, object]:
    app: QApplication = make_application()
    tmp = tempfile.mkdtemp(prefix="bench-")
    settings = QSettings(os.path.join(tmp, "s.ini"), QSettings.Format.IniFormat)
    store = SessionStore(os.path.join(tmp, "sessions"))
    w, h = size
    pixels, edit = photo_like(w, h), blob_mask(w, h, 0.02)
    with _server(kind) as profile:
        window = MainWindow(profiles=[profile], settings=settings, store=store)
        window.resize(1440, 900)
        window.show()
        QTest.qWaitForWindowExposed(window)
        probe = Probe()
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            opened = runner.run(_open(window, pixels, edit))
            del pixels, edit
            rss = runner.run(_rounds(window, rounds, n))
            child = engine_process()  # the Local engine's own process, when it runs apart
            engine_rss = _rss_mb(child.pid) if child is not None and child.pid else 0.0
            click = runner.run(_click(window, app, probe))
            runner.run(window.sessions.flush())
            runner.run(window.jobs.aclose())
    late = rss[4:] if len(rss) > 5 else rss
    growth = (late[-1] - late[0]) / max(1, len(late) - 1)
    return {
        "server": kind,
        "rounds": rounds,
        "n": n,
        "image": f"{w}x{h}",
        "rss_opened_mb": opened,
        "rss_mb": [round(r) for r in rss],
        "rss_end_mb": rss[-1],
        "growth_per_round_mb": growth,
        "engine_rss_end_mb": engine_rss,
        **click,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("process", "embedded"), default="process")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--size", default="6000x4000", help="WIDTHxHEIGHT of the photo")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    emit(measure(args.server, args.rounds, args.n, (width, height)))


if __name__ == "__main__":
    main()
