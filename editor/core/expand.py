"""Expand canvas (outpainting): grow the frame, leave the new area transparent and to be filled.

An Expansion says how many pixels each side grows. It comes from pixels per side or from a
target aspect with an anchor (where the original sits on a 3×3 grid). expand_canvas builds the
larger RGBA frame (new area fully transparent) and its edit mask: the new area plus a seam band
reaching into the original along every side that grew, so the generated fill overlaps the
original and the composite's feather blends the join. Outside band and feather the composite
keeps the original bit for bit (editor.core.composite).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from editor.core.deferred_imports import cv2

__all__ = [
    "ANCHORS",
    "ASPECT_PRESETS",
    "MAX_EXPANDED_SIDE",
    "ExpandedCanvas",
    "Expansion",
    "default_seam_band",
    "drop_opaque_alpha",
    "expand_canvas",
    "expand_to_aspect",
    "parse_anchor",
    "parse_aspect",
    "parse_expand",
    "shrink_to_original",
]

Size = tuple[int, int]
Box = tuple[int, int, int, int]

# Where the original sits inside the expanded frame, as fractions of the free space (x, y).
ANCHORS: dict[str, tuple[float, float]] = {
    "top-left": (0.0, 0.0),
    "top": (0.5, 0.0),
    "top-right": (1.0, 0.0),
    "left": (0.0, 0.5),
    "center": (0.5, 0.5),
    "right": (1.0, 0.5),
    "bottom-left": (0.0, 1.0),
    "bottom": (0.5, 1.0),
    "bottom-right": (1.0, 1.0),
}
_ANCHOR_ALIASES = {"centre": "center", "middle": "center"}
ASPECT_PRESETS: tuple[str, ...] = ("1:1", "4:5", "3:2", "16:9", "9:16", "2:3")
# An expanded frame above this on a side would not fit in memory comfortably (a 20000² RGBA
# frame is 1.6 GB); no model takes it anyway.
MAX_EXPANDED_SIDE = 20000
SEAM_FRACTION = 0.03  # the seam band: 3 % of the original's shorter side…
MIN_SEAM = 16  # …and at least this many pixels


@dataclass(frozen=True, slots=True)
class Expansion:
    """Pixels added on each side of the original (all ≥ 0)."""

    left: int = 0
    top: int = 0
    right: int = 0
    bottom: int = 0

    def __post_init__(self) -> None:
        if min(self.left, self.top, self.right, self.bottom) < 0:
            raise ValueError("an expansion adds pixels: every side must be 0 or more")

    @property
    def is_empty(self) -> bool:
        return not (self.left or self.top or self.right or self.bottom)

    def new_size(self, size: Size) -> Size:
        return size[0] + self.left + self.right, size[1] + self.top + self.bottom

    def original_box(self, size: Size) -> Box:
        """(x0, y0, x1, y1) of the original inside the expanded frame."""
        return self.left, self.top, self.left + size[0], self.top + size[1]

    def as_list(self) -> list[int]:
        """[left, top, right, bottom], as the CLI takes it and the sidecar records it."""
        return [self.left, self.top, self.right, self.bottom]


def default_seam_band(size: Size) -> int:
    """How far the fill reaches into the original: 3 % of the shorter side, at least 16 px."""
    return max(MIN_SEAM, round(SEAM_FRACTION * min(size)))


def expand_to_aspect(size: Size, aspect: tuple[float, float], anchor: str = "center") -> Expansion:
    """The smallest expansion that brings ``size`` to the aspect ``aspect`` (w, h).

    Only one axis grows; the original sits at ``anchor`` along it. A frame already at that
    aspect (to the pixel) gets an empty expansion.
    """
    w, h = int(size[0]), int(size[1])
    aw, ah = float(aspect[0]), float(aspect[1])
    if w <= 0 or h <= 0:
        raise ValueError(f"image size must be positive, got {size}")
    if not (aw > 0 and ah > 0 and math.isfinite(aw) and math.isfinite(ah)):
        raise ValueError("an aspect has two positive numbers, like 16:9")
    ax, ay = ANCHORS[parse_anchor(anchor)]
    target = aw / ah
    new_w, new_h = w, h
    if w / h < target:
        new_w = max(w, round(h * target))
    else:
        new_h = max(h, round(w / target))
    extra_x, extra_y = new_w - w, new_h - h
    left = int(extra_x * ax)  # an odd pixel goes right and bottom, as in sizing
    top = int(extra_y * ay)
    return Expansion(left, top, extra_x - left, extra_y - top)


def parse_anchor(text: str) -> str:
    """A 3×3 grid position: center, left, right, top, bottom or a corner (top-left, …)."""
    key = text.strip().lower().replace("_", "-").replace(" ", "-")
    key = _ANCHOR_ALIASES.get(key, key)
    if key not in ANCHORS:
        parts = key.split("-")
        if len(parts) == 2 and "-".join(reversed(parts)) in ANCHORS:  # left-top → top-left
            return "-".join(reversed(parts))
        raise ValueError(f"{text!r} is not an anchor; use one of {', '.join(ANCHORS)}")
    return key


_ASPECT_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[:x×/]\s*(\d+(?:\.\d+)?)\s*$")


def parse_aspect(text: str) -> tuple[float, float]:
    """``"16:9"`` → (16.0, 9.0); also ``4x5``, ``1.91:1``. Raises ValueError otherwise."""
    m = _ASPECT_RE.match(text)
    if m is None:
        raise ValueError(f"{text!r} is not an aspect like 16:9")
    aw, ah = float(m.group(1)), float(m.group(2))
    if aw <= 0 or ah <= 0:
        raise ValueError(f"{text!r} has a zero side")
    if not 1 / 20 <= aw / ah <= 20:
        raise ValueError(f"{text!r} is too extreme an aspect (at most 20:1)")
    return aw, ah


def parse_expand(text: str) -> Expansion:
    """``"LEFT,TOP,RIGHT,BOTTOM"`` in pixels → Expansion; raises ValueError otherwise."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{text!r} is not four whole pixel counts LEFT,TOP,RIGHT,BOTTOM")
    return Expansion(*(int(p) for p in parts))


