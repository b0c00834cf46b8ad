"""Progress reports for one edit: upload, waiting, download, retry, done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["Phase", "Progress", "ProgressCallback"]

# "streaming": server-sent events are arriving (``done`` = bytes so far, ``total`` None).
Phase = Literal["upload", "waiting", "download", "streaming", "retry", "done"]


@dataclass(frozen=True)
class Progress:
    """``done``/``total`` are bytes (total None when unknown); ``retry_in`` only in "retry"."""

    phase: Phase
    done: int
    total: int | None
    attempt: int
    retry_in: float | None = None


ProgressCallback = Callable[[Progress], None]
