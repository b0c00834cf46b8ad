"""A one-line progress display for terminals; silent when stderr is not a TTY."""

from __future__ import annotations

import sys
import time

from editor.client import Progress
from editor.pipeline import PartialPreview


class ProgressLine:
    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._started = time.perf_counter()
        self._shown = False
        self._partials: int | None = None
        self._note = ""

    def expect_partials(self, count: int | None) -> None:
        """How many previews per variant were asked for (None: the service's default)."""
        self._partials = count

    def partial(self, preview: PartialPreview) -> None:
        of = f"/{self._partials}" if self._partials else ""
        self._note = f"partial {preview.partial_index + 1}{of} of variant {preview.index + 1}"
        self._write(self._note)

    def update(self, progress: Progress) -> None:
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self._started
        if progress.phase == "retry":
            text = f"retrying in {progress.retry_in or 0:.1f} s (attempt {progress.attempt + 1})"
        elif progress.phase == "streaming" and self._note:
            text = self._note
        elif progress.total:
            text = f"{progress.phase} {100 * progress.done / progress.total:.0f} %"
        else:
            text = progress.phase
        self._write(text, elapsed)

    def _write(self, text: str, elapsed: float | None = None) -> None:
        if not self.enabled:
            return
        if elapsed is None:
            elapsed = time.perf_counter() - self._started
        sys.stderr.write(f"\r\x1b[K{text}  {elapsed:.1f} s")
        sys.stderr.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._shown = False
