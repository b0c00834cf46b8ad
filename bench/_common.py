"""Shared bits of the bench runner: a result row, percentiles, and running a helper process."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCH-RESULT "  # a helper process prints its figures as one JSON line after this


@dataclass
class Row:
    """One line of the table. ``ours``/``peer`` are numbers in ``unit``; ``ok`` None = no goal."""

    id: str
    metric: str
    ours: float | None
    unit: str
    p95: float | None = None
    peer: float | None = None
    peer_label: str = ""
    ratio: float | None = None
    goal: str = ""
    ok: bool | None = None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def emit(figures: dict[str, Any]) -> None:
    """Hand figures from a helper process to the runner."""
    print(MARK + json.dumps(figures), flush=True)


def run_helper(module: str, *args: str, timeout: float = 300) -> dict[str, Any]:
    """Run ``python -m bench.<module> ARGS`` offscreen and return the figures it emitted."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(MARK):
            result: dict[str, Any] = json.loads(line[len(MARK) :])
            return result
    raise RuntimeError(
        f"bench.{module} {' '.join(args)} exited {done.returncode} without figures:\n"
        f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    )


def peak_rss_mb(pid: int | str = "self") -> float:
    """VmHWM of a process (default: this one): the most resident memory it ever had, in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cores() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def _server_core() -> None:
    os.nice(19)
    cores = _cores()
    if len(cores) > 1:
        os.sched_setaffinity(0, {cores[-1]})


def isolate_from_server() -> None:
    """Keep this (measuring) process off the core ServerProcess gives the server: a remote
    service never takes the window's CPU time, and on two cores the local stand-in would."""
    cores = _cores()
    if len(cores) > 1:
        os.sched_setaffinity(0, set(cores[:-1]))


class ServerProcess:
    """``inpaint-editor serve`` in its own process, so its memory and GIL are not ours."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServerProcess:
        import socket
        import time

        self._proc = subprocess.Popen(
            [sys.executable, "-m", "editor", "serve", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # A remote service works on its own machine: here it gets a core of its own
            # (see isolate_from_server), at the lowest priority.
            preexec_fn=_server_core,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    self.__exit__()
                    raise RuntimeError("the local server did not start") from None
                time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
