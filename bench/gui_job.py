"""P4 and P7 helper: a 4-variant job on a 24 MP image through the window, event loop probed.

    python -m bench.gui_job [--server process|embedded|thread] [--n 4] [--stream]
                            [--dump-stalls MS]

A shown MainWindow (offscreen) runs ``generate()`` on a 6000×4000 photo-like image with a 6 %
mask, model ``telea`` (instant, so upload, download, decode and compositing dominate) on:
``process`` — the local server in its own process (what any remote service looks like to us);
``embedded`` — the default "Local engine" profile, the server app in-process over ASGI;
``thread`` — a ServerThread (uvicorn in a thread of this process).

A 5 ms QTimer probe records every gap between its ticks; the longest gap is the worst time the
window could not react. After the job, variant 1 is shown on the canvas (as a click in the
gallery does) and VmHWM — the peak resident memory of the whole run — is read.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import faulthandler
import os
import tempfile
import time
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import qasync  # isort: skip  # after PySide6
from bench._common import ServerProcess, emit, isolate_from_server, peak_rss_mb
from bench.pixels import blob_mask, photo_like
from editor.client import Endpoint
from editor.pipeline import embedded_client
from editor.server import ServerThread
from editor.ui.app import make_application
from editor.ui.common.services import Profile, endpoint_profile
from editor.ui.window.main_window import MainWindow


class Probe:
    """Ticks every ``interval_ms``; remembers the longest gaps and what the job was doing."""

    def __init__(self, interval_ms: int = 5, dump_after_s: float = 0.0) -> None:
        self.timer = QTimer(interval=interval_ms, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.gaps: list[tuple[float, str]] = []
        self.phase = "idle"
        self.dump_after_s = dump_after_s

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        faulthandler.cancel_dump_traceback_later()

    def _tick(self) -> None:
        if self.dump_after_s:
            # Every thread's stack, written to stderr if the next tick is this late: who held
            # the interpreter while the loop waited.
            faulthandler.dump_traceback_later(self.dump_after_s, repeat=False)
        now = time.perf_counter()
        self.gaps.append(((now - self.last) * 1000, self.phase))
        self.last = now


@contextlib.contextmanager
def _server(kind: str) -> Iterator[Profile]:
    if kind == "embedded":
        yield Profile("Local engine", embedded_client, "telea")
        return
    if kind == "thread":
        with ServerThread() as thread:
            yield endpoint_profile("bench", Endpoint(thread.base_url, max_retries=0), "telea")
        return
    with ServerProcess() as proc:
        isolate_from_server()
        yield endpoint_profile("bench", Endpoint(proc.base_url, max_retries=0), "telea")


def _reset_peak() -> None:
    """Set VmHWM back to the current RSS (Linux: ``5`` into ``/proc/self/clear_refs``)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def _job(window: MainWindow, probe: Probe, n: int) -> dict[str, object]:
    window.prompt_panel.set_prompt("fill the hole")
    window.prompt_panel.n_spin.setValue(n)
    await asyncio.sleep(0.2)
    probe.start()
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    job = window.generate()
    assert job is not None, window.message_banner.text()
    while job.active:
        probe.phase = job.status
        await asyncio.sleep(0.01)
    took = time.perf_counter() - started
    probe.phase = "gallery"
    await asyncio.sleep(0.3)
    assert job.error is None, job.error
    assert window.gallery.variant_count(job.id) == n, "variants missing from the gallery"
    probe.phase = "show variant"
    window.show_variant(job.id, 0)
    await asyncio.sleep(0.3)
    probe.stop()
    timings = job.outcome.timings if job.outcome is not None else {}
    return {"job_s": took, **{f"job_{k}": v for k, v in timings.items()}}


def measure(
    kind: str, n: int, stream: bool = False, dump_after_ms: float = 0.0
) -> dict[str, object]:
    app: QApplication = make_application()
    tmp = tempfile.mkdtemp(prefix="bench-")
    settings = QSettings(os.path.join(tmp, "s.ini"), QSettings.Format.IniFormat)
    w, h = 6000, 4000
    pixels, edit = photo_like(w, h), blob_mask(w, h, 0.06)
    with _server(kind) as profile:
        if stream:
            profile = dataclasses.replace(profile, stream=True, partial_images=2)
        window = MainWindow(profiles=[profile], settings=settings)
        window.resize(1440, 900)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.set_image(pixels, "bench.png", mask=edit)
        del pixels, edit
        app.processEvents()
        _reset_peak()  # the peak so far is the bench making its inputs, not the editor
        opened_rss, opened_peak = _rss_mb(), peak_rss_mb()
        probe = Probe(dump_after_s=dump_after_ms / 1000)
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            figures = runner.run(_job(window, probe, n))
            runner.run(window.jobs.aclose())
        end_rss, end_peak = _rss_mb(), peak_rss_mb()
    worst = sorted(probe.gaps, reverse=True)[:8]
    return {
        "server": kind,
        "n": n,
        "stream": stream,
        "image": f"{w}x{h}",
        **figures,
        "ticks": len(probe.gaps),
        "max_gap_ms": worst[0][0],
        "worst_gaps": [[round(g, 1), phase] for g, phase in worst],
        "rss_opened_mb": opened_rss,
        "peak_opened_mb": opened_peak,
        "rss_end_mb": end_rss,
        "peak_rss_mb": end_peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("process", "embedded", "thread"), default="process")
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--stream", action="store_true", help="2 streamed previews per variant")
    parser.add_argument(
        "--dump-stalls",
        type=float,
        default=0.0,
        metavar="MS",
        help="write every thread's stack to stderr whenever the loop stalls longer than MS",
    )
    args = parser.parse_args()
    emit(measure(args.server, args.n, args.stream, dump_after_ms=args.dump_stalls))


if __name__ == "__main__":
    main()
