"""Fitting an image to what a model accepts, and mapping the result back exactly.

A SendPlan says: cut ``crop`` out of the original (None = the whole frame), scale it to
``scaled_size``, place it at ``offset`` inside a canvas of ``target_size`` (the rest padded), send
``size_field``. undo_plan reverses it, so a result always comes back at the source's exact shape
(the crop's, or the whole original's) whatever size the service returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.masks import compare_zero
from editor.core.models import ModelSpec, format_size

__all__ = [
    "SendPlan",
    "apply_plan",
    "apply_plan_to_mask",
    "apply_plan_to_overlay",
    "plan_for",
    "resize",
    "returned_canvas",
    "undo_plan",
]

Size = tuple[int, int]
Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class SendPlan:
    original_size: Size  # (w, h) of the user's whole image, crop or not
    scaled_size: Size  # (w, h) the source (crop or whole image) is resized to
    target_size: Size  # (w, h) of the canvas sent; scaled image plus padding
    offset: Size  # (x, y) of the scaled image inside the canvas
    size_field: str | None  # the request's ``size`` ("1536x1024"); None = don't send one
    crop: Box | None = None  # (x0, y0, x1, y1) in original pixels that is sent; None = all

    @property
    def source_box(self) -> Box:
        """The part of the original that is sent, (x0, y0, x1, y1)."""
        return self.crop or (0, 0, self.original_size[0], self.original_size[1])

    @property
    def crop_size(self) -> Size:
        """(w, h) of the part of the original that is sent (the whole image without a crop)."""
        x0, y0, x1, y1 = self.source_box
        return x1 - x0, y1 - y0

    @property
    def scale(self) -> tuple[float, float]:
        """Sent pixels per original pixel along each axis (the masked region's density)."""
        cw, ch = self.crop_size
        return self.scaled_size[0] / cw, self.scaled_size[1] / ch

    @property
    def is_identity(self) -> bool:
        return self.crop is None and self.original_size == self.scaled_size == self.target_size


def _contain(size: Size, box: Size) -> Size:
    w, h = size
    s = min(box[0] / w, box[1] / h)
    return max(1, min(box[0], round(w * s))), max(1, min(box[1], round(h * s)))


def _centred(scaled: Size, target: Size) -> Size:
    return (target[0] - scaled[0]) // 2, (target[1] - scaled[1]) // 2


def _plan_fixed(size: Size, sizes: tuple[Size, ...]) -> SendPlan:
    aspect = math.log(size[0] / size[1])
    # Closest aspect in log space (2:1 and 1:2 are equally far from 1:1); then the biggest.
    target = min(sizes, key=lambda s: (round(abs(math.log(s[0] / s[1]) - aspect), 9), -s[0] * s[1]))
    scaled = _contain(size, target)
    return SendPlan(size, scaled, target, _centred(scaled, target), format_size(target))


def _ceil_to(v: float, m: int) -> int:
    return max(m, math.ceil(v / m) * m)


def _plan_free(size: Size, spec: ModelSpec) -> SendPlan:
    """Any WxH within the model's rules: sides multiples of ``size_multiple``, aspect within
    bounds (extreme strips are padded), the long edge and the pixel count within limits.
    Images above the default budget shrink to it; images below the minimum are enlarged."""
    w, h = size
    m = spec.size_multiple
    budget = min(spec.pixel_budget or spec.max_pixels, spec.max_pixels)
    # The canvas's aspect must stay within bounds: pad the short side of extreme strips.
    cw = max(w, math.ceil(h * spec.min_aspect))
    ch = max(h, math.ceil(w / spec.max_aspect))
    s = min(1.0, math.sqrt(budget / (cw * ch)), spec.max_long_edge / max(cw, ch))
    if spec.min_pixels:
        s = max(s, math.sqrt(spec.min_pixels / (cw * ch)))
    for _ in range(2000):
        sw, sh = max(1, round(w * s)), max(1, round(h * s))
        tw = _ceil_to(max(sw, sh * spec.min_aspect), m)
        th = _ceil_to(max(sh, sw / spec.max_aspect), m)
        area = tw * th
        if area < spec.min_pixels:
            s *= 1.005  # rounding fell short of the minimum: grow a hair and retry
            continue
        fits = area <= spec.max_pixels and max(tw, th) <= spec.max_long_edge
        if fits and spec.min_aspect <= tw / th <= spec.max_aspect:
            break
        s *= 0.995  # rounding up to the multiple overshot a limit: shrink a hair and retry
    return SendPlan(size, (sw, sh), (tw, th), _centred((sw, sh), (tw, th)), format_size((tw, th)))


def _plan_native(size: Size, cap: int | None) -> SendPlan:
    scaled = size
    if cap and max(size) > cap:
        scaled = _contain(size, (cap, cap))
    return SendPlan(size, scaled, scaled, (0, 0), None)


def plan_for(image_size: Size, spec: ModelSpec) -> SendPlan:
    """How to fit an image of ``image_size`` (w, h) to the model ``spec``."""
    w, h = int(image_size[0]), int(image_size[1])
    if w <= 0 or h <= 0:
        raise ValueError(f"image size must be positive, got {image_size}")
    if spec.free_size:
        return _plan_free((w, h), spec)
    if spec.sizes and not spec.native:
        return _plan_fixed((w, h), spec.sizes)
    return _plan_native((w, h), spec.long_edge_cap)


def _interp(src: Size, dst: Size) -> int:
    # INTER_AREA averages when shrinking (no aliasing); cubic keeps detail when enlarging.
    return cv2.INTER_AREA if dst[0] <= src[0] and dst[1] <= src[1] else cv2.INTER_CUBIC


def resize(pixels: np.ndarray, size: Size) -> np.ndarray:
    """Resize to (w, h) with the interpolation suited to the direction; no copy when equal."""
    h, w = pixels.shape[:2]
    if (w, h) == tuple(size):
        return pixels
    return cv2.resize(pixels, tuple(size), interpolation=_interp((w, h), size))


def _pad(a: np.ndarray, plan: SendPlan, border: int, value: int = 0) -> np.ndarray:
    (ox, oy), (sw, sh), (tw, th) = plan.offset, plan.scaled_size, plan.target_size
    if (sw, sh) == (tw, th):
        return np.ascontiguousarray(a)
    return cv2.copyMakeBorder(a, oy, th - sh - oy, ox, tw - sw - ox, border, value=value)


def _check_size(a: np.ndarray, plan: SendPlan) -> None:
    if (a.shape[1], a.shape[0]) != plan.original_size:
        raise ValueError(
            f"pixels are {a.shape[1]}x{a.shape[0]}, the plan is for {plan.original_size}"
        )


def _source(a: np.ndarray, plan: SendPlan) -> np.ndarray:
    _check_size(a, plan)
    if plan.crop is None:
        return a
    x0, y0, x1, y1 = plan.crop
    return np.ascontiguousarray(a[y0:y1, x0:x1])


def apply_plan(pixels: np.ndarray, plan: SendPlan) -> np.ndarray:
    """The canvas to send: cropped, scaled, padded by repeating the edge (reads as surroundings)."""
    return _pad(resize(_source(pixels, plan), plan.scaled_size), plan, cv2.BORDER_REPLICATE)


def apply_plan_to_mask(edit: np.ndarray, plan: SendPlan) -> np.ndarray:
    """The edit mask on the sent canvas; padding is kept (0).

    Every canvas pixel that covers any marked original pixel becomes fully editable: the service
    treats only fully transparent mask pixels as editable, and its result must cover everything
    the composite later blends in.
    """
    scaled = resize(_source(edit, plan), plan.scaled_size)
    if plan.scaled_size != plan.crop_size:
        scaled = compare_zero(scaled, cv2.CMP_GT)  # 255 where > 0
    return _pad(scaled, plan, cv2.BORDER_CONSTANT, 0)


def undo_plan(returned: np.ndarray, plan: SendPlan) -> np.ndarray:
    """The service's frame mapped back onto the source: (h, w) of ``plan.crop_size``.

    Without a crop that is the whole original. The frame may not be the size asked for: it is
    first stretched to ``target_size``, then the scaled image's rectangle is cut out and resized
    to the crop's size (place it at ``plan.source_box`` to lay it over the original).
    """
    return np.ascontiguousarray(resize(returned_canvas(returned, plan), plan.crop_size))


def returned_canvas(returned: np.ndarray, plan: SendPlan) -> np.ndarray:
    """The service's frame on the grid of the sent scaled image (padding cut off).

    Same shape as the sent image's unpadded part, pixel for pixel: the place to compare what came
    back with what was sent, free of our own resampling back to the original's size.
    """
    frame = resize(returned, plan.target_size)
    (ox, oy), (sw, sh) = plan.offset, plan.scaled_size
    return frame[oy : oy + sh, ox : ox + sw]


def apply_plan_to_overlay(overlay: np.ndarray, plan: SendPlan) -> np.ndarray:
    """A transparent overlay (H×W×4, e.g. markup) on the sent canvas: cropped and scaled exactly
    like the image, padded with transparent pixels."""
    if overlay.ndim != 3 or overlay.shape[2] != 4:
        raise ValueError("an overlay is H×W×4 (RGBA)")
    return _pad(resize(_source(overlay, plan), plan.scaled_size), plan, cv2.BORDER_CONSTANT, 0)
