"""Memory stays flat however long a designer iterates: many rounds through a real window in its
own process, resident memory read after each round."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MARK = "BENCH-RESULT "
FRAME_MB = 3464 * 2309 * 3 / 1024**2  # one 8 MP RGB frame, 23 MB


def test_twelve_rounds_on_8_mp_keep_resident_memory_flat() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "bench.gui_rounds", "--server", "embedded",
         "--rounds", "12", "--n", "2", "--size", "3464x2309"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith(MARK))
    figures = json.loads(line[len(MARK) :])
    rss = figures["rss_mb"]
    assert len(rss) == 12
    # Every round writes two 8 MP frames: kept in memory they would add 46 MB a round. From
    # round 6 on, the whole growth stays under one frame (the cache is full, tiles are small).
    assert rss[-1] - rss[5] < FRAME_MB, rss
    # And the clicked tile (evicted long ago) came back from disk in full.
    assert figures["click_full_ms"] == figures["click_full_ms"]  # not NaN: it did arrive
