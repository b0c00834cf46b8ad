"""The offline engines: PatchMatch and OpenCV inpainting of the masked area, honest variants.

The prompt is not interpreted: these engines exist so the editor works (and can be tested)
without a network or an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from editor.server.imaging import Pixels, paste_where
from editor.server.patchmatch_engine import VARIANTS, PatchMatchEngine

RADII = (3, 7, 15, 5, 11)  # 2 OpenCV algorithms × 5 radii = 10 distinct variants, the API's max n


class Engine(Protocol):
    """One fill method; ``size`` is its main setting (a radius, a patch size)."""

    @property
    def name(self) -> str: ...

    @property
    def label(self) -> str: ...

    def fill(
        self, pixels: Pixels, region: Pixels, size: int, flip: int | None, exclude: Pixels | None
    ) -> Pixels:
        """Return a copy of ``pixels`` (H×W×3) with ``region`` (H×W, 255 = fill) filled.

        ``flip`` (a cv2.flip code) searches a mirrored copy; ``exclude`` (255) marks pixels not
        to copy from. Engines that cannot use them ignore them."""
        ...

    def margin(self, size: int, box_width: int, box_height: int) -> int:
        """Known pixels needed around a mask with this bounding box (the crop's margin)."""
        ...

    def details(self, size: int, flip: int | None) -> str:
        """The settings, in words, for revised_prompt."""
        ...


@dataclass(frozen=True, slots=True)
class OpenCVEngine:
    name: str
    label: str
    flag: int

    def fill(
        self, pixels: Pixels, region: Pixels, size: int, flip: int | None, exclude: Pixels | None
    ) -> Pixels:
        return np.asarray(cv2.inpaint(pixels, region, float(size), self.flag))

    def margin(self, size: int, box_width: int, box_height: int) -> int:
        # Both OpenCV methods read known pixels at most `radius` away from the fill front, so a
        # few radii of context reproduce the full-frame result (tests check this).
        return 3 * size + 4

    def details(self, size: int, flip: int | None) -> str:
        return f"radius {size} px"


PATCHMATCH = PatchMatchEngine()
TELEA = OpenCVEngine("telea", "OpenCV Telea inpainting", cv2.INPAINT_TELEA)
NAVIER_STOKES = OpenCVEngine("navier-stokes", "OpenCV Navier–Stokes inpainting", cv2.INPAINT_NS)
# The order GET /v1/models lists them in.
ENGINES: dict[str, Engine] = {e.name: e for e in (PATCHMATCH, TELEA, NAVIER_STOKES)}
DEFAULT_MODEL = PATCHMATCH.name
_OPENCV: tuple[Engine, ...] = (TELEA, NAVIER_STOKES)


@dataclass(frozen=True, slots=True)
class Variant:
    engine: Engine
    size: int  # radius (OpenCV) or patch size (PatchMatch), px
    flip: int | None = None  # PatchMatch: search a mirrored crop (another random pass)

    def describe(self) -> str:
        return (
            f"Local engine (offline): filled the masked area with {self.engine.label}, "
            f"{self.engine.details(self.size, self.flip)}. The prompt is not interpreted."
        )


def plan_variants(model: str, n: int) -> list[Variant]:
    """n distinct variants (n ≤ 10) of the requested engine's family.

    PatchMatch: patch sizes 3 and 5, the same searched on mirrored crops, then patch size 7.
    OpenCV: the requested method first, then the other, for each radius in turn.
    """
    engine = ENGINES[model]
    if engine is PATCHMATCH:
        combos = [Variant(engine, size, flip) for size, flip in VARIANTS]
    else:
        order = [engine, *(e for e in _OPENCV if e is not engine)]
        combos = [Variant(e, radius) for radius in RADII for e in order]
    return [combos[i % len(combos)] for i in range(n)]


def crop_box(region: Pixels, engine: Engine, size: int) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around the region plus the engine's margin, clipped to the frame."""
    x, y, w, h = cv2.boundingRect(region)
    if w == 0 or h == 0:
        return None
    margin = engine.margin(size, w, h)
    rows, cols = region.shape[:2]
    return (
        max(0, x - margin),
        max(0, y - margin),
        min(cols, x + w + margin),
        min(rows, y + h + margin),
    )


def inpaint(pixels: Pixels, region: Pixels, variant: Variant) -> Pixels:
    """Fill ``region`` (255 = fill) of RGB/RGBA ``pixels``, working only on the region's crop.

    Pixels outside the region are returned exactly as given."""
    box = crop_box(region, variant.engine, variant.size)
    out = pixels.copy()
    if box is None:
        return out
    x0, y0, x1, y1 = box
    crop_region = np.ascontiguousarray(region[y0:y1, x0:x1])
    colour = np.ascontiguousarray(pixels[y0:y1, x0:x1, :3])
    exclude = None
    if pixels.shape[2] == 4:
        # Fully transparent pixels have no meaningful colour: never copy texture from them.
        hidden = (pixels[y0:y1, x0:x1, 3] == 0) & (crop_region == 0)
        if hidden.any():
            exclude = np.where(hidden, np.uint8(255), np.uint8(0))
    filled = variant.engine.fill(colour, crop_region, variant.size, variant.flip, exclude)
    paste_where(out[y0:y1, x0:x1, :3], filled, crop_region)
    if pixels.shape[2] == 4:  # filled pixels are content now, not holes
        np.copyto(out[y0:y1, x0:x1, 3], np.uint8(255), where=crop_region > 0)
    return out


def inpaint_scaled(pixels: Pixels, region: Pixels, variant: Variant, scale: float) -> Pixels:
    """Run ``variant`` on a copy downscaled by ``scale``, upscale the fill into ``region``; the
    known pixels stay exact."""
    height, width = region.shape[:2]
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = np.asarray(cv2.resize(pixels, small_size, interpolation=cv2.INTER_AREA), np.uint8)
    # Any touched pixel counts as hole, so no unknown colour leaks in from the hole's edge.
    shrunk = cv2.resize(region, small_size, interpolation=cv2.INTER_AREA)
    small_region = np.where(shrunk > 0, np.uint8(255), np.uint8(0))
    if not small_region.any():
        return inpaint(pixels, region, variant)
    filled = inpaint(small, small_region, variant)
    del small
    out = np.asarray(cv2.resize(filled, (width, height), interpolation=cv2.INTER_LINEAR), np.uint8)
    del filled
    # The upscaled frame becomes the result: put the known pixels back.
    paste_where(out, pixels, cv2.threshold(region, 0, 255, cv2.THRESH_BINARY_INV)[1])
    if out.shape[2] == 4:
        np.copyto(out[:, :, 3], np.uint8(255), where=region > 0)
    return out


# A hole larger than this is filled at the scale that brings it to this size and upscaled (as
# IOPaint's "resize" strategy): a 90 % mask of a 96 MP photo filled at full size runs for many
# minutes and gains little over 4 MP of fill, which PatchMatch makes in about 40 s on two cores.
FULL_SIZE_FILL_LIMIT = 4_000_000


def inpaint_any_size(pixels: Pixels, region: Pixels, variant: Variant) -> tuple[Pixels, str]:
    """:func:`inpaint`, or, for a hole over FULL_SIZE_FILL_LIMIT pixels, :func:`inpaint_scaled`
    at the scale that makes it that size; with a note for revised_prompt when it was scaled."""
    hole = int(cv2.countNonZero(region))
    if hole <= FULL_SIZE_FILL_LIMIT:
        return inpaint(pixels, region, variant), ""
    scale = (FULL_SIZE_FILL_LIMIT / hole) ** 0.5
    megapixels = hole / 1e6
    note = (
        f" The masked area ({megapixels:.0f} MP) was filled at {scale:.0%} size and upscaled; "
        "the pixels outside it are untouched."
    )
    return inpaint_scaled(pixels, region, variant, scale), note
