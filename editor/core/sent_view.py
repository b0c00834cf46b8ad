"""What was sent, on the sent grid: the shared ground for leak numbers and colour matching.

Both compare the service's frame with what we sent it. Doing that on the sent grid (the scaled
crop, padding cut off) compares like with like: bringing the frame back to a 6000 px original
would count our own resampling blur as the service's doing. It is also cheap: the grid is the
model's size, not the photo's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.masks import compare_zero
from editor.core.sizing import SendPlan, apply_plan_to_mask, resize

__all__ = ["GUARD", "SentView", "sent_view"]

# Sent-grid pixels past the mask edge that still count as "the mask's": the downscaled mask is
# grown to whole pixels and resampling smears one more.
GUARD = 2.0


@dataclass(frozen=True, slots=True)
class SentView:
    pixels: np.ndarray  # HxWx3 uint8: the source as sent (scaled crop, no padding)
    dist: np.ndarray  # HxW float32: sent-grid px to the nearest editable pixel (0 on it)
    reach: float  # the composite's feather, in sent-grid px

    @property
    def outside(self) -> np.ndarray:
        """Pixels beyond the mask, its feather band and the guard: the service should not have
        changed them, and the composite never shows them."""
        return self.dist > self.reach + GUARD


def _no_padding(a: np.ndarray, plan: SendPlan) -> np.ndarray:
    (ox, oy), (sw, sh) = plan.offset, plan.scaled_size
    return a[oy : oy + sh, ox : ox + sw]


def sent_view(original: np.ndarray, edit: np.ndarray, plan: SendPlan, reach: int) -> SentView:
    """The view for ``original`` and its 2-D ``edit`` mask sent through ``plan``."""
    x0, y0, x1, y1 = plan.source_box
    # Resize the view with all its channels and drop alpha after: cheaper than copying an
    # RGBA frame (an expanded canvas of 50 MP and more) to RGB at full size first.
    pixels = resize(original[y0:y1, x0:x1], plan.scaled_size)[:, :, :3]
    mask = _no_padding(apply_plan_to_mask(edit, plan), plan)
    keep = compare_zero(mask, cv2.CMP_EQ)
    if cv2.countNonZero(keep) == keep.size:
        dist: np.ndarray = np.full(keep.shape, np.inf, np.float32)
    else:
        dist = cv2.distanceTransform(keep, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return SentView(np.ascontiguousarray(pixels), dist, reach * min(plan.scale))
