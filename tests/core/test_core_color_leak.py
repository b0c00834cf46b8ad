"""Colour match and leak numbers on the sent grid, without a server."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from editor.core.color_match import COLOR_METHODS, fit_color, fit_histogram, ring
from editor.core.composite import default_feather, take_variant
from editor.core.context import plan_with_context
from editor.core.leak import leak_heatmap, leak_stats
from editor.core.models import model_spec
from editor.core.sent_view import sent_view
from editor.core.sizing import apply_plan, plan_for


def scene(w: int = 480, h: int = 320, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (8, 12, 3), dtype=np.uint8)
    img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    edit = np.zeros((h, w), np.uint8)
    cv2.circle(edit, (w // 2, h // 2), h // 6, 255, -1)
    return img, edit


def cast(rgb: np.ndarray) -> np.ndarray:
    out = rgb.astype(np.float64) * [1.0, 0.9, 1.0] + [20, 0, -10]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def test_echo_at_native_size_leaks_nothing() -> None:
    img, edit = scene()
    plan = plan_for((480, 320), model_spec("telea"))
    view = sent_view(img, edit, plan, default_feather((480, 320)))
    assert leak_stats(view, apply_plan(img, plan), plan) == {
        "changed_fraction": 0.0,
        "mean_delta": 0.0,
    }
    assert int(leak_heatmap(view, apply_plan(img, plan), plan).max()) == 0


def test_flat_frame_leaks_almost_everywhere() -> None:
    img, edit = scene()
    plan = plan_with_context((480, 320), edit, model_spec("gpt-image-1"), mode="crop")
    view = sent_view(img, edit, plan, default_feather((480, 320)))
    flat = np.full((plan.target_size[1], plan.target_size[0], 3), 128, np.uint8)
    leak = leak_stats(view, flat, plan)
    assert leak["changed_fraction"] > 0.8 and leak["mean_delta"] > 20
    heat = leak_heatmap(view, flat, plan)
    assert heat.shape == (320, 480) and heat.dtype == np.uint8
    assert int(heat[edit > 0].max()) == 0  # the mask itself is not a leak


def test_leak_ignores_the_mask_and_the_feather() -> None:
    img, edit = scene()
    plan = plan_for((480, 320), model_spec("telea"))
    reach = default_feather((480, 320))
    view = sent_view(img, edit, plan, reach)
    returned = img.copy()
    grown = cv2.dilate(edit, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 3,) * 2))
    returned[grown > 0] = 255 - returned[grown > 0]
    assert leak_stats(view, returned, plan)["changed_fraction"] == 0.0


@pytest.mark.parametrize("method", COLOR_METHODS)
def test_color_match_removes_an_echoed_cast(method: str) -> None:
    img, edit = scene()
    plan = plan_for((480, 320), model_spec("telea"))
    reach = default_feather((480, 320))
    returned = cast(img)
    view = sent_view(img, edit, plan, reach)
    assert np.count_nonzero(ring(view)) > 1000
    fix = fit_color(view, returned, plan, method=method)
    out = take_variant(img, returned, plan, edit, reach=reach, color=fix)
    plain = take_variant(img, returned, plan, edit, reach=reach)
    inside = edit == 255
    err = np.abs(out[inside].astype(float).mean(axis=0) - img[inside].astype(float).mean(axis=0))
    before = np.abs(plain[inside].astype(float).mean(axis=0) - img[inside].mean(axis=0))
    assert before.max() > 8
    if method == "histogram":  # the default: the cast is gone
        assert err.max() <= 3
    else:  # affine in Lab cannot follow a per-channel RGB gain exactly: better, not gone
        assert err.max() < 0.5 * before.max()


def test_strength_zero_and_none_are_todays_output() -> None:
    img, edit = scene()
    plan = plan_for((480, 320), model_spec("gpt-image-1"))
    returned = cast(apply_plan(img, plan))
    view = sent_view(img, edit, plan, default_feather((480, 320)))
    assert fit_color(view, returned, plan, strength=0.0) is None
    identity = fit_histogram(img.reshape(-1, 3), img.reshape(-1, 3))
    assert np.array_equal(identity(img), img)  # matching a histogram to itself changes nothing
    half = fit_color(view, returned, plan, strength=0.5)
    full = fit_color(view, returned, plan, strength=1.0)
    assert half is not None and full is not None
    probe = np.arange(256, dtype=np.uint8).repeat(3).reshape(1, 256, 3)
    d_half = np.abs(half(probe).astype(int) - probe).mean()
    d_full = np.abs(full(probe).astype(int) - probe).mean()
    assert 0.3 * d_full < d_half < 0.7 * d_full


def test_histogram_curve_does_not_clip_new_extremes() -> None:
    src = np.full((500, 3), 100, np.uint8)
    src[::2] = 120
    ref = src.astype(int) + 10
    fix = fit_histogram(src, ref.astype(np.uint8))
    probe = np.array([[[0, 0, 0], [100, 100, 100], [250, 250, 250]]], np.uint8)
    assert fix(probe).tolist() == [[[10, 10, 10], [110, 110, 110], [255, 255, 255]]]
