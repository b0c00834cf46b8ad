"""Abandoning a long selection tool between its phases (Esc while it runs off the window's loop)."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["CancelCheck", "Cancelled", "raise_if_cancelled"]

CancelCheck = threading.Event | Callable[[], bool] | None
"""A ``threading.Event`` set by the window, a callable returning ``True`` to stop, or ``None``."""


class Cancelled(Exception):
    """The tool was abandoned; nothing was changed."""


def raise_if_cancelled(cancel: CancelCheck) -> None:
    if cancel is None:
        return
    stop = cancel.is_set() if isinstance(cancel, threading.Event) else cancel()
    if stop:
        raise Cancelled("selection cancelled")
