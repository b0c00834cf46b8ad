"""The results of a session as every view reads them: rounds → variants, each a file.

A :class:`ResultRound` is one Generate (a job of this run, or a round read back from disk);
its :class:`ResultVariant` s name their file in the session folder, a screen-sized proxy beside
it, and the small things views show at once (leak numbers, a compressed heat map). Full frames
are never held here: they come from the files through the bounded :class:`FrameCache` — except
for a variant whose file could not be written, which keeps its pixels until the round is gone.
Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.params import EditParams

from ._errors import StoreReadError
from .frame_cache import FrameCache, FrameMissing, read_frame
from .rounds import ORIGINAL, BaseRef

__all__ = ["PROXY_SIDE", "ResultRound", "ResultVariant", "Results", "round_seq"]

PROXY_SIDE = 1600  # long side of the proxy shown while the full frame decodes (a screen's worth)


@dataclass(eq=False, slots=True)
class ResultVariant:
    """One variant. ``key`` is its round's key in :class:`Results` (the gallery's key too)."""

    key: str
    index: int
    size: tuple[int, int]  # full resolution (width, height)
    path: Path | None = None  # None: not on disk (its write failed); then ``pixels`` holds it
    proxy_path: Path | None = None
    revised_prompt: str | None = None
    leak: Mapping[str, float] | None = None
    leak_png: bytes | None = None  # the leak heat map, PNG-compressed (mostly zeros: tiny)
    pixels: np.ndarray | None = None

    @property
    def id(self) -> str:
        return f"{self.key}/{self.index}"

    @property
    def saved(self) -> bool:
        return self.path is not None

    def leak_map(self) -> np.ndarray | None:
        if self.leak_png is None:
            return None
        return np.asarray(cv2.imdecode(np.frombuffer(self.leak_png, np.uint8), 0))

    @staticmethod
    def pack_leak_map(heat: np.ndarray | None) -> bytes | None:
        if heat is None:
            return None
        ok, data = cv2.imencode(".png", heat, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        return bytes(data) if ok else None


@dataclass(eq=False, slots=True)
class ResultRound:
    """One round: what was asked and its variants by index. ``round_id`` is the session's id
    for it (None until the session has recorded it, or when no session could)."""

    key: str
    prompt: str
    params: EditParams | None = None  # None for a round read back from disk
    profile: str = ""
    round_id: str | None = None
    base: BaseRef = ORIGINAL
    status: str = ""
    number: int = 0  # as every view numbers it (1, 2, …); given when it is added
    active: bool = False
    cancelled: bool = False
    variants: dict[int, ResultVariant] = field(default_factory=dict)

    def ordered(self) -> list[ResultVariant]:
        return [self.variants[i] for i in sorted(self.variants)]


class Results:
    """Rounds in the order they were started, and the frames behind their variants."""

    def __init__(self, frames: FrameCache | None = None) -> None:
        self.frames = frames if frames is not None else FrameCache()
        self._rounds: dict[str, ResultRound] = {}

    # -- rounds ---------------------------------------------------------------------------------

    def add_round(self, entry: ResultRound) -> ResultRound:
        """Enter a round; it is numbered as the session counts them (``r0003`` is 3), and one
        the session has not recorded gets the number it will be given: one past the round
        added before it (rounds are recorded in the order they start)."""
        previous = next(reversed(self._rounds.values()), None) if self._rounds else None
        recorded = round_seq(entry.round_id)
        if recorded is not None:
            entry.number = recorded
        else:
            entry.number = (previous.number if previous is not None else 0) + 1
        self._rounds.pop(entry.key, None)
        self._rounds[entry.key] = entry
        return entry

    def round(self, key: str) -> ResultRound | None:
        return self._rounds.get(key)

    def rounds(self) -> list[ResultRound]:
        """Oldest first."""
        return list(self._rounds.values())

    def __contains__(self, key: object) -> bool:
        return key in self._rounds

    def key_of(self, round_id: str) -> str | None:
        """The key of the round the session calls ``round_id``."""
        if round_id in self._rounds and self._rounds[round_id].round_id == round_id:
            return round_id
        return next((r.key for r in self._rounds.values() if r.round_id == round_id), None)

    def number(self, key: str) -> int:
        """The round's number, as every view shows it; KeyError when unknown."""
        entry = self._rounds.get(key)
        if entry is None:
            raise KeyError(f"no round {key}")
        return entry.number

    def clear(self) -> None:
        self._rounds.clear()
        self.frames.clear()

    # -- variants -------------------------------------------------------------------------------

    def add_variant(self, variant: ResultVariant) -> None:
        self._rounds[variant.key].variants[variant.index] = variant

    def variant(self, key: str, index: int) -> ResultVariant | None:
        entry = self._rounds.get(key)
        return None if entry is None else entry.variants.get(index)

    def variants(self, key: str) -> list[ResultVariant]:
        entry = self._rounds.get(key)
        return [] if entry is None else entry.ordered()

    # -- frames ---------------------------------------------------------------------------------

    def cached_frame(self, variant: ResultVariant) -> np.ndarray | None:
        """The full frame if it is in memory now (no disk access)."""
        if variant.pixels is not None:
            return variant.pixels
        return None if variant.path is None else self.frames.get(variant.path)

    def keep_frame(self, variant: ResultVariant, pixels: np.ndarray) -> None:
        """A frame just written: cache it (the first look needs no decode)."""
        if variant.path is not None:
            self.frames.put(variant.path, pixels)

    def load_frame(self, variant: ResultVariant) -> np.ndarray:
        """The full frame, decoded from its file if needed (blocking). FrameMissing when the
        file is gone."""
        if variant.pixels is not None:
            return variant.pixels
        if variant.path is None:
            raise FrameMissing("this result was never saved and is no longer in memory")
        return self.frames.load(variant.path)

    async def frame(self, variant: ResultVariant) -> np.ndarray:
        """:meth:`load_frame` off the event loop."""
        if variant.pixels is not None:
            return variant.pixels
        if variant.path is None:
            raise FrameMissing("this result was never saved and is no longer in memory")
        return await self.frames.load_async(variant.path)

    def prefetch(self, variants: list[ResultVariant]) -> None:
        self.frames.prefetch([v.path for v in variants if v.path is not None])

    @staticmethod
    def load_proxy(variant: ResultVariant) -> np.ndarray | None:
        """The screen-sized proxy (blocking, small); None when there is none or it is gone."""
        if variant.proxy_path is None:
            return None
        try:
            return read_frame(variant.proxy_path)
        except StoreReadError:
            return None

    def missing(self, variant: ResultVariant) -> bool:
        """True when the variant's file vanished from the session folder."""
        return variant.pixels is None and (variant.path is None or not variant.path.is_file())


def round_seq(round_id: str | None) -> int | None:
    """3 for the session's ``r0003``; None when not recorded (or not such an id)."""
    if round_id is None or not round_id[1:].isdigit():
        return None
    return int(round_id[1:])
