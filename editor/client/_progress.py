"""Progress reports for one edit: upload, waiting, download, retry, done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["Phase", "Progress", "ProgressCallback"]

Phase = Literal["upload", "waiting", "download", "retry", "done"]


@dataclass(frozen=True)
class Progress:
    """``done``/``total`` are bytes (total None when unknown); ``retry_in`` only in "retry"."""

    phase: Phase
    done: int
    total: int | None
    attempt: int
    retry_in: float | None = None


ProgressCallback = Callable[[Progress], None]
