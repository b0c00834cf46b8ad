"""Heavy libraries imported at their first use, not when a module naming them is imported.

The window's first paint needs none of OpenCV (~90 ms with NumPy), httpx (~110 ms: it pulls
its CLI's rich and click) or keyring (~50 ms). A module writes ``from
editor.core.deferred_imports import cv2`` (or makes its own with :class:`DeferredModule`) and
uses ``cv2.…`` as usual; the first attribute read imports the real module through the import
system, whose module lock makes it safe from any thread. The window imports them on purpose once
it is up and idle (:func:`finish`), so a stroke or a job never pays for it.
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
from types import ModuleType
from typing import TYPE_CHECKING, Any

__all__ = ["DeferredModule", "cv2", "finish", "is_loaded"]

log = logging.getLogger(__name__)

_made: list[DeferredModule] = []


class DeferredModule(ModuleType):
    """Stands for the module ``name`` until an attribute is read, then for the real one."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        _made.append(self)

    def __getattr__(self, attr: str) -> Any:  # only for names not copied in yet
        real = _load(self.__name__)
        # Later reads find the names here at once; a thread reading while this copies either
        # finds a name or comes back through the import, which returns the finished module.
        self.__dict__.update({k: v for k, v in vars(real).items() if k not in _OWN})
        return getattr(real, attr)


_OWN = frozenset(vars(ModuleType("_")))  # a module's own metadata stays ours


def _load(name: str) -> ModuleType:
    # The import system waits for a module another thread is still importing, and runs each
    # once.
    if name in sys.modules:
        return importlib.import_module(name)
    started = time.perf_counter()
    module = importlib.import_module(name)
    log.debug("imported %s at first use (%.0f ms)", name, (time.perf_counter() - started) * 1e3)
    return module


def is_loaded(name: str) -> bool:
    """True once the real module ``name`` is imported (by us or anyone)."""
    return name in sys.modules


def finish() -> None:
    """Import every deferred module still waiting."""
    for deferred in _made:
        if not is_loaded(deferred.__name__):
            _load(deferred.__name__)


if TYPE_CHECKING:
    import cv2
else:
    cv2 = DeferredModule("cv2")
