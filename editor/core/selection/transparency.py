"""Mask from transparency: the image's transparent pixels become the area to edit.

``editor.core.imageio.load_image`` keeps the alpha channel (``H×W×4``) whenever any pixel is not
fully opaque, so the loaded pixels are all this needs. Partly transparent pixels give a partly
selected mask (255 - alpha), so soft cut-out edges stay soft.
"""

from __future__ import annotations

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.errors import UserInputError
from editor.core.selection.combine import Selection

__all__ = ["NoTransparencyError", "mask_from_transparency"]


class NoTransparencyError(UserInputError):
    """The image has nothing transparent; ``str(error)`` is fit to show the user as is."""


def mask_from_transparency(pixels: np.ndarray) -> Selection:
    """The selection ``255 - alpha`` over the image (only the box holding transparent pixels)."""
    if pixels.ndim != 3 or pixels.shape[2] != 4:
        raise NoTransparencyError("The image has no transparency (no alpha channel)")
    h, w = pixels.shape[:2]
    clear = cv2.bitwise_not(np.ascontiguousarray(pixels[:, :, 3]))
    bx, by, bw, bh = cv2.boundingRect(clear)
    if bw == 0 or bh == 0:
        raise NoTransparencyError("The image has no transparent pixels")
    values = np.ascontiguousarray(clear[by : by + bh, bx : bx + bw])
    return Selection((w, h), (bx, by, bx + bw, by + bh), values)
