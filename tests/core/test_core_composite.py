"""Compositing: untouched pixels stay bit-identical, the region-only path matches the full one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from editor.core.composite import blend_alpha, composite, default_feather, take_variant
from editor.core.models import model_spec
from editor.core.sizing import plan_for, undo_plan


def brute_distance(edit: np.ndarray) -> np.ndarray:
    """Euclidean distance from each pixel to the nearest pixel with edit > 0 (inf if none)."""
    ys, xs = np.nonzero(edit)
    h, w = edit.shape
    if len(ys) == 0:
        return np.full((h, w), np.inf)
    gy, gx = np.mgrid[0:h, 0:w]
    d2 = np.full((h, w), np.inf)
    for y, x in zip(ys, xs, strict=True):
        d2 = np.minimum(d2, (gy - y) ** 2 + (gx - x) ** 2)
    return np.sqrt(d2)


def test_default_feather() -> None:
    assert default_feather((6000, 4000)) == 40
    assert default_feather((100, 50)) == 2
    assert default_feather((1024, 1024)) == 10


def test_blend_alpha_profile() -> None:
    edit = np.zeros((41, 41), np.uint8)
    edit[20, 20] = 255
    a = blend_alpha(edit, 10)
    assert a.dtype == np.float32
    assert float(a[20, 20]) == 1.0
    row = a[20, 20:]
    assert all(row[i] > row[i + 1] for i in range(10))  # falls monotonically
    assert float(row[10]) == 0.0 and float(a[20 + 6, 20 + 8]) == 0.0  # distance exactly 10
    assert float(a[20 + 6, 20 + 7]) > 0.0  # distance √85 < 10
    d = brute_distance(edit)
    assert np.all(a[d >= 10] == 0.0)


def test_blend_alpha_keeps_soft_values_and_continues_them() -> None:
    edit = np.zeros((30, 30), np.uint8)
    edit[10:20, 10:20] = 100
    a = blend_alpha(edit, 5)
    assert float(a[15, 15]) == pytest.approx(100 / 255)
    assert 0.0 < float(a[15, 20]) <= 100 / 255 + 1e-6  # fade starts from the edge's own value
    assert float(a[15, 25]) == 0.0


def test_blend_alpha_empty_and_zero_reach() -> None:
    assert not blend_alpha(np.zeros((5, 5), np.uint8), 3).any()
    edit = np.zeros((5, 5), np.uint8)
    edit[2, 2] = 255
    assert np.count_nonzero(blend_alpha(edit, 0)) == 1


def test_composite_keeps_original_alpha_outside() -> None:
    rng = np.random.default_rng(3)
    orig = rng.integers(0, 256, (50, 60, 4), dtype=np.uint8)
    var = rng.integers(0, 256, (50, 60, 3), dtype=np.uint8)
    edit = np.zeros((50, 60), np.uint8)
    edit[20:30, 20:30] = 255
    out = composite(orig, var, edit, reach=4)
    assert out.shape == orig.shape
    far = brute_distance(edit) >= 4
    assert np.array_equal(out[far], orig[far])
    assert np.array_equal(out[20:30, 20:30, :3], var[20:30, 20:30])
    assert int(out[20:30, 20:30, 3].min()) == 255  # an RGB variant is opaque


def test_composite_rgb_original_with_transparent_variant() -> None:
    orig = np.full((20, 20, 3), 10, np.uint8)
    var = np.full((20, 20, 4), 200, np.uint8)
    var[:, :10, 3] = 0
    var[:, 10:, 3] = 255
    edit = np.full((20, 20), 255, np.uint8)
    out = composite(orig, var, edit, reach=0)
    assert out.shape == (20, 20, 3)
    assert int(out[5, 2, 0]) == 10 and int(out[5, 15, 0]) == 200


def test_take_variant_without_composite_is_whole_frame() -> None:
    orig = np.zeros((400, 600, 4), np.uint8)
    plan = plan_for((600, 400), model_spec("gpt-image-1"))
    returned = np.full((1024, 1536, 3), 123, np.uint8)
    edit = np.zeros((400, 600), np.uint8)
    edit[0, 0] = 255
    out = take_variant(orig, returned, plan, edit, composite_on=False)
    assert out.shape == (400, 600, 4)
    assert int(out[..., :3].min()) == int(out[..., :3].max()) == 123
    assert int(out[..., 3].min()) == 255


MODELS = ["gpt-image-1", "dall-e-2", "gpt-image-2", "telea", "tiny-gateway"]
TINY = [(64, 64), (96, 64), (64, 96)]  # makes undo_plan upscale small test images


@st.composite
def scenes(draw: st.DrawFn) -> tuple:
    w = draw(st.integers(8, 220))
    h = draw(st.integers(8, 220))
    model = draw(st.sampled_from(MODELS))
    ch_o = draw(st.sampled_from([3, 4]))
    ch_v = draw(st.sampled_from([3, 4]))
    seed = draw(st.integers(0, 2**32 - 1))
    shapes = draw(
        st.lists(
            st.tuples(
                st.integers(0, w - 1),
                st.integers(0, h - 1),
                st.integers(0, 30),
                st.sampled_from([255, 255, 128, 17]),
            ),
            min_size=1,
            max_size=4,
        )
    )
    reach = draw(st.one_of(st.none(), st.integers(0, 25)))
    soften = draw(st.booleans())
    odd_return = draw(st.booleans())
    return w, h, model, ch_o, ch_v, seed, shapes, reach, soften, odd_return


def build(scene: tuple) -> tuple:
    w, h, model, ch_o, ch_v, seed, shapes, reach, soften, odd_return = scene
    rng = np.random.default_rng(seed)
    orig = rng.integers(0, 256, (h, w, ch_o), dtype=np.uint8)
    edit = np.zeros((h, w), np.uint8)
    for x, y, r, v in shapes:
        cv2.circle(edit, (x, y), r, int(v), -1)
    if soften:
        edit = cv2.GaussianBlur(edit, (5, 5), 1.5)
    spec = model_spec(model, profile_sizes=TINY if model == "tiny-gateway" else ())
    plan = plan_for((w, h), spec)
    tw, th = plan.target_size
    rw, rh = ((tw * 3) // 4 or 1, (th * 5) // 4 or 1) if odd_return else (tw, th)
    returned = cv2.GaussianBlur(rng.integers(0, 256, (rh, rw, ch_v), dtype=np.uint8), (0, 0), 1.2)
    return orig, returned, plan, edit, reach


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenes())
# OpenCV copies rather than resizes when a part's size rounds to itself (scale 97/96).
@example((8, 97, "tiny-gateway", 3, 3, 0, [(0, 0, 6, 255)], None, False, False))
def test_composite_properties(scene: tuple) -> None:
    orig, returned, plan, edit, reach = build(scene)
    h, w = edit.shape
    r = default_feather((w, h)) if reach is None else reach
    variant = undo_plan(returned, plan)
    assert variant.shape[:2] == orig.shape[:2]
    out = composite(orig, variant, edit, reach=reach)
    assert out.shape == orig.shape and out.dtype == np.uint8
    dist = brute_distance(edit)
    far = dist >= max(r, 1)
    assert np.array_equal(out[far], orig[far])  # bit-identical where the blend is 0
    hard = edit == 255
    if orig.shape[2] == variant.shape[2] or variant.shape[2] == 3:
        assert np.array_equal(out[hard][:, :3], variant[hard][:, :3])
    # The region-only path agrees with the full-frame reference within one level.
    fast = take_variant(orig, returned, plan, edit, reach=reach)
    assert fast.shape == orig.shape
    assert int(np.abs(fast.astype(int) - out.astype(int)).max()) <= 1
    assert np.array_equal(fast[far], orig[far])


def test_region_resize_matches_full_frame_on_big_upscale() -> None:
    rng = np.random.default_rng(7)
    orig = rng.integers(0, 256, (4000, 6000, 3), dtype=np.uint8)
    plan = plan_for((6000, 4000), model_spec("gpt-image-1"))
    returned = rng.integers(0, 256, (1024, 1536, 3), dtype=np.uint8)  # sharp: worst case
    full = undo_plan(returned, plan)
    for cx, cy, r in [(3000, 2000, 300), (17, 3990, 60), (5990, 11, 80), (1234, 987, 5)]:
        edit = np.zeros((4000, 6000), np.uint8)
        cv2.circle(edit, (cx, cy), r, 255, -1)
        fast = take_variant(orig, returned, plan, edit)
        ref = composite(orig, full, edit)
        assert int(np.abs(fast.astype(int) - ref.astype(int)).max()) <= 1
