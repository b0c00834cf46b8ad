"""P4 and P7 helper: a 4-variant job on a 24 MP image through the window, event loop probed.

    python -m bench.gui_job [--server process|embedded|inprocess|thread] [--n 4] [--stream]

A shown MainWindow (offscreen) runs ``generate()`` on a 6000×4000 photo-like image with a 6 %
mask, model ``telea`` (instant, so upload, download, decode and compositing dominate) on:
``process`` — the local server in its own process (what any remote service looks like to us);
``embedded`` — the default "Local engine" profile as the app runs it: a child process the
window starts (``serve --app-engine``, at a lower priority);
``inprocess`` — the same profile with the engine in the window's process (ASGI on a thread of
its own), as the CLI runs it;
``thread`` — a ServerThread (uvicorn in a thread of this process).

A 5 ms QTimer probe records every gap between its ticks; the longest gap is the worst time the
window could not react. Each gap also says how long the loop's thread ran in it (schedstat), and
a bare Qt timer in a process of its own (bench.idle_probe) ticks alongside: a gap in which the
loop barely ran, seen by that bare timer too, is the machine's, not the window's. After the job,
variant 1 is shown on the canvas (as a click in the gallery does) and VmHWM — the peak resident
memory of the whole run — is read (the child engine's too, for ``embedded``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import threading
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
from editor.pipeline.embedded import warm_up_engine
from editor.pipeline.engine_process import engine_process, stop_engine_process, use_engine_process
from editor.server import ServerThread
from editor.ui.app import make_application
from editor.ui.common.services import Profile, endpoint_profile
from editor.ui.window.main_window import MainWindow


def _thread_times() -> tuple[float, float] | None:
    """This thread's time on a CPU and waiting for one, in ms so far (Linux schedstat)."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as stat:
            on_cpu, waiting, _ = stat.read().split()
    except (OSError, ValueError):
        return None
    return int(on_cpu) / 1e6, int(waiting) / 1e6


_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 10.0


def _steal_ms() -> float | None:
    """CPU time the hypervisor took from this VM's CPUs so far, all CPUs summed, in ms (Linux
    /proc/stat, 10 ms ticks). A thread whose CPU was taken counts that time as running."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
        return int(fields[8]) * _TICK_MS
    except (OSError, ValueError, IndexError):
        return None


class Probe:
    """Ticks every ``interval_ms``; remembers each gap, what the job was doing, and how much of
    the gap the loop's thread spent running (its own work, or holding the interpreter) and
    waiting for a CPU. The rest it was blocked: on the interpreter lock, or not run at all."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.timer = QTimer(interval=interval_ms, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.last_times: tuple[float, float] | None = None
        # (gap ms, phase, ms the loop ran, ms it waited for a CPU, when the gap began)
        self.gaps: list[tuple[float, str, float, float, float]] = []
        self.phase = "idle"
        self.floor = MachineFloor()
        # When a gap began → ms the hypervisor took from the machine's CPUs during it.
        self.steal_at: dict[float, float] = {}
        self.last_steal: float | None = None

    def start(self) -> None:
        self.floor.start()
        self.last, self.last_times = time.perf_counter(), _thread_times()
        self.last_steal = _steal_ms()
        self.timer.start()

    def steal(self, start: float) -> float:
        """ms the hypervisor took from the machine's CPUs in the gap that began at ``start``."""
        known = self.last_steal is not None
        return round(self.steal_at.get(start, 0.0 if known else float("nan")), 1)

    def stop(self) -> None:
        self.timer.stop()
        self.floor.stop()

    def _tick(self) -> None:
        now, times = time.perf_counter(), _thread_times()
        ran = waited = float("nan")
        if times is not None and self.last_times is not None:
            ran, waited = times[0] - self.last_times[0], times[1] - self.last_times[1]
        self.gaps.append(((now - self.last) * 1000, self.phase, ran, waited, self.last))
        steal = _steal_ms()
        if steal is not None and self.last_steal is not None and steal > self.last_steal:
            self.steal_at[self.last] = steal - self.last_steal
        self.last, self.last_times, self.last_steal = now, times, steal


