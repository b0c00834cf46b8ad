"""PatchMatch content-aware fill (PyPatchMatch, MIT): copies texture from around the mask.

Defaults come from ``bench/engine.py`` (PatchMatch vs Telea time and texture score). Two facts
about the library shape this module:

- ``patchmatch.inpaint`` is one ctypes call into C++; ctypes releases the GIL for it, so
  variants run side by side on the server's thread pool. The call cannot be interrupted: a
  cancelled request finishes the variants already running and skips the rest.
- Its random seed is one process-wide setting read when a call starts, so setting a seed per
  variant would race between threads. Further variants instead search a mirrored copy of the
  crop: a different (deterministic) random search path over the same context.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import patchmatch

from editor.server.imaging import Pixels

# Patch "size" is PyPatchMatch's patch radius: patches span (2p + 1)² pixels. From bench/engine.py
# (6 images, median over them): p=3 keeps texture closest to the surroundings (|log2 score| 0.27,
# at 1× context) and is fastest; p=5 is 1.4× the time (0.33–0.39), p=7 2.5–2.9× (0.52–0.55).
PATCH_SIZES = (3, 5, 7)
DEFAULT_PATCH_SIZE = PATCH_SIZES[0]
# Context searched around the mask: the mask's bounding box grown on every side by this many
# times its longer side. Time hardly depends on it (it is dominated by the hole: 1× is 0.92× the
# whole frame's time, 0.5× 0.87×), but texture does: 1× scored best (|log2| 0.27 vs 0.58 at 0.5×
# and 0.30 for the frame), and wider context pulls in far, unrelated texture on large frames.
CONTEXT_FACTOR = 1.0
MIN_CONTEXT_PX = 24
# The n variants, best first: p=3 and p=5 plain, then searched on mirrored crops (as good, a
# different result), p=7 last (slowest and, by the texture score, the worst).
# cv2.flip codes for the variants that search a mirrored crop, with what the user is told.
MIRRORS: tuple[tuple[int | None, str], ...] = (
    (None, ""),
    (1, "mirrored left–right"),
    (0, "mirrored top–bottom"),
    (-1, "mirrored both ways"),
)
VARIANTS: tuple[tuple[int, int | None], ...] = (
    *((size, flip) for flip, _ in MIRRORS for size in PATCH_SIZES[:2]),
    (7, None),
    (7, 1),
)


def context_margin(box_width: int, box_height: int, factor: float = CONTEXT_FACTOR) -> int:
    """Pixels of known surroundings kept around a mask whose bounding box is this size."""
    return max(MIN_CONTEXT_PX, round(factor * max(box_width, box_height)))


def patchmatch_fill(
    pixels: Pixels,
    region: Pixels,
    patch_size: int,
    flip: int | None = None,
    exclude: Pixels | None = None,
) -> Pixels:
    """PatchMatch-fill ``region`` (255 = fill) of RGB ``pixels``; ``exclude`` (255) marks
    pixels that must not be copied from (e.g. fully transparent ones)."""
    image, hole, keep_out = pixels, region, exclude
    if flip is not None:
        image, hole = _flipped(pixels, flip), _flipped(region, flip)
        keep_out = None if exclude is None else _flipped(exclude, flip)
    filled = patchmatch.inpaint(
        np.ascontiguousarray(image),
        np.ascontiguousarray(hole),
        global_mask=None if keep_out is None else np.ascontiguousarray(keep_out),
        patch_size=patch_size,
    )
    out = np.asarray(filled, dtype=np.uint8)
    return _flipped(out, flip) if flip is not None else out


def _flipped(pixels: Pixels, flip: int) -> Pixels:
    return np.asarray(cv2.flip(pixels, flip), dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class PatchMatchEngine:
    name: str = "patchmatch"
    label: str = "PatchMatch"
    setting: str = "patch size"

    def fill(
        self, pixels: Pixels, region: Pixels, size: int, flip: int | None, exclude: Pixels | None
    ) -> Pixels:
        return patchmatch_fill(pixels, region, size, flip, exclude)

    def margin(self, size: int, box_width: int, box_height: int) -> int:
        return context_margin(box_width, box_height) + size

    def details(self, size: int, flip: int | None) -> str:
        mirrored = dict(MIRRORS)[flip]
        side = 2 * size + 1
        how = f", searched on the image {mirrored} for another random pass" if mirrored else ""
        return (
            f"patch size {size} px ({side}×{side} px patches from around the mask, up to "
            f"{CONTEXT_FACTOR:g}× its size away){how}"
        )
