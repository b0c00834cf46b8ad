"""Heavy libraries are imported at first use, safely from any thread."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys, threading
    from editor.core.deferred_imports import DeferredModule

    assert "colorsys" not in sys.modules
    colorsys = DeferredModule("colorsys")
    assert "colorsys" not in sys.modules  # naming it imports nothing
    go = threading.Barrier(8)
    got = []

    def first_use():
        go.wait()
        got.append(colorsys.rgb_to_hsv(1.0, 0.0, 0.0))

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    import colorsys as real
    assert got == [(0.0, 1.0, 1.0)] * 8, got
    assert colorsys.rgb_to_hsv is real.rgb_to_hsv
    print("ok")
    """
)


def test_first_use_from_eight_threads_at_once_gets_the_real_module() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
