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
from editor.server.imaging import Pixels

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
    selected = region > 0
    kernel = np.ones((9, 9), np.uint8)
    rim = (cv2.dilate(region, kernel) > 0) & ~selected
    if pixels.shape[2] == 4:
        rim &= pixels[:, :, 3] > 0
    source = pixels[rim] if rim.any() else pixels[~selected]
    mean = source.mean(axis=0) if len(source) else np.full(pixels.shape[2], 128.0)
    out = pixels.copy()
    out[selected] = np.clip(mean + 0.5, 0, 255).astype(np.uint8)
    if out.shape[2] == 4:
        out[:, :, 3][selected] = 255
    blurred = cv2.GaussianBlur(out, (0, 0), 6)
    out[selected] = blurred[selected]
    return out
