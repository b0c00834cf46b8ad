"""The image being edited, as a value: its pixels and what they are.

Which stored image the pixels are (the original, a variant used as the base, a grown canvas) is
carried with them, so a round's base is known when it is sent, never guessed afterwards from the
array's identity.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from editor.core.expand import ExpandedCanvas
from editor.store import ORIGINAL, BaseRef

__all__ = ["CurrentImage", "ImageKind"]


class ImageKind(enum.StrEnum):
    ORIGINAL = "original"
    VARIANT = "variant"  # a variant used as the base
    GROWN = "grown"  # a canvas grown by Expand Canvas


@dataclass(frozen=True, slots=True, eq=False)
class CurrentImage:
    pixels: np.ndarray
    base: BaseRef = ORIGINAL
    grown: ExpandedCanvas | None = None  # set when the pixels are a grown canvas

    @property
    def kind(self) -> ImageKind:
        if self.grown is not None:
            return ImageKind.GROWN
        return ImageKind.ORIGINAL if self.base.is_original else ImageKind.VARIANT

    @property
    def size(self) -> tuple[int, int]:
        h, w = self.pixels.shape[:2]
        return w, h
