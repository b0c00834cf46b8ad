"""Quiet widgets while the code (not the user) changes them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from PySide6.QtCore import QObject, QSignalBlocker


@contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Block the objects' signals inside the block; each gets back its earlier state even if
    the block raises (a hand-paired blockSignals(False) would be skipped)."""
    with ExitStack() as stack:
        for obj in objects:
            stack.enter_context(QSignalBlocker(obj))
        yield
