"""Context crop: send only the masked area plus some surroundings, at the model's best size.

A 6000×4000 photo sent whole to gpt-image-1 reaches the service at 1536×1024, a 4× downscale;
its 2 % mask arrives as a smudge. Cut the mask's box plus a margin of context instead and the
same model sees the masked region at native density or better (a small crop is upscaled to the
model's size, never downscaled).

Modes: ``whole`` sends the whole frame (the old behaviour); ``crop`` always crops; ``auto`` crops
when the crop covers at most AUTO_MAX_AREA of the frame *and* its density (sent px per original
px) is no lower than the whole frame's. The area rule keeps near-whole crops whole (they gain
little and lose context); the density rule never lets a crop arrive blurrier than the whole frame.
For native engines the densities tie at 1.0, so a small mask still crops: same pixels, far less
work.

The margin (default half the mask box's size on each side) gives way to density: when a narrower
margin, down to MIN_MARGIN, lets the masked region reach the service at native density and the
default margin does not, the widest such margin is used (a 2 % mask on a 24 MP photo then arrives
at 1:1 on gpt-image-1 instead of 0.7:1). When even MIN_MARGIN cannot reach native density, the
default margin stays: the picture is downscaled anyway, and context keeps the fill coherent.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Literal

import numpy as np

from editor.core.masks import bbox
from editor.core.models import ModelSpec
from editor.core.sizing import SendPlan, plan_for

__all__ = [
    "AUTO_MAX_AREA",
    "CONTEXT_MODES",
    "DEFAULT_MARGIN",
    "MIN_CROP_SIDE",
    "MIN_MARGIN",
    "ContextMode",
    "context_box",
    "density",
    "plan_with_context",
]

ContextMode = Literal["auto", "whole", "crop"]
CONTEXT_MODES: tuple[ContextMode, ...] = ("auto", "whole", "crop")
DEFAULT_MARGIN = 0.5  # context added on each side, as a fraction of the mask box's side
MIN_MARGIN = 0.125  # the narrowest margin used to reach native density
_MARGIN_STEP = 0.025
AUTO_MAX_AREA = 0.7  # auto crops only when the crop is at most this share of the frame
# A 20 px blemish with half its size as context would show the model almost nothing of the
# scene: every crop side covers at least this much of the original (when the frame allows).
MIN_CROP_SIDE = 256

Size = tuple[int, int]
Box = tuple[int, int, int, int]


def density(plan: SendPlan) -> float:
    """Sent pixels per original pixel along the worse axis (1.0 = native, < 1 = downscaled)."""
    return min(plan.scale)


def _span(lo: int, hi: int, want: int, limit: int) -> tuple[int, int]:
    """Grow [lo, hi) to ``want`` long, centred, shifted back inside [0, limit)."""
    want = min(limit, max(hi - lo, want))
    extra = want - (hi - lo)
    lo -= extra // 2
    lo = min(max(0, lo), limit - want)
    return lo, lo + want


def context_box(size: Size, box: Box, *, margin: float = DEFAULT_MARGIN, reach: int = 0) -> Box:
    """The mask box grown by ``margin`` × its size on each side (at least ``reach`` px, so the
    feather stays inside), each side at least MIN_CROP_SIDE, clamped to the frame."""
    w, h = size
    x0, y0, x1, y1 = box
    mx = max(reach, math.ceil(max(0.0, margin) * (x1 - x0)))
    my = max(reach, math.ceil(max(0.0, margin) * (y1 - y0)))
    x0, x1 = max(0, x0 - mx), min(w, x1 + mx)
    y0, y1 = max(0, y0 - my), min(h, y1 + my)
    x0, x1 = _span(x0, x1, MIN_CROP_SIDE, w)
    y0, y1 = _span(y0, y1, MIN_CROP_SIDE, h)
    return x0, y0, x1, y1


def _fit_aspect(box: Box, size: Size, target: Size) -> Box:
    """Grow the box's short side towards the target canvas's aspect: more real context sent and
    less padding (a fixed-size model pads whatever the crop does not fill)."""
    x0, y0, x1, y1 = box
    cw, ch = x1 - x0, y1 - y0
    aspect = target[0] / target[1]
    if cw / ch < aspect:
        x0, x1 = _span(x0, x1, round(ch * aspect), size[0])
    else:
        y0, y1 = _span(y0, y1, round(cw / aspect), size[1])
    return x0, y0, x1, y1


def _crop_plan(size: Size, box: Box, spec: ModelSpec) -> SendPlan:
    plan = plan_for((box[2] - box[0], box[3] - box[1]), spec)
    return replace(plan, original_size=size, crop=box)


def _plan_at(size: Size, mask_box: Box, spec: ModelSpec, margin: float, reach: int) -> SendPlan:
    box = context_box(size, mask_box, margin=margin, reach=reach)
    plan = _crop_plan(size, box, spec)
    if spec.sizes and not spec.native and not spec.free_size:
        plan = _crop_plan(size, _fit_aspect(box, size, plan.target_size), spec)
    return plan


def _best_crop(size: Size, mask_box: Box, spec: ModelSpec, margin: float, reach: int) -> SendPlan:
    plan = _plan_at(size, mask_box, spec, margin, reach)
    if density(plan) >= 1.0 or margin <= MIN_MARGIN:
        return plan
    m = margin - _MARGIN_STEP
    while m > MIN_MARGIN - 1e-9:
        narrower = _plan_at(size, mask_box, spec, m, reach)
        if density(narrower) >= 1.0:
            return narrower
        m -= _MARGIN_STEP
    return plan


def plan_with_context(
    size: Size,
    edit: np.ndarray | None,
    spec: ModelSpec,
    *,
    mode: ContextMode | str = "auto",
    margin: float = DEFAULT_MARGIN,
    reach: int = 0,
) -> SendPlan:
    """The send plan for ``size`` (w, h) under ``mode``; ``reach`` is the composite's feather.

    Without a mask (or an empty one), or when the crop would be the whole frame, this is
    ``plan_for(size, spec)``.
    """
    if mode not in CONTEXT_MODES:
        raise ValueError(f"context mode is one of {', '.join(CONTEXT_MODES)}, not {mode!r}")
    w, h = int(size[0]), int(size[1])
    whole = plan_for((w, h), spec)
    mask_box = bbox(edit) if edit is not None and mode != "whole" else None
    if mask_box is None:
        return whole
    plan = _best_crop((w, h), mask_box, spec, margin, reach)
    box = plan.source_box
    if box == (0, 0, w, h):
        return whole
    if mode == "auto":
        area = (box[2] - box[0]) * (box[3] - box[1])
        if area > AUTO_MAX_AREA * w * h or density(plan) < density(whole) - 1e-9:
            return whole
    return plan
