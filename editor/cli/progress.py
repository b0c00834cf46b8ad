"""A one-line progress display for terminals; silent when stderr is not a TTY."""

from __future__ import annotations

import sys
import time

from editor.client import Progress


class ProgressLine:
    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._started = time.perf_counter()
        self._shown = False

    def update(self, progress: Progress) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self._started
        if progress.phase == "retry":
            text = f"retrying in {progress.retry_in or 0:.1f} s (attempt {progress.attempt + 1})"
        elif progress.total:
            text = f"{progress.phase} {100 * progress.done / progress.total:.0f} %"
        else:
            text = progress.phase
        sys.stderr.write(f"\r\x1b[K{text}  {elapsed:.1f} s")
        sys.stderr.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._shown = False
