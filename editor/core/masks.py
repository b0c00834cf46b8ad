"""Operations on edit masks: 2-D uint8 arrays where 255 = edit, 0 = keep, between = soft."""

from __future__ import annotations

import math

import numpy as np

from editor.core.deferred_imports import cv2

__all__ = ["bbox", "compare_zero", "coverage", "disc", "feather", "grow", "invert"]

Box = tuple[int, int, int, int]


def compare_zero(a: np.ndarray, op: int) -> np.ndarray:
    """``cv2.compare(a, 0, op)``: 255 where it holds, else 0.

    OpenCV 5 takes the scalar 0 for a 4×1 array when ``a`` is 1×1 and refuses the sizes, so a
    one-pixel region (a 1×1 image, a single-pixel dab with no feather) goes through NumPy.
    """
    if a.size == 1:
        ops = {cv2.CMP_EQ: np.equal, cv2.CMP_GT: np.greater, cv2.CMP_NE: np.not_equal}
        return np.where(ops[op](a, 0), 255, 0).astype(np.uint8)
    # OpenCV takes a scalar for src2; its stubs only list arrays.
    held: np.ndarray = cv2.compare(a, 0, op)  # type: ignore[call-overload]
    return held


def _check(edit: np.ndarray) -> np.ndarray:
    if edit.ndim != 2:
        raise ValueError(f"expected a 2-D edit mask, got shape {edit.shape}")
    return np.ascontiguousarray(edit, dtype=np.uint8)


def invert(edit: np.ndarray) -> np.ndarray:
    return 255 - _check(edit)


def bbox(edit: np.ndarray) -> Box | None:
    """(x0, y0, x1, y1) of the pixels > 0, x1/y1 exclusive; None when nothing is marked."""
    e = _check(edit)
    if cv2.countNonZero(e) == 0:
        return None
    x, y, w, h = cv2.boundingRect(e)  # on a 1-channel image: the box of its non-zero pixels
    return x, y, x + w, y + h


def coverage(edit: np.ndarray) -> float:
    """Fraction of pixels marked at all (> 0)."""
    e = _check(edit)
    return cv2.countNonZero(e) / e.size if e.size else 0.0


def disc(radius: int) -> np.ndarray:
    """Structuring element of the pixels within Euclidean distance ``radius`` of the centre.

    OpenCV's MORPH_ELLIPSE is a little fatter than a true disc; growing by 3 should reach exactly
    the pixels at distance ≤ 3.
    """
    r = int(radius)
    y, x = np.ogrid[-r : r + 1, -r : r + 1]
    inside: np.ndarray = (x * x + y * y <= r * r).astype(np.uint8)
    return inside


def _expand(box: Box, by: int, shape: tuple[int, ...]) -> Box:
    x0, y0, x1, y1 = box
    h, w = shape[:2]
    return max(0, x0 - by), max(0, y0 - by), min(w, x1 + by), min(h, y1 + by)


def _is_binary(e: np.ndarray) -> bool:
    return cv2.countNonZero(e) == cv2.countNonZero(cv2.inRange(e, 255, 255))


def _dilate(e: np.ndarray, px: int) -> np.ndarray:
    """Grey dilation by a disc of radius px (each pixel takes the max within distance px)."""
    box = bbox(e)
    out = e.copy()
    if box is None:
        return out
    x0, y0, x1, y1 = _expand(box, px, e.shape)
    sub = e[y0:y1, x0:x1]
    if _is_binary(sub):
        # Exact Euclidean distance is linear-time for any radius; a big disc kernel is not.
        dist = cv2.distanceTransform(
            compare_zero(sub, cv2.CMP_EQ), cv2.DIST_L2, cv2.DIST_MASK_PRECISE
        )
        out[y0:y1, x0:x1] = np.where(dist <= px + 1e-3, 255, 0).astype(np.uint8)
    else:
        out[y0:y1, x0:x1] = cv2.dilate(sub, disc(px), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return out


def grow(edit: np.ndarray, px: int) -> np.ndarray:
    """Grow the marked area by ``px`` pixels (Euclidean, round); negative shrinks; 0 is a copy."""
    e = _check(edit)
    px = int(px)
    if px == 0:
        return e.copy()
    if px > 0:
        return _dilate(e, px)
    # Shrinking the marked area is growing the kept area. Outside the image counts as kept, so
    # edits touching the border shrink away from it too.
    inv = 255 - e
    h, w = e.shape
    r = -px
    padded = cv2.copyMakeBorder(inv, r, r, r, r, cv2.BORDER_CONSTANT, value=255)
    return 255 - _dilate(padded, r)[r : r + h, r : r + w]


def feather(edit: np.ndarray, radius: float) -> np.ndarray:
    """Soften the edge over about ``radius`` pixels each side (a Gaussian, σ = radius / 2)."""
    e = _check(edit)
    if radius <= 0:
        return e.copy()
    box = bbox(e)
    out = e.copy()
    if box is None:
        return out
    k = 2 * math.ceil(radius) + 1
    x0, y0, x1, y1 = _expand(box, k, e.shape)
    out[y0:y1, x0:x1] = cv2.GaussianBlur(
        e[y0:y1, x0:x1], (k, k), radius / 2, borderType=cv2.BORDER_REPLICATE
    )
    return out
