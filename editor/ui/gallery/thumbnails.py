"""Thumbnails of tiles read back from a session, loaded as they scroll into view.

A restored round's tile starts without a picture; when it comes near the visible part of the
gallery its proxy (a screen-sized file beside the variant) is decoded in a worker thread and
shrunk to a thumbnail — or the full file when it has no proxy, without entering the frame
cache. A tile whose file is gone says so instead.
"""

from __future__ import annotations

import asyncio
import logging

import numpy as np

from editor.store import FrameMissing, Results, ResultVariant, StoreError
from editor.store.frame_cache import read_frame
from editor.ui.common.qimage import thumbnail_array
from editor.ui.gallery.gallery import Gallery
from editor.ui.gallery.tile import MISSING_TEXT, THUMB
from editor.workspace.tasks import spawn

__all__ = ["ThumbnailLoader"]

log = logging.getLogger(__name__)


def _small(variant: ResultVariant) -> np.ndarray:
    pixels = Results.load_proxy(variant)
    if pixels is None:
        if variant.path is None:
            raise FrameMissing("this result was never saved")
        pixels = read_frame(variant.path)
    return thumbnail_array(pixels, THUMB * 2)


class ThumbnailLoader:
    """Fills the gallery's tiles with thumbnails of the results, read off the event loop."""

    def __init__(self, gallery: Gallery, results: Results) -> None:
        self.gallery = gallery
        self.results = results
        self._asked: set[tuple[str, int]] = set()
        self.task: asyncio.Future[None] | None = None
        gallery.thumbnails_wanted.connect(self._wanted)

    def _wanted(self, keys: list[tuple[str, int]]) -> None:
        todo = [k for k in keys if k not in self._asked]
        if not todo:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a plain script): tiles stay blank
        self._asked.update(todo)
        self.task = spawn(self._load(todo), "load thumbnails")

    async def _load(self, keys: list[tuple[str, int]]) -> None:
        for key, index in keys:
            variant = self.results.variant(key, index)
            if variant is None:
                continue
            try:
                small = await asyncio.to_thread(_small, variant)
            except FrameMissing:
                self.gallery.mark_missing(key, index, MISSING_TEXT)
                continue
            except StoreError as e:
                log.warning("thumbnail of %s: %s", variant.id, e)
                continue
            finally:
                self._asked.discard((key, index))
            self.gallery.set_thumbnail(key, index, small)
