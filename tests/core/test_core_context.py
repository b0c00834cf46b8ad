"""Context crop: the plan, and compositing a crop's variant back at full resolution."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editor.core.composite import composite, default_feather, take_variant
from editor.core.context import (
    AUTO_MAX_AREA,
    MIN_CROP_SIDE,
    context_box,
    density,
    plan_with_context,
)
from editor.core.masks import bbox
from editor.core.models import model_spec
from editor.core.sizing import apply_plan, apply_plan_to_mask, plan_for, undo_plan


def ellipse_mask(
    w: int, h: int, fraction: float, centre: tuple[float, float] = (0.45, 0.55)
) -> np.ndarray:
    edit = np.zeros((h, w), np.uint8)
    ry = int(np.sqrt(fraction * w * h / (np.pi * 1.5)))
    cv2.ellipse(
        edit, (int(w * centre[0]), int(h * centre[1])), (int(ry * 1.5), ry), 0, 0, 360, 255, -1
    )
    return edit


@pytest.mark.parametrize("size", [(6000, 4000), (3000, 2000)])
@pytest.mark.parametrize("model", ["gpt-image-1", "gpt-image-2"])
def test_small_mask_reaches_the_service_at_native_density(size, model) -> None:
    w, h = size
    edit = ellipse_mask(w, h, 0.02)
    spec = model_spec(model)
    reach = default_feather(size)
    whole = plan_for(size, spec)
    plan = plan_with_context(size, edit, spec, reach=reach)
    assert plan.crop is not None and plan.original_size == size
    assert density(whole) < 0.8  # whole, the mask would arrive downscaled...
    assert density(plan) >= 1.0  # ...cropped, at native density or better
    # The crop holds the mask and its feather; the sent canvas is the model's size.
    x0, y0, x1, y1 = bbox(edit)
    cx0, cy0, cx1, cy1 = plan.crop
    assert cx0 <= x0 - reach and cy0 <= y0 - reach and cx1 >= x1 + reach and cy1 >= y1 + reach
    assert plan.size_field == f"{plan.target_size[0]}x{plan.target_size[1]}"


def test_modes() -> None:
    size = (3000, 2000)
    spec = model_spec("gpt-image-1")
    small, big = ellipse_mask(*size, 0.02), ellipse_mask(*size, 0.30)
    assert plan_with_context(size, small, spec, mode="whole") == plan_for(size, spec)
    assert plan_with_context(size, None, spec, mode="crop") == plan_for(size, spec)
    assert plan_with_context(size, np.zeros((2000, 3000), np.uint8), spec) == plan_for(size, spec)
    # auto keeps a big mask whole; crop crops it anyway.
    assert plan_with_context(size, big, spec, mode="auto").crop is None
    forced = plan_with_context(size, big, spec, mode="crop", margin=0.0)
    assert forced.crop is not None
    cw, ch = forced.crop_size
    assert cw * ch > AUTO_MAX_AREA * 3000 * 2000 or density(forced) > density(plan_for(size, spec))
    with pytest.raises(ValueError):
        plan_with_context(size, small, spec, mode="zoom")


def test_local_engine_crops_at_native_size() -> None:
    size = (6000, 4000)
    edit = ellipse_mask(*size, 0.01)
    plan = plan_with_context(size, edit, model_spec("telea"), reach=default_feather(size))
    assert plan.crop is not None
    assert plan.scaled_size == plan.target_size == plan.crop_size and plan.scale == (1.0, 1.0)
    assert plan.crop_size[0] * plan.crop_size[1] < 0.1 * 6000 * 4000


def test_context_box_minimum_side_and_clamp() -> None:
    assert context_box((1000, 800), (500, 400, 510, 410)) == (377, 277, 633, 533)
    assert context_box((1000, 800), (0, 0, 10, 10)) == (0, 0, MIN_CROP_SIDE, MIN_CROP_SIDE)
    assert context_box((200, 100), (90, 40, 110, 60)) == (0, 0, 200, 100)
    assert context_box((1000, 800), (400, 300, 600, 500), margin=0.5, reach=150) == (
        250,
        150,
        750,
        650,
    )


def test_crop_plan_sends_exactly_the_crop() -> None:
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (900, 1200, 3), dtype=np.uint8)
    edit = ellipse_mask(1200, 900, 0.01)
    plan = plan_with_context((1200, 900), edit, model_spec("gpt-image-1"), mode="crop")
    x0, y0, x1, y1 = plan.crop
    bare = plan_for(plan.crop_size, model_spec("gpt-image-1"))
    assert np.array_equal(apply_plan(img, plan), apply_plan(img[y0:y1, x0:x1], bare))
    assert np.array_equal(
        apply_plan_to_mask(edit, plan), apply_plan_to_mask(edit[y0:y1, x0:x1], bare)
    )
    assert undo_plan(apply_plan(img, plan), plan).shape == (y1 - y0, x1 - x0, 3)


def test_no_composite_with_a_crop_lays_the_frame_over_the_original() -> None:
    img = np.full((900, 1200, 3), 40, np.uint8)
    edit = ellipse_mask(1200, 900, 0.01)
    plan = plan_with_context((1200, 900), edit, model_spec("gpt-image-1"), mode="crop")
    returned = np.full((plan.target_size[1], plan.target_size[0], 3), 200, np.uint8)
    out = take_variant(img, returned, plan, edit, composite_on=False)
    x0, y0, x1, y1 = plan.crop
    inside = np.zeros((900, 1200), bool)
    inside[y0:y1, x0:x1] = True
    assert (out[inside] == 200).all() and (out[~inside] == 40).all()


MODELS = ["gpt-image-1", "dall-e-2", "gpt-image-2", "telea", "some-gateway-model"]


@st.composite
def crop_scenes(draw: st.DrawFn) -> tuple:
    w = draw(st.integers(40, 700))
    h = draw(st.integers(40, 700))
    shapes = draw(
        st.lists(
            st.tuples(
                st.integers(0, w - 1),
                st.integers(0, h - 1),
                st.integers(0, 40),
                st.sampled_from([255, 255, 128]),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return (
        w,
        h,
        shapes,
        draw(st.sampled_from(MODELS)),
        draw(st.sampled_from(["auto", "crop"])),
        draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
        draw(st.one_of(st.none(), st.integers(0, 30))),
        draw(st.sampled_from([3, 4])),
        draw(st.integers(0, 2**32 - 1)),
        draw(st.booleans()),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crop_scenes())
def test_crop_composite_properties(scene: tuple) -> None:
    w, h, shapes, model, mode, margin, reach, channels, seed, odd_return = scene
    rng = np.random.default_rng(seed)
    orig = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
    edit = np.zeros((h, w), np.uint8)
    for x, y, r, v in shapes:
        cv2.circle(edit, (x, y), r, int(v), -1)
    r = default_feather((w, h)) if reach is None else reach
    plan = plan_with_context((w, h), edit, model_spec(model), mode=mode, margin=margin, reach=r)
    tw, th = plan.target_size
    rw, rh = ((tw * 3) // 4 or 1, (th * 5) // 4 or 1) if odd_return else (tw, th)
    returned = cv2.GaussianBlur(rng.integers(0, 256, (rh, rw, 3), dtype=np.uint8), (0, 0), 1.2)

    out = take_variant(orig, returned, plan, edit, reach=reach)
    assert out.shape == orig.shape and out.dtype == np.uint8
    # Every pixel outside mask + feather is bit-identical, crop or not.
    dist = cv2.distanceTransform((edit == 0).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    far = dist >= max(r, 1)
    assert np.array_equal(out[far], orig[far])
    x0, y0, x1, y1 = plan.source_box
    outside_crop = np.ones((h, w), bool)
    outside_crop[y0:y1, x0:x1] = False
    assert np.array_equal(out[outside_crop], orig[outside_crop])
    # Agrees (within a level) with compositing the crop's variant laid over the original.
    full = orig[:, :, :3].copy()
    full[y0:y1, x0:x1] = undo_plan(returned, plan)
    ref = composite(orig, full, edit, reach=reach)
    assert int(np.abs(out.astype(int) - ref.astype(int)).max()) <= 1
