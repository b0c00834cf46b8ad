"""Colour and tone match: undo a service's cast on the variant before it is blended in.

Services often return the whole frame slightly shifted in colour or tone; composited back, the
filled area then stands out. Around the mask the original is known, and the service was sent it:
the ring of unmasked pixels just outside the mask, on the sent grid, shows exactly how the
service's colours relate to ours. Fit a correction there, apply it to the variant.

Two fits:
- ``histogram``: per RGB channel, map the variant's ring histogram onto the original's
  (a monotone 256-entry curve, continued with slope 1 past the ring's range so new highlights or
  shadows inside the mask are not clipped). Undoes gains, offsets and gamma alike.
- ``lab``: per Lab channel, match mean and standard deviation (Reinhard). An affine fit in Lab,
  so it cannot follow a gamma change or a per-channel RGB gain exactly.

``histogram`` is the default: it measured better on every cast (bench/context.py, see there).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from editor.core.composite import ColorTransform
from editor.core.deferred_imports import cv2
from editor.core.sent_view import GUARD, SentView
from editor.core.sizing import SendPlan, returned_canvas

__all__ = [
    "COLOR_METHODS",
    "DEFAULT_METHOD",
    "ColorMethod",
    "fit_color",
    "fit_histogram",
    "fit_lab",
    "ring",
]

ColorMethod = Literal["histogram", "lab"]
COLOR_METHODS: tuple[ColorMethod, ...] = ("histogram", "lab")
DEFAULT_METHOD: ColorMethod = "histogram"
MIN_RING = 64  # fewer known pixels than this say too little: no correction
MAX_SAMPLES = 250_000  # statistics on a subsample beyond this; plenty for 256 bins
_LEVELS = np.arange(256, dtype=np.float64)


def ring(view: SentView) -> np.ndarray:
    """Unmasked sent-grid pixels from the mask's edge (past the guard) out to a band of 3 % of
    the grid's short side (at least 8 px, and at least the feather)."""
    h, w = view.dist.shape
    band = max(8.0, 0.03 * min(h, w), view.reach)
    near: np.ndarray = (view.dist > GUARD) & (view.dist <= GUARD + band)
    return near


def _identity_lut() -> np.ndarray:
    return np.arange(256, dtype=np.uint8)


def _channel_curve(src: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Histogram-matching curve (float, 256) taking ``src`` levels to ``ref``'s distribution."""
    hs = np.bincount(src, minlength=256).astype(np.float64)
    hr = np.bincount(ref, minlength=256).astype(np.float64)
    # Mid-rank CDFs: a level maps to the centre of its share, so equal histograms give identity.
    cs = (np.cumsum(hs) - hs / 2) / hs.sum()
    cr = (np.cumsum(hr) - hr / 2) / hr.sum()
    present_r = hr > 0
    curve: np.ndarray = np.interp(cs, cr[present_r], _LEVELS[present_r])
    present_s = np.nonzero(hs)[0]
    lo, hi = int(present_s[0]), int(present_s[-1])
    # Outside the ring's range: keep the end's offset, slope 1 (no clipping of new extremes).
    curve[:lo] = curve[lo] - (lo - _LEVELS[:lo])
    curve[hi + 1 :] = curve[hi] + (_LEVELS[hi + 1 :] - hi)
    return curve


def fit_histogram(src: np.ndarray, ref: np.ndarray, strength: float = 1.0) -> ColorTransform:
    """``src``/``ref``: Nx3 uint8 RGB samples of the same place (variant, original)."""
    curves = [_channel_curve(src[:, c], ref[:, c]) for c in range(3)]
    s = float(np.clip(strength, 0.0, 1.0))
    lut = np.stack([_LEVELS + s * (curve - _LEVELS) for curve in curves], axis=1)
    table = np.clip(np.rint(lut), 0, 255).astype(np.uint8).reshape(256, 1, 3)

    def apply(rgb: np.ndarray) -> np.ndarray:
        return cv2.LUT(np.ascontiguousarray(rgb), table)

    return apply


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) * np.float32(1 / 255), cv2.COLOR_RGB2Lab)


def fit_lab(src: np.ndarray, ref: np.ndarray, strength: float = 1.0) -> ColorTransform:
    """Per-channel mean/std transfer in Lab (float Lab: L 0..100)."""
    ls, lr = _lab(src.reshape(-1, 1, 3)).reshape(-1, 3), _lab(ref.reshape(-1, 1, 3)).reshape(-1, 3)
    ms, mr = ls.mean(axis=0), lr.mean(axis=0)
    # A flat ring has no spread to match: keep the variant's contrast (and never blow it up).
    gain = np.clip(lr.std(axis=0) / np.maximum(ls.std(axis=0), 1e-3), 0.5, 2.0)
    s = np.float32(np.clip(strength, 0.0, 1.0))
    # x + s·((x − ms)·gain + mr − x) = x·(1 + s·(gain − 1)) + s·(mr − ms·gain)
    a = (1 + s * (gain - 1)).astype(np.float32)
    b = (s * (mr - ms * gain)).astype(np.float32)

    def apply(rgb: np.ndarray) -> np.ndarray:
        lab = _lab(rgb) * a + b
        out = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * np.float32(255)
        rgb_out: np.ndarray = np.clip(np.rint(out), 0, 255).astype(np.uint8)
        return rgb_out

    return apply


def fit_color(
    view: SentView,
    returned: np.ndarray,
    plan: SendPlan,
    *,
    strength: float = 1.0,
    method: ColorMethod | str = DEFAULT_METHOD,
) -> ColorTransform | None:
    """The correction for one returned frame; None when there is nothing to correct with
    (strength 0, or too few known pixels around the mask)."""
    if method not in COLOR_METHODS:
        raise ValueError(f"colour method is one of {', '.join(COLOR_METHODS)}, not {method!r}")
    if strength <= 0:
        return None
    where = ring(view)
    n = int(np.count_nonzero(where))
    if n < MIN_RING:
        return None
    back = returned_canvas(returned, plan)
    if back.ndim == 2:
        back = cv2.cvtColor(back, cv2.COLOR_GRAY2RGB)
    src, ref = back[:, :, :3][where], view.pixels[where]
    if n > MAX_SAMPLES:
        step = -(-n // MAX_SAMPLES)
        src, ref = src[::step], ref[::step]
    fit = fit_histogram if method == "histogram" else fit_lab
    return fit(np.ascontiguousarray(src), np.ascontiguousarray(ref), strength)
