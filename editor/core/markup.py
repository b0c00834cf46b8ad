"""Markup: arrows, circles and scribbles on a transparent layer that show a model where to edit.

The 2.6 models take it as the ``markup`` field, never together with ``mask``. Where markup
can't reach the model (a gateway that forwards it as text, or our own offline engines), the
marks become an edit region: shapes they close are filled, and every stroke is widened so the
region covers what was marked.
"""

from __future__ import annotations

import numpy as np

from editor.core.deferred_imports import cv2

__all__ = ["MARK_ALPHA", "has_marks", "markup_region", "stroke_reach"]

MARK_ALPHA = 32  # a pixel at least this opaque is a mark; anti-aliased fringes below are not


def has_marks(markup: np.ndarray | None) -> bool:
    return markup is not None and bool((markup[:, :, 3] >= MARK_ALPHA).any())


def stroke_reach(size: tuple[int, int]) -> int:
    """How far a stroke is widened, px: 1.5 % of the shorter side, at least 6."""
    return max(6, round(0.015 * min(size)))


def markup_region(markup: np.ndarray) -> np.ndarray:
    """The edit region (H×W uint8, 255 = edit) the marks of an RGBA layer point at: every
    area they enclose, plus the strokes themselves widened by :func:`stroke_reach`."""
    if markup.ndim != 3 or markup.shape[2] != 4:
        raise ValueError("markup is an H×W×4 (RGBA) layer")
    h, w = markup.shape[:2]
    marks = np.where(markup[:, :, 3] >= MARK_ALPHA, np.uint8(255), np.uint8(0))
    if not marks.any():
        return marks
    # Everything the outside can't reach without crossing a mark is enclosed by one.
    outside = np.zeros((h + 2, w + 2), np.uint8)
    outside[1:-1, 1:-1] = marks
    reach_mask = np.zeros((h + 4, w + 4), np.uint8)
    cv2.floodFill(outside, reach_mask, (0, 0), 255, flags=4 | (255 << 8))
    enclosed = np.where(outside[1:-1, 1:-1] == 0, np.uint8(255), np.uint8(0))
    r = stroke_reach((w, h))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    widened = cv2.dilate(marks, kernel)
    return np.asarray(cv2.bitwise_or(widened, enclosed))
