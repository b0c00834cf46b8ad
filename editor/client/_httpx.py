"""httpx, imported at first use (see :mod:`editor.core.deferred_imports`): the window's start
does without it (~110 ms with the rich and click its CLI pulls in)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.deferred_imports import DeferredModule

__all__ = ["httpx"]

if TYPE_CHECKING:
    import httpx
else:
    httpx = DeferredModule("httpx")
