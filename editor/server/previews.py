"""Honest partial images for ``stream=true``: real intermediate stages of the local engines.

Each preview is a cheaper run of the fill the final image comes from, coarse to fine:

- PatchMatch: a Telea fill at 1/4 resolution (a smooth colour sketch, a different and much
  faster method), then PatchMatch itself at 1/4 resolution, then at 1/2.
- Telea / Navier–Stokes: the hole filled with the mean colour of its rim and blurred (a flat
  sketch), then the same method at 1/4 resolution, then at 1/2.

``partial_images`` = 1 sends only the 1/4-resolution run of the variant's own engine, 2 the
sketch and that run, 3 all three. Every preview is a full frame at the output size with the
known pixels untouched; only the masked area shows the stage. Its ``description`` says which
stage it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import cv2
import numpy as np

from editor.server.engines import PATCHMATCH, TELEA, Variant, inpaint_scaled
from editor.server.imaging import Pixels, paste_where

__all__ = ["MAX_PARTIAL_IMAGES", "Stage", "preview_stages"]

MAX_PARTIAL_IMAGES = 3
Stage = tuple[str, float]  # ("sketch" | "engine", scale)


def _plan(count: int) -> list[Stage]:
    stages: list[Stage] = [("sketch", 0.25), ("engine", 0.25), ("engine", 0.5)]
    if count <= 0:
        return []
    if count == 1:
        return [("engine", 0.25)]
    return stages[: min(count, MAX_PARTIAL_IMAGES)]


def _fraction(scale: float) -> str:
    return f"1/{round(1 / scale)}"


def preview_stages(
    pixels: Pixels, region: Pixels, variant: Variant, count: int
) -> Iterator[tuple[Pixels, str]]:
    """``count`` (0–3) previews of ``variant``'s fill of ``region`` in ``pixels``, coarse first:
    (frame like the final's, before resizing/encoding; what the stage is, in words)."""
    for kind, scale in _plan(count):
        if kind == "sketch":
            if variant.engine is PATCHMATCH:
                sketch = inpaint_scaled(pixels, region, Variant(TELEA, 3), scale)
                yield (
                    sketch,
                    (
                        f"Coarse preview: a quick Telea fill at {_fraction(scale)} resolution, "
                        "not yet PatchMatch."
                    ),
                )
            else:
                yield (
                    _flat(pixels, region),
                    (
                        "Coarse preview: the masked area filled with the average colour around it, "
                        "blurred."
                    ),
                )
        else:
            size = (
                variant.size
                if variant.engine is PATCHMATCH
                else max(1, round(variant.size * scale))
            )
            frame = inpaint_scaled(pixels, region, replace(variant, size=size), scale)
            yield (
                frame,
                (
                    f"Preview: {variant.engine.label} at {_fraction(scale)} resolution "
                    f"({variant.engine.details(size, variant.flip)}), upscaled."
                ),
            )


def _flat(pixels: Pixels, region: Pixels) -> Pixels:
    """The hole in the mean colour of a rim around it, softened by a blur."""
    # OpenCV's masked mean and copies: NumPy's boolean indexing over a 24 MP crop kept a core
    # busy for a second beside the window.
    hole = cv2.threshold(region, 0, 255, cv2.THRESH_BINARY)[1]
    outside = cv2.bitwise_not(hole)
    rim = cv2.bitwise_and(cv2.dilate(hole, np.ones((9, 9), np.uint8)), outside)
    if pixels.shape[2] == 4:
        rim = cv2.bitwise_and(rim, cv2.threshold(pixels[:, :, 3], 0, 255, cv2.THRESH_BINARY)[1])
    source = rim if cv2.countNonZero(rim) else outside
    if cv2.countNonZero(source):
        mean = np.array(cv2.mean(pixels, mask=source)[: pixels.shape[2]])
    else:
        mean = np.full(pixels.shape[2], 128.0)
    out = pixels.copy()
    flat = np.empty_like(pixels)
    flat[...] = np.clip(mean + 0.5, 0, 255).astype(np.uint8)
    paste_where(out, flat, hole)
    del flat
    if out.shape[2] == 4:
        np.copyto(out[:, :, 3], np.uint8(255), where=hole > 0)
    blurred = np.asarray(cv2.GaussianBlur(out, (0, 0), 6), np.uint8)
    paste_where(out, blurred, hole)
    return out
