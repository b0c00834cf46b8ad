"""The magic wand: the pixels of similar colour around a click (or anywhere, when not contiguous).

"Similar" is the same test in both modes: every colour channel within ``tolerance`` levels
(0..255) of the clicked colour, as GIMP's "select by colour" and Photoshop's wand do per channel.
The clicked colour is the 5 × 5 average around the click (Photoshop's "5 by 5 average" sample):
a click that lands on a photo's grain or a JPEG speck takes the colour of the surface it is on,
not of that one pixel.
Contiguous selection is ``cv2.floodFill`` with a fixed range (compared with the seed, not with
the neighbour, so the region cannot creep along a gradient); the colour range over the whole
image is one ``cv2.inRange``. Both run at full resolution and release the GIL, so the window can
call them from a worker thread.
"""

from __future__ import annotations

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.selection.cancel import CancelCheck, raise_if_cancelled
from editor.core.selection.combine import Selection

__all__ = ["DEFAULT_TOLERANCE", "magic_wand"]

DEFAULT_TOLERANCE = 40
SAMPLE = 5  # the clicked colour: the average of SAMPLE × SAMPLE pixels around the click


def _colour_planes(image: np.ndarray) -> np.ndarray:
    """The RGB (or grey) planes the comparison uses; alpha does not take part."""
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, :3])
    if image.ndim == 3 and image.shape[2] in (1, 3):
        return image
    raise ValueError(f"expected an HxW, HxWx3 or HxWx4 image, got shape {image.shape}")


def _sample(planes: np.ndarray, x: int, y: int) -> np.ndarray:
    """The clicked colour: the average of the SAMPLE × SAMPLE pixels around (x, y)."""
    r = SAMPLE // 2
    patch = planes[max(0, y - r) : y + r + 1, max(0, x - r) : x + r + 1]
    channels = 1 if planes.ndim == 2 else planes.shape[2]
    mean: np.ndarray = np.rint(patch.reshape(-1, channels).mean(axis=0)).astype(np.int16)
    return mean


def magic_wand(
    image: np.ndarray,
    x: float,
    y: float,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    contiguous: bool = True,
    cancel: CancelCheck = None,
) -> Selection:
    """The region selected by a click at image coordinates ``(x, y)``.

    ``tolerance`` (0..255) is how far each channel may differ from the clicked pixel's.
    ``contiguous`` keeps only the 4-connected region around the click; off, every similar pixel
    in the image joins. Raises ``ValueError`` for a click outside the image and
    :class:`~editor.core.selection.cancel.Cancelled` if ``cancel`` fires.
    """
    if image.dtype != np.uint8:
        raise ValueError(f"expected an 8-bit image, got {image.dtype}")
    planes = _colour_planes(image)
    h, w = planes.shape[:2]
    ix, iy = int(np.floor(x)), int(np.floor(y))
    if not (0 <= ix < w and 0 <= iy < h):
        raise ValueError(f"the click ({x:g}, {y:g}) is outside the {w}×{h} image")
    tol = int(min(255, max(0, tolerance)))
    raise_if_cancelled(cancel)
    seed = _sample(planes, ix, iy)
    if not contiguous:
        lo = np.clip(seed - tol, 0, 255).astype(np.uint8)
        hi = np.clip(seed + tol, 0, 255).astype(np.uint8)
        chosen = cv2.inRange(planes, lo, hi)
        raise_if_cancelled(cancel)
        bx, by, bw, bh = cv2.boundingRect(chosen)
        box = (bx, by, bx + bw, by + bh)
        return Selection((w, h), box, np.ascontiguousarray(chosen[by : by + bh, bx : bx + bw]))
    # floodFill's mask has a one-pixel border; MASK_ONLY leaves the image untouched. A fixed
    # range compares with the seed pixel: a copy holds the sampled colour there, and the click
    # itself joins only if it is within tolerance of that colour.
    seeded = planes.copy()
    seeded[iy, ix] = seed.astype(np.uint8)
    mask = np.zeros((h + 2, w + 2), np.uint8)
    channels = 1 if planes.ndim == 2 else planes.shape[2]
    diff = (tol,) * channels
    flags = 4 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
    _, _, _, (bx, by, bw, bh) = cv2.floodFill(seeded, mask, (ix, iy), 0, diff, diff, flags)
    if np.abs(planes[iy, ix].astype(np.int16) - seed).max() > tol:
        mask[iy + 1, ix + 1] = 0  # an outlier pixel under the click is not its surface
    raise_if_cancelled(cancel)
    values = np.ascontiguousarray(mask[by + 1 : by + bh + 1, bx + 1 : bx + bw + 1])
    return Selection((w, h), (bx, by, bx + bw, by + bh), values)