class MachineFloor:
    """A bare Qt timer in its own process while a probe runs (bench.idle_probe)."""

    def __init__(self) -> None:
        self.max_gap_ms = float("nan")
        self.long_gaps: list[tuple[float, float]] = []  # (start, end), perf_counter seconds
        self._peer: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self._peer = subprocess.Popen(
            [sys.executable, "-m", "bench.idle_probe"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._peer.stdout is not None
        self._peer.stdout.readline()  # ticking

    def shared_ms(self, start: float, gap_ms: float) -> float:
        """How much of a gap of ours, from ``start``, the bare timer was stalled too."""
        end = start + gap_ms / 1000
        return 1000 * sum(max(0.0, min(end, b) - max(start, a)) for a, b in self.long_gaps)

    def stop(self) -> None:
        peer, self._peer = self._peer, None
        if peer is None or peer.stdin is None or peer.stdout is None:
            return
        peer.stdin.close()
        found = json.loads(peer.stdout.readline() or "{}")
        self.max_gap_ms = found.get("max_gap_ms", self.max_gap_ms)
        self.long_gaps = [(a, b) for a, b in found.get("long_gaps", [])]
        peer.wait(10)


@contextlib.contextmanager
def _server(kind: str) -> Iterator[Profile]:
    if kind in ("embedded", "inprocess"):
        if kind == "embedded":
            use_engine_process()  # as run_app does
        try:
            yield Profile("Local engine", embedded_client, "telea")
        finally:
            stop_engine_process()
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


def _rss_mb(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def _job(window: MainWindow, probe: Probe, n: int) -> dict[str, object]:
    window.prompt_panel.set_prompt("fill the hole")
    window.prompt_panel.n_spin.setValue(n)
    # A designer's first Generate comes seconds after the window opens, once its warm-up
    # (connections, the local engine) is done: the job does not race it here either.
    await warm_up_engine()
    await asyncio.sleep(0.5)
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


def measure(kind: str, n: int, stream: bool = False) -> dict[str, object]:
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
        probe = Probe()
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            figures = runner.run(_job(window, probe, n))
            runner.run(window.jobs.aclose())
        end_rss, end_peak = _rss_mb(), peak_rss_mb()
        child = engine_process()
        engine_peak = peak_rss_mb(child.pid) if child is not None and child.pid else 0.0
    worst = sorted(probe.gaps, reverse=True)[:8]
    floor = probe.floor
    return {
        "server": kind,
        "n": n,
        "stream": stream,
        "image": f"{w}x{h}",
        **figures,
        "ticks": len(probe.gaps),
        "max_gap_ms": worst[0][0],
        # Each: the gap, the job's phase, the loop thread's ms on a CPU and waiting for one,
        # how much of it the bare timer in another process was stalled as well, and the ms the
        # hypervisor took from the machine's CPUs meanwhile.
        "worst_gaps": [
            [
                round(g, 1),
                phase,
                round(r, 1),
                round(w, 1),
                round(floor.shared_ms(t, g), 1),
                probe.steal(t),
            ]
            for g, phase, r, w, t in worst
        ],
        "longest_run_ms": max((r for _, _, r, *_ in probe.gaps), default=float("nan")),
        "machine_floor_ms": floor.max_gap_ms,
        # The longest gap once the part the whole machine stalled for is taken out.
        "longest_not_shared_ms": max(
            (g - floor.shared_ms(t, g) for g, _, _, _, t in probe.gaps), default=float("nan")
        ),
        "rss_opened_mb": opened_rss,
        "peak_opened_mb": opened_peak,
        "rss_end_mb": end_rss,
        "peak_rss_mb": end_peak,
        "engine_peak_rss_mb": engine_peak,  # the child engine's, when it runs apart
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server", choices=("process", "embedded", "inprocess", "thread"), default="process"
    )
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--stream", action="store_true", help="2 streamed previews per variant")
    args = parser.parse_args()
    emit(measure(args.server, args.n, args.stream))


if __name__ == "__main__":
    main()
