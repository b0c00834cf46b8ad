"""Leak: what the service changed outside the mask (the composite hides it; users should know).

Measured on the sent grid (see sent_view): the service's frame against exactly what it was sent,
away from the mask, its feather band and the padding. A local engine that only fills the mask
scores 0; a service answering a flat grey frame scores about 1.
"""

from __future__ import annotations

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.sent_view import SentView
from editor.core.sizing import SendPlan, resize, returned_canvas

__all__ = ["LEAK_MAP_SIDE", "LEAK_THRESHOLD", "leak_heatmap", "leak_map", "leak_stats", "leak_view"]

# Codec and resampling noise stays within a few levels; a real change exceeds this.
LEAK_THRESHOLD = 8
# The longest side of the heat map a variant keeps for the window (cheap to hold per variant).
LEAK_MAP_SIDE = 1024


def _delta(view: SentView, returned: np.ndarray, plan: SendPlan) -> np.ndarray:
    """Per-pixel max channel |returned − sent| on the sent grid, uint8."""
    back = returned_canvas(returned, plan)
    if back.ndim == 2:
        back = cv2.cvtColor(back, cv2.COLOR_GRAY2RGB)
    diff = cv2.absdiff(np.ascontiguousarray(back[:, :, :3]), view.pixels)
    delta: np.ndarray = np.max(diff, axis=2)
    return delta


def leak_stats(
    view: SentView, returned: np.ndarray, plan: SendPlan, *, threshold: int = LEAK_THRESHOLD
) -> dict[str, float]:
    """``changed_fraction``: share of outside pixels whose max channel delta > ``threshold``;
    ``mean_delta``: their mean max-channel delta in levels. Both 0.0 when nothing is outside."""
    outside = view.outside
    n = int(np.count_nonzero(outside))
    if n == 0:
        return {"changed_fraction": 0.0, "mean_delta": 0.0}
    delta = _delta(view, returned, plan)[outside]
    return {
        "changed_fraction": round(float(np.count_nonzero(delta > threshold)) / n, 6),
        "mean_delta": round(float(delta.mean(dtype=np.float64)), 4),
    }


def leak_view(view: SentView, returned: np.ndarray, plan: SendPlan) -> np.ndarray:
    """Heat map on the sent grid: max channel delta in levels outside the mask, 0 inside."""
    delta = _delta(view, returned, plan)
    delta[~view.outside] = 0
    return delta


def leak_heatmap(view: SentView, returned: np.ndarray, plan: SendPlan) -> np.ndarray:
    """Heat map at the original's size (HxW uint8, max channel delta in levels) for the compare
    view: the sent-grid map stretched over the crop, 0 elsewhere and over the mask."""
    heat = resize(leak_view(view, returned, plan), plan.crop_size)
    w, h = plan.original_size
    if plan.crop is None:
        return np.ascontiguousarray(heat)
    out = np.zeros((h, w), np.uint8)
    x0, y0, x1, y1 = plan.crop
    out[y0:y1, x0:x1] = heat
    return out


def leak_map(
    view: SentView, returned: np.ndarray, plan: SendPlan, *, max_side: int = LEAK_MAP_SIDE
) -> np.ndarray:
    """:func:`leak_heatmap` scaled so its longest side is at most ``max_side`` (the original's
    aspect; never upscaled), built without first stretching to the full original size."""
    w, h = plan.original_size
    scale = min(1.0, max_side / max(w, h))
    if scale >= 1.0:
        return leak_heatmap(view, returned, plan)
    out_w, out_h = max(1, round(w * scale)), max(1, round(h * scale))
    x0, y0, x1, y1 = plan.crop or (0, 0, w, h)
    sx0, sy0 = round(x0 * scale), round(y0 * scale)
    sx1, sy1 = max(sx0 + 1, round(x1 * scale)), max(sy0 + 1, round(y1 * scale))
    out = np.zeros((out_h, out_w), np.uint8)
    out[sy0:sy1, sx0:sx1] = resize(leak_view(view, returned, plan), (sx1 - sx0, sy1 - sy0))
    return out
