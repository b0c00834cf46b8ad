"""Model table and model-aware sizing: choices, multiples of 16, exact round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.core.models import (
    GPT_IMAGE_SIZES,
    MODELS,
    NATIVE_LONG_EDGE_CAP,
    format_size,
    model_spec,
    parse_size,
)
from editor.core.sizing import SendPlan, apply_plan, apply_plan_to_mask, plan_for, undo_plan

# --- models ----------------------------------------------------------------------------------


def test_model_table() -> None:
    assert model_spec("dall-e-2").sizes == ((256, 256), (512, 512), (1024, 1024))
    assert model_spec("dall-e-2").response_formats == ("url", "b64_json")
    assert model_spec("dall-e-2").max_prompt == 1000
    for name in ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "chatgpt-image-latest"):
        spec = model_spec(name)
        assert spec.sizes == GPT_IMAGE_SIZES and spec.response_formats == ()
        assert spec.max_prompt == 32000 and spec.max_images == 16 and spec.supports_json_body
    assert not model_spec("gpt-image-1-mini").input_fidelity
    g2 = model_spec("gpt-image-2")
    assert g2.free_size and g2.sizes == () and g2.pixel_budget == 2560 * 1440
    assert "transparent" not in g2.backgrounds
    for name in ("telea", "navier-stokes", "patchmatch"):
        assert model_spec(name).native and model_spec(name).long_edge_cap is None
    assert set(MODELS) >= {"dall-e-2", "gpt-image-2", "patchmatch"}


def test_unknown_and_default_models() -> None:
    unknown = model_spec("flux-kontext")
    assert unknown.native and unknown.long_edge_cap == NATIVE_LONG_EDGE_CAP
    assert unknown.name == "flux-kontext"
    prof = model_spec("flux-kontext", profile_sizes=[(1024, 768)])
    assert prof.sizes == ((1024, 768),) and not prof.native
    default = model_spec(None)
    assert default.native and default.long_edge_cap == NATIVE_LONG_EDGE_CAP
    snap = model_spec("gpt-image-2-2026-04-21")
    assert snap.free_size and snap.name == "gpt-image-2-2026-04-21"


def test_parse_and_format_size() -> None:
    assert parse_size("1536x1024") == (1536, 1024)
    assert parse_size(" 1024 X 1536 ") == (1024, 1536)
    assert format_size((1536, 1024)) == "1536x1024"
    for bad in ("auto", "1536", "0x10", "-5x5", "axb"):
        with pytest.raises(ValueError):
            parse_size(bad)


# --- plans -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "size", "target"),
    [
        ("gpt-image-1", (6000, 4000), (1536, 1024)),
        ("gpt-image-1", (4000, 6000), (1024, 1536)),
        ("gpt-image-1", (1000, 1000), (1024, 1024)),
        ("gpt-image-1", (1200, 1000), (1024, 1024)),
        ("gpt-image-1.5", (1300, 1000), (1536, 1024)),
        ("gpt-image-1", (1000, 5000), (1024, 1536)),
        ("dall-e-2", (6000, 4000), (1024, 1024)),
        ("dall-e-2", (10, 10), (1024, 1024)),
    ],
)
def test_fixed_size_choice(model: str, size: tuple[int, int], target: tuple[int, int]) -> None:
    plan = plan_for(size, model_spec(model))
    assert plan.target_size == target
    assert plan.size_field == format_size(target)
    sw, sh = plan.scaled_size
    assert sw <= target[0] and sh <= target[1]
    assert sw == target[0] or sh == target[1]  # contain: touches two sides


def test_exact_fit_has_no_padding() -> None:
    plan = plan_for((6000, 4000), model_spec("gpt-image-1"))
    assert plan == SendPlan((6000, 4000), (1536, 1024), (1536, 1024), (0, 0), "1536x1024")


def test_dalle2_pads_centred() -> None:
    plan = plan_for((6000, 4000), model_spec("dall-e-2"))
    assert plan.scaled_size == (1024, 683) and plan.offset == (0, 170)


@pytest.mark.parametrize(
    "size",
    [
        (6000, 4000),
        (4000, 6000),
        (100000, 1),
        (1, 100000),
        (100, 37),
        (16, 16),
        (1, 1),
        (3840, 2160),
        (2560, 1440),
        (5000, 1500),
        (999, 2999),
    ],
)
def test_gpt_image_2_constraints(size: tuple[int, int]) -> None:
    plan = plan_for(size, model_spec("gpt-image-2"))
    tw, th = plan.target_size
    assert tw % 16 == 0 and th % 16 == 0
    assert 1 / 3 <= tw / th <= 3
    # The 2.x rules: long edge ≤ 3840, 655,360..8,294,400 pixels; the default budget is
    # 2560×1440 (rounding up to multiples of 16 may pass it by a hair, never the maximum).
    assert 655_360 <= tw * th <= 8_294_400 and max(tw, th) <= 3840
    assert tw * th <= 2560 * 1440 * 1.02
    assert plan.size_field == f"{tw}x{th}"
    sw, sh = plan.scaled_size
    ox, oy = plan.offset
    assert ox >= 0 and ox + sw <= tw and oy >= 0 and oy + sh <= th
    # Downscaled only to the budget; enlarged only to reach the minimum pixel count.
    enlarged = sw > size[0] or sh > size[1]
    assert not enlarged or size[0] * size[1] < 655_360


def test_gpt_image_2_small_image_is_enlarged_to_the_minimum() -> None:
    plan = plan_for((100, 37), model_spec("gpt-image-2"))
    tw, th = plan.target_size
    assert tw * th >= 655_360 and tw % 16 == 0 and th % 16 == 0
    assert plan.scaled_size[0] / plan.scaled_size[1] == pytest.approx(100 / 37, rel=0.01)


def test_gpt_image_2_extreme_strip() -> None:
    plan = plan_for((100000, 1), model_spec("gpt-image-2"))
    tw, th = plan.target_size
    assert tw / th == pytest.approx(3, rel=0.02)
    assert plan.scaled_size[1] == 1


def test_native_plans() -> None:
    assert plan_for((6000, 4000), model_spec("telea")) == SendPlan(
        (6000, 4000), (6000, 4000), (6000, 4000), (0, 0), None
    )
    capped = plan_for((6000, 4000), model_spec(None))
    assert capped.scaled_size == (2048, 1365) and capped.size_field is None
    assert plan_for((800, 600), model_spec("some-gateway-model")).is_identity


def test_apply_plan_pads_with_edges_and_mask_with_zero() -> None:
    img = np.zeros((400, 600, 3), np.uint8)
    img[:, :, 0] = 200
    img[-1, :, 1] = 77  # bottom row marker
    plan = plan_for((600, 400), model_spec("dall-e-2"))
    out = apply_plan(img, plan)
    assert out.shape == (1024, 1024, 3)
    ox, oy = plan.offset
    sw, sh = plan.scaled_size
    assert out[0, 500].tolist() == out[oy, 500].tolist()  # top padding repeats the top row
    assert int(out[-1, 500, 1]) == int(out[oy + sh - 1, 500, 1]) > 0
    edit = np.full((400, 600), 255, np.uint8)
    m = apply_plan_to_mask(edit, plan)
    assert m.shape == (1024, 1024)
    assert int(m[:oy].max()) == 0 and int(m[oy + sh :].max()) == 0
    assert int(m[oy : oy + sh, ox : ox + sw].min()) == 255


def test_mask_downscale_never_loses_a_marked_pixel() -> None:
    edit = np.zeros((4000, 6000), np.uint8)
    edit[1234, 4321] = 255
    m = apply_plan_to_mask(edit, plan_for((6000, 4000), model_spec("gpt-image-1")))
    assert int(np.count_nonzero(m)) >= 1 and set(np.unique(m).tolist()) == {0, 255}


def test_undo_plan_handles_a_different_returned_size() -> None:
    img = np.zeros((400, 600, 3), np.uint8)
    img[:200] = 255
    plan = plan_for((600, 400), model_spec("gpt-image-1"))
    sent = apply_plan(img, plan)
    half = sent[::2, ::2]  # the service answered at half the size
    back = undo_plan(half, plan)
    assert back.shape == img.shape
    assert int(back[50, 300, 0]) == 255 and int(back[350, 300, 0]) == 0


MODEL_NAMES = ["dall-e-2", "gpt-image-1", "gpt-image-2", "telea", None, "unknown-model"]


@settings(max_examples=150, deadline=None)
@given(
    w=st.integers(1, 3000),
    h=st.integers(1, 3000),
    model=st.sampled_from(MODEL_NAMES),
    channels=st.sampled_from([3, 4]),
)
def test_round_trip_shape(w: int, h: int, model: str | None, channels: int) -> None:
    plan = plan_for((w, h), model_spec(model))
    img = np.full((h, w, channels), 90, np.uint8)
    sent = apply_plan(img, plan)
    assert sent.shape == (plan.target_size[1], plan.target_size[0], channels)
    assert apply_plan_to_mask(img[:, :, 0], plan).shape == sent.shape[:2]
    back = undo_plan(sent, plan)
    assert back.shape == img.shape
    assert int(back.min()) == int(back.max()) == 90  # a flat image survives exactly