@dataclass(frozen=True, slots=True, eq=False)
class ExpandedCanvas:
    """The grown frame and what to fill in it.

    ``pixels``: HxWx4 uint8, the original placed at ``expansion.original_box`` (opaque where
    the original was), the new area (0, 0, 0, 0). ``mask``: HxW uint8, 255 = fill: the new
    area, the seam band and the user's own mask carried over. ``new_area``: 255 on the new
    area alone; ``required``: the new area and the seam band, what every mask must include.
    """

    pixels: np.ndarray
    mask: np.ndarray
    new_area: np.ndarray
    required: np.ndarray
    expansion: Expansion
    original_size: Size
    seam_band: int

    @property
    def size(self) -> Size:
        return self.pixels.shape[1], self.pixels.shape[0]

    @property
    def original_box(self) -> Box:
        return self.expansion.original_box(self.original_size)

    def including(self, edit: np.ndarray | None) -> np.ndarray:
        """A mask painted on the expanded frame, made to cover the new area and seam band (a
        cleared or inverted mask must still fill them)."""
        if edit is None:
            return self.required.copy()
        if edit.shape != self.required.shape:
            shape = self.required.shape
            raise ValueError(f"mask shape {edit.shape} differs from the frame {shape}")
        covered: np.ndarray = np.maximum(edit, self.required)
        return covered


def _check_size(original: Size, expansion: Expansion) -> None:
    w, h = expansion.new_size(original)
    if max(w, h) > MAX_EXPANDED_SIDE:
        raise ValueError(
            f"The expanded image would be {w} × {h}; at most {MAX_EXPANDED_SIDE} px on a side."
        )


def _to_rgba(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return cv2.cvtColor(pixels, cv2.COLOR_GRAY2RGBA)
    if pixels.shape[2] == 4:
        return pixels
    return cv2.cvtColor(np.ascontiguousarray(pixels), cv2.COLOR_RGB2RGBA)


def expand_canvas(
    original: np.ndarray,
    expansion: Expansion,
    *,
    edit: np.ndarray | None = None,
    seam_band: int | None = None,
) -> ExpandedCanvas:
    """The original grown by ``expansion``: transparent new area, mask = new area ∪ seam band
    (∪ ``edit``, the user's mask on the original, carried into the new frame).

    ``seam_band`` (default default_seam_band) reaches into the original only from sides that
    grew, and never further than the original is wide or tall.
    """
    h, w = original.shape[:2]
    if edit is not None and edit.shape != (h, w):
        raise ValueError(f"mask shape {edit.shape} differs from image shape {(h, w)}")
    _check_size((w, h), expansion)
    band = default_seam_band((w, h)) if seam_band is None else max(0, int(seam_band))
    e = expansion
    rgba = _to_rgba(original)
    pixels = cv2.copyMakeBorder(
        rgba, e.top, e.bottom, e.left, e.right, cv2.BORDER_CONSTANT, value=(0, 0, 0, 0)
    )
    new_area = cv2.copyMakeBorder(
        np.zeros((h, w), np.uint8),
        e.top,
        e.bottom,
        e.left,
        e.right,
        cv2.BORDER_CONSTANT,
        value=255,
    )
    required = new_area.copy()
    x0, y0, x1, y1 = e.original_box((w, h))
    bx, by = min(band, w), min(band, h)
    if e.left:
        required[y0:y1, x0 : x0 + bx] = 255
    if e.right:
        required[y0:y1, x1 - bx : x1] = 255
    if e.top:
        required[y0 : y0 + by, x0:x1] = 255
    if e.bottom:
        required[y1 - by : y1, x0:x1] = 255
    mask = required
    if edit is not None:
        mask = required.copy()
        mask[y0:y1, x0:x1] = np.maximum(mask[y0:y1, x0:x1], edit)
    return ExpandedCanvas(pixels, mask, new_area, required, expansion, (w, h), band)


def shrink_to_original(pixels: np.ndarray, expansion: Expansion) -> np.ndarray:
    """The expanded frame cut back to the original's box (what undoing an expand shows)."""
    h, w = pixels.shape[:2]
    e = expansion
    if e.left + e.right >= w or e.top + e.bottom >= h:
        raise ValueError("the frame is not larger than the expansion")
    return np.ascontiguousarray(pixels[e.top : h - e.bottom, e.left : w - e.right])


def drop_opaque_alpha(pixels: np.ndarray) -> np.ndarray:
    """RGB when every pixel is opaque (an RGB photo whose new area was filled), else as is."""
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        alpha = pixels[:, :, 3]
        if cv2.countNonZero(cv2.inRange(alpha, 255, 255)) == alpha.size:
            return np.ascontiguousarray(pixels[:, :, :3])
    return pixels
