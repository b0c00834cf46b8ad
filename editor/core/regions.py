"""Several regions in one round: each region's variant k is made on its own (its own crop and
prompt); variant k of the round puts all of them into the original together.

Regions may not overlap: a pixel in two regions would have two answers, and any rule choosing
one would throw away paid-for work unseen. :func:`overlap` finds where they do, so the caller
can say so before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from editor.core.deferred_imports import cv2

__all__ = ["combine_variants", "overlap", "union"]


def overlap(masks: Sequence[np.ndarray]) -> tuple[int, int, int] | None:
    """The first two regions that share pixels, and how many they share; None if none do.
    Masks are H×W, non-zero = in the region."""
    for i, first in enumerate(masks):
        for j in range(i + 1, len(masks)):
            # Non-zero in both is non-zero in their minimum (OpenCV: a 24 MP pair in a few ms,
            # the interpreter free meanwhile).
            shared = int(cv2.countNonZero(cv2.min(first, masks[j])))
            if shared:
                return i, j, shared
    return None


def union(masks: Sequence[np.ndarray]) -> np.ndarray:
    """Every region at once: the largest value of each pixel."""
    out = masks[0].copy()
    for mask in masks[1:]:
        cv2.max(out, mask, dst=out)
    return out


def combine_variants(original: np.ndarray, variants: Sequence[np.ndarray]) -> np.ndarray:
    """The original with every region's variant in it: each variant differs from the original
    only around its own region (its mask and the composite's feather), so its difference is
    added there. Pixels no variant changed stay the original's, bit for bit."""
    out = original.copy()
    for variant in variants:
        if variant.shape != original.shape:
            raise ValueError("a region's variant is not the size of the image")
        # The box of what changed first (OpenCV, on all channels as one row of bytes): only
        # that much of a 24 MP frame is then looked at pixel by pixel.
        diff = cv2.absdiff(variant, original)
        channels = diff.shape[2] if diff.ndim == 3 else 1
        x, y, w, h = cv2.boundingRect(np.ascontiguousarray(diff).reshape(diff.shape[0], -1))
        if w == 0 or h == 0:
            continue
        x0, y0, x1, y1 = x // channels, y, -(-(x + w) // channels), y + h
        part = diff[y0:y1, x0:x1]
        mine = part.any(axis=-1) if part.ndim == 3 else part > 0
        delta = variant[y0:y1, x0:x1].astype(np.int16) - original[y0:y1, x0:x1]
        # Where two feathered bands meet, both differences count (they are each a fade).
        mixed = out[y0:y1, x0:x1].astype(np.int16) + delta
        target = out[y0:y1, x0:x1]
        target[mine] = np.clip(mixed, 0, 255).astype(np.uint8)[mine]
    return out
