"""Showing a variant's leak: what the service changed outside the mask, before compositing.

:func:`describe_leak` is the line for tooltips and labels; :func:`leak_overlay` is the compare
view's "Leak" picture: the original, dimmed and greyed, with red where the service changed it
outside the mask (more red = larger change). Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.leak import LEAK_THRESHOLD

__all__ = ["LEAK_LEGEND", "describe_leak", "leak_overlay"]

LEAK_LEGEND = "red = changed outside the mask"
_FULL = 64.0  # a change of this many levels shows at full red
_RED = np.array([255.0, 32.0, 32.0], np.float32)


def describe_leak(leak: Mapping[str, float] | None) -> str:
    """``"Changed outside the mask: 0.4 % of pixels (mean Δ 1.2)"``; "" without numbers."""
    if not leak:
        return ""
    share = float(leak.get("changed_fraction", 0.0)) * 100
    mean = float(leak.get("mean_delta", 0.0))
    return f"Changed outside the mask: {share:.1f} % of pixels (mean Δ {mean:.1f})"


def leak_overlay(original: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """``original`` (H×W×3/4 uint8) greyed to 60 %, red blended in where ``heat`` (any size,
    the original's aspect; levels of change) exceeds the leak threshold. H×W×3 uint8."""
    h, w = original.shape[:2]
    rgb = original[:, :, :3] if original.ndim == 3 else cv2.cvtColor(original, cv2.COLOR_GRAY2RGB)
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    base = (grey.astype(np.float32) * 0.6 + 40.0)[:, :, None]
    if heat.shape[:2] != (h, w):
        heat = cv2.resize(heat, (w, h), interpolation=cv2.INTER_NEAREST)
    level = heat.astype(np.float32)
    alpha = np.where(level > LEAK_THRESHOLD, 0.35 + 0.6 * np.minimum(level / _FULL, 1.0), 0.0)
    alpha = alpha[:, :, None]
    out = base * (1.0 - alpha) + _RED * alpha
    return np.clip(out, 0, 255).astype(np.uint8)
