"""A bounded cache of decoded full-resolution frames, read from the session folder on demand.

Every result is on disk before it is shown, so memory only needs the frames being looked at:
the cache keeps the most recently used ones up to a byte budget and decodes the rest from
their files again (in a worker thread: :meth:`FrameCache.load_async`). Qt-free, thread-safe.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.imageio import ImageLoadError, load_image

from ._errors import StoreReadError

__all__ = ["DEFAULT_CACHE_CAP", "FrameCache", "FrameMissing", "default_cache_bytes"]

log = logging.getLogger(__name__)

DEFAULT_CACHE_CAP = 600 * 1024**2
DEFAULT_CACHE_FRAMES = 3


class FrameMissing(StoreReadError):
    """The file of a result is gone from the session folder (deleted behind the app's back)."""


def default_cache_bytes(frame_bytes: int, setting: int = 0) -> int:
    """The budget: ``setting`` when set (> 0), else about three frames of the open image or
    600 MB, whichever is smaller (never less than one frame)."""
    if setting > 0:
        return setting
    return max(frame_bytes, min(DEFAULT_CACHE_FRAMES * frame_bytes, DEFAULT_CACHE_CAP))


def _read_png(path: Path) -> np.ndarray | None:
    """The app's own 8-bit RGB(A) PNGs through OpenCV (a third faster than the general loader,
    same pixels); None for anything else, which takes the general path."""
    raw = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 3 or raw.shape[2] not in (3, 4):
        return None
    code = cv2.COLOR_BGR2RGB if raw.shape[2] == 3 else cv2.COLOR_BGRA2RGBA
    return np.asarray(cv2.cvtColor(raw, code))


def read_frame(path: Path) -> np.ndarray:
    """Decode a result file; :class:`FrameMissing` if it is gone, StoreReadError if broken."""
    if not path.is_file():
        raise FrameMissing(f"this result's file is missing ({path.name})")
    try:
        fast = _read_png(path) if path.suffix.lower() == ".png" else None
        return fast if fast is not None else load_image(path, name=path.name).pixels
    except ImageLoadError as e:
        if not path.is_file():
            raise FrameMissing(f"this result's file is missing ({path.name})") from e
        raise StoreReadError(f"Could not read {path.name}: {e}") from e


class FrameCache:
    """Decoded frames by file path, least recently used evicted first past ``max_bytes``.

    The newest frame is always kept, even when it alone is over budget (it is on screen).
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_CAP) -> None:
        self._max = max(0, int(max_bytes))
        self._frames: OrderedDict[Path, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[Path, asyncio.Future[np.ndarray]] = {}
        # Prefetches in flight, held so none is collected mid-decode; a new image cancels them.
        self._prefetching: set[asyncio.Task[np.ndarray]] = set()
        self.loads = 0  # decodes from disk so far (how often the cache missed)

    @property
    def max_bytes(self) -> int:
        return self._max

    @max_bytes.setter
    def max_bytes(self, value: int) -> None:
        with self._lock:
            self._max = max(0, int(value))
            self._evict()

    @property
    def used_bytes(self) -> int:
        with self._lock:
            return sum(a.nbytes for a in self._frames.values())

    def __contains__(self, path: object) -> bool:
        with self._lock:
            return path in self._frames

    def __len__(self) -> int:
        with self._lock:
            return len(self._frames)

    def get(self, path: Path) -> np.ndarray | None:
        """The cached frame (now the most recently used), or None."""
        with self._lock:
            frame = self._frames.get(path)
            if frame is not None:
                self._frames.move_to_end(path)
            return frame

    def put(self, path: Path, pixels: np.ndarray) -> None:
        with self._lock:
            self._frames[path] = pixels
            self._frames.move_to_end(path)
            self._evict()

    def discard(self, path: Path) -> None:
        with self._lock:
            self._frames.pop(path, None)

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()
        for task in list(self._prefetching):
            task.cancel()

    def load(self, path: Path) -> np.ndarray:
        """The frame, decoded from ``path`` if not cached (blocking: a worker thread's call)."""
        frame = self.get(path)
        if frame is not None:
            return frame
        frame = read_frame(path)
        self.loads += 1
        self.put(path, frame)
        return frame

    async def load_async(self, path: Path) -> np.ndarray:
        """:meth:`load` off the event loop; concurrent asks for one file share one decode."""
        frame = self.get(path)
        if frame is not None:
            return frame
        pending = self._loading.get(path)
        if pending is None:
            pending = asyncio.ensure_future(asyncio.to_thread(self.load, path))
            self._loading[path] = pending
            pending.add_done_callback(lambda _f: self._loading.pop(path, None))
        return await asyncio.shield(pending)

    def prefetch(self, paths: list[Path]) -> None:
        """Start decoding ``paths`` not yet cached (neighbours of what is shown); errors ignored.
        Never more than the budget holds, so a prefetch cannot evict what is on screen."""
        room = self._max
        for path in paths:
            with self._lock:
                cached = path in self._frames
            if cached or path in self._loading:
                continue
            room -= self._frame_estimate()
            if room < self._frame_estimate():
                break
            task = asyncio.get_running_loop().create_task(self.load_async(path))
            self._prefetching.add(task)
            task.add_done_callback(self._prefetching.discard)
            task.add_done_callback(_ignore_errors)

    def _frame_estimate(self) -> int:
        with self._lock:
            sizes = [a.nbytes for a in self._frames.values()]
        return max(sizes, default=1)

    def _evict(self) -> None:
        used = sum(a.nbytes for a in self._frames.values())
        while used > self._max and len(self._frames) > 1:
            _path, frame = self._frames.popitem(last=False)
            used -= frame.nbytes


def _ignore_errors(task: asyncio.Task[np.ndarray]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.debug("prefetch failed: %s", task.exception())
