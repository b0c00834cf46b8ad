"""The machine's own floor for loop stalls: a bare Qt timer in a process of its own.

    python -m bench.idle_probe        # ticks until stdin closes, then prints its gaps

Its clock is ``time.perf_counter`` (CLOCK_MONOTONIC on Linux), the same in every process, so
its gaps can be laid over another process's.

Run beside a job, it shows the gaps no code of ours causes: when it stalls at the same moments
as the window, the machine (the hypervisor, a saturated host) held every process, not our loop.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, Qt, QTimer


def main() -> None:
    app = QCoreApplication([])
    gaps: list[float] = []
    long_gaps: list[tuple[float, float]] = []  # (start, end) of each gap over 10 ms
    last = [time.perf_counter()]
    done = threading.Event()

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        if now - last[0] > 0.010:
            long_gaps.append((last[0], now))
        last[0] = now
        if done.is_set():
            app.quit()

    probe = QTimer(interval=5, timerType=Qt.TimerType.PreciseTimer)
    probe.timeout.connect(tick)
    probe.start()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    print("ready", flush=True)
    app.exec()
    found = {"ticks": len(gaps), "max_gap_ms": max(gaps, default=0.0), "long_gaps": long_gaps}
    print(json.dumps(found), flush=True)


if __name__ == "__main__":
    main()
