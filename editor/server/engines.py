"""The offline engine: OpenCV inpainting of the masked area, one honest variant per request.

The prompt is not interpreted: this engine exists so the editor works (and can be tested)
without a network or an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from editor.server.imaging import Pixels

RADII = (3, 7, 15, 5, 11)  # 2 algorithms × 5 radii = 10 distinct variants, the API's max n


class Engine(Protocol):
    """One fill method. PatchMatch (or any other) can be added by registering another Engine."""

    name: str
    label: str

    def fill(self, pixels: Pixels, region: Pixels, radius: int) -> Pixels:
        """Return a copy of ``pixels`` (H×W×3) with ``region`` (H×W, 255 = fill) filled."""
        ...


@dataclass(frozen=True, slots=True)
class OpenCVEngine:
    name: str
    label: str
    flag: int

    def fill(self, pixels: Pixels, region: Pixels, radius: int) -> Pixels:
        return np.asarray(cv2.inpaint(pixels, region, float(radius), self.flag))


ENGINES: dict[str, Engine] = {
    "telea": OpenCVEngine("telea", "OpenCV Telea inpainting", cv2.INPAINT_TELEA),
    "navier-stokes": OpenCVEngine(
        "navier-stokes", "OpenCV Navier–Stokes inpainting", cv2.INPAINT_NS
    ),
}
DEFAULT_MODEL = "telea"


@dataclass(frozen=True, slots=True)
class Variant:
    engine: Engine
    radius: int

    def describe(self) -> str:
        return (
            f"Local engine (offline): filled the masked area with {self.engine.label}, "
            f"radius {self.radius} px. The prompt is not interpreted."
        )


def plan_variants(model: str, n: int) -> list[Variant]:
    """Variant i: the requested engine first, then the others, for each radius in turn."""
    order = [ENGINES[model], *(e for name, e in ENGINES.items() if name != model)]
    combos = [Variant(engine, radius) for radius in RADII for engine in order]
    return [combos[i % len(combos)] for i in range(n)]


def crop_box(region: Pixels, margin: int) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around the region plus ``margin``, clipped to the frame."""
    x, y, w, h = cv2.boundingRect(region)
    if w == 0 or h == 0:
        return None
    rows, cols = region.shape[:2]
    return (
        max(0, x - margin),
        max(0, y - margin),
        min(cols, x + w + margin),
        min(rows, y + h + margin),
    )


def margin_for(radius: int) -> int:
    # Both OpenCV methods read known pixels at most `radius` away from the fill front, so a few
    # radii of context reproduce the full-frame result (tests check this).
    return 3 * radius + 4


def inpaint(pixels: Pixels, region: Pixels, variant: Variant) -> Pixels:
    """Fill ``region`` (255 = fill) of RGB/RGBA ``pixels``, working only on the region's crop."""
    box = crop_box(region, margin_for(variant.radius))
    out = pixels.copy()
    if box is None:
        return out
    x0, y0, x1, y1 = box
    crop_region = region[y0:y1, x0:x1]
    colour = np.ascontiguousarray(pixels[y0:y1, x0:x1, :3])
    filled = variant.engine.fill(colour, crop_region, variant.radius)
    selected = crop_region > 0
    out[y0:y1, x0:x1, :3][selected] = filled[selected]
    if pixels.shape[2] == 4:
        out[y0:y1, x0:x1, 3][selected] = 255  # filled pixels are content now, not holes
    return out
