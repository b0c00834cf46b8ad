"""NumPy pixels → small QImages for thumbnails.

The full-size conversion lives with the canvas (:func:`editor.ui.common.overlay.to_qimage`) and is
re-exported here so widgets have one place to import pixel helpers from.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QImage

from editor.core.deferred_imports import cv2
from editor.ui.common.overlay import to_qimage

__all__ = ["thumbnail_array", "thumbnail_image", "thumbnail_size", "to_qimage"]


def thumbnail_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """``(w, h)`` of an image scaled to fit a ``max_side`` square, aspect kept, never upscaled."""
    scale = min(1.0, max_side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def thumbnail_array(pixels: np.ndarray, max_side: int) -> np.ndarray:
    """``pixels`` (``H×W`` or ``H×W×3|4`` uint8) shrunk to fit a ``max_side`` square.

    A strided view first drops to ~4× the target (nearly free, no copy of the full image), then
    area averaging makes the final size, so a 24 MP variant costs a few ms, not a 24 MP resize.
    """
    a = np.asarray(pixels)
    h, w = a.shape[:2]
    tw, th = thumbnail_size(w, h, max_side)
    if (tw, th) == (w, h):
        return np.ascontiguousarray(a)
    step = max(1, math.floor(max(w / tw, h / th) / 4))
    pre = np.ascontiguousarray(a[::step, ::step])
    small = cv2.resize(pre, (tw, th), interpolation=cv2.INTER_AREA)
    if a.ndim == 3 and small.ndim == 2:  # cv2 drops a trailing axis of 1; keep the input's shape
        small = small[:, :, None]
    return small


def thumbnail_image(pixels: np.ndarray, max_side: int, dpr: float = 1.0) -> QImage:
    """A QImage fitting ``max_side`` *logical* pixels at device pixel ratio ``dpr`` (crisp on
    high-DPI: it holds ``max_side × dpr`` device pixels and says so via devicePixelRatio)."""
    dpr = max(1.0, float(dpr))
    image = to_qimage(thumbnail_array(pixels, math.ceil(max_side * dpr)))
    image.setDevicePixelRatio(dpr)
    return image
