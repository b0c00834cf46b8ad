"""Expand canvas: the geometry, the transparent frame and its mask, sizing and compositing."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.core.composite import default_feather, take_variant
from editor.core.context import plan_with_context
from editor.core.expand import (
    ANCHORS,
    Expansion,
    default_seam_band,
    drop_opaque_alpha,
    expand_canvas,
    expand_to_aspect,
    parse_anchor,
    parse_aspect,
    parse_expand,
    shrink_to_original,
)
from editor.core.models import model_spec
from editor.core.sizing import apply_plan, apply_plan_to_mask


def photo(w: int, h: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_pixels_per_side_give_the_frame_and_place_the_original() -> None:
    original = photo(300, 200)
    canvas = expand_canvas(original, parse_expand("10, 20,30,40"))
    assert canvas.size == (340, 260)
    assert canvas.original_box == (10, 20, 310, 220)
    x0, y0, x1, y1 = canvas.original_box
    inner = canvas.pixels[y0:y1, x0:x1]
    assert np.array_equal(inner[:, :, :3], original) and (inner[:, :, 3] == 255).all()
    outside = np.ones((260, 340), bool)
    outside[y0:y1, x0:x1] = False
    assert (canvas.pixels[outside] == 0).all(), "the new area is fully transparent"
    assert np.array_equal(canvas.new_area > 0, outside)


@pytest.mark.parametrize(
    ("aspect", "anchor", "want"),
    [
        ("16:9", "center", Expansion(55, 0, 56, 0)),  # 600x400 → 711x400
        ("16:9", "left", Expansion(0, 0, 111, 0)),
        ("16:9", "right", Expansion(111, 0, 0, 0)),
        ("1:1", "top", Expansion(0, 0, 0, 200)),
        ("1:1", "bottom", Expansion(0, 200, 0, 0)),
        ("9:16", "bottom-right", Expansion(0, 667, 0, 0)),
        ("4:5", "top-left", Expansion(0, 0, 0, 350)),
        ("3:2", "center", Expansion(0, 0, 0, 0)),  # already 3:2
        ("2.39:1", "center", Expansion(178, 0, 178, 0)),  # custom
    ],
)
def test_aspect_and_anchor(aspect: str, anchor: str, want: Expansion) -> None:
    got = expand_to_aspect((600, 400), parse_aspect(aspect), anchor)
    assert got == want
    w, h = got.new_size((600, 400))
    aw, ah = parse_aspect(aspect)
    assert abs(w / h - aw / ah) < 1 / min(w, h)


@settings(max_examples=200, deadline=None)
@given(
    w=st.integers(1, 5000),
    h=st.integers(1, 5000),
    aw=st.integers(1, 30),
    ah=st.integers(1, 30),
    anchor=st.sampled_from(sorted(ANCHORS)),
)
def test_aspect_grows_one_axis_only_and_keeps_the_anchor(
    w: int, h: int, aw: int, ah: int, anchor: str
) -> None:
    e = expand_to_aspect((w, h), (aw, ah), anchor)
    nw, nh = e.new_size((w, h))
    assert nw >= w and nh >= h and (nw == w or nh == h)
    assert abs(nw / nh - aw / ah) <= (aw / ah) / min(nw, nh) + 1e-9
    ax, ay = ANCHORS[anchor]
    if ax == 0:
        assert e.left == 0
    if ax == 1:
        assert e.right == 0
    if ay == 0:
        assert e.top == 0
    if ay == 1:
        assert e.bottom == 0
    if ax == 0.5:
        assert abs(e.left - e.right) <= 1


@pytest.mark.parametrize("bad", ["", "1,2,3", "1,2,3,4,5", "-1,0,0,0", "a,b,c,d", "1.5,0,0,0"])
def test_bad_pixels_per_side_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="LEFT,TOP,RIGHT,BOTTOM"):
        parse_expand(bad)


@pytest.mark.parametrize("bad", ["16", "16:0", "0:9", "a:b", "100:1", "16:9:1"])
def test_bad_aspects_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_aspect(bad)


def test_anchor_names() -> None:
    assert parse_anchor("Top Left") == "top-left"
    assert parse_anchor("left-top") == "top-left"
    assert parse_anchor("centre") == "center"
    with pytest.raises(ValueError, match="not an anchor"):
        parse_anchor("middle-earth")


def test_seam_band_default_is_three_percent_at_least_16() -> None:
    assert default_seam_band((600, 400)) == 16
    assert default_seam_band((6000, 4000)) == 120


def test_mask_is_new_area_plus_seam_band_on_grown_sides_only() -> None:
    original = photo(400, 300)
    user = np.zeros((300, 400), np.uint8)
    user[100:120, 200:220] = 255
    canvas = expand_canvas(original, Expansion(50, 0, 0, 30), edit=user, seam_band=20)
    x0, y0, x1, y1 = canvas.original_box
    inner = canvas.mask[y0:y1, x0:x1]
    assert (canvas.mask[canvas.new_area > 0] == 255).all()
    assert (inner[:, :20] == 255).all(), "band along the grown left side"
    assert (inner[-20:, :] == 255).all(), "band along the grown bottom"
    assert not inner[:-20, 20:][:, -50:].any(), "no band on the right, which did not grow"
    assert not inner[:20, 100:150].any(), "no band on the top, which did not grow"
    assert (inner[100:120, 200:220] == 255).all(), "the user's own mask is carried over"
    marked = int(cv2.countNonZero(inner))
    assert marked == 20 * 300 + 20 * 380 + 20 * 20


def test_shrinking_the_expanded_frame_gives_the_original_back() -> None:
    original = photo(123, 77)
    e = Expansion(5, 6, 7, 8)
    canvas = expand_canvas(original, e)
    assert np.array_equal(shrink_to_original(canvas.pixels, e)[:, :, :3], original)
    rgba = np.dstack((original, np.full((77, 123), 9, np.uint8)))
    canvas = expand_canvas(rgba, e)
    assert np.array_equal(shrink_to_original(canvas.pixels, e), rgba), "alpha kept too"


def test_too_large_an_expansion_is_refused_plainly() -> None:
    with pytest.raises(ValueError, match="at most"):
        expand_canvas(photo(10, 10), Expansion(0, 0, 30000, 0))


@pytest.mark.parametrize("model", ["gpt-image-2", "gpt-image-1", "dall-e-2", "telea"])
@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1", "21:9"])
def test_sent_frame_is_a_size_the_model_takes_and_its_mask_covers_new_area_and_band(
    model: str, aspect: str
) -> None:
    w, h = 900, 700
    original = photo(w, h)
    canvas = expand_canvas(original, expand_to_aspect((w, h), parse_aspect(aspect)))
    spec = model_spec(model)
    W, H = canvas.size
    plan = plan_with_context((W, H), canvas.mask, spec, mode="auto", reach=default_feather((W, H)))
    sent = apply_plan(canvas.pixels, plan)
    sent_mask = apply_plan_to_mask(canvas.mask, plan)
    th, tw = sent.shape[:2]
    if spec.free_size:
        assert tw % 16 == 0 and th % 16 == 0 and 1 / 3 <= tw / th <= 3
    elif spec.sizes and not spec.native:
        assert (tw, th) in spec.sizes
    # Back on the original's grid, every pixel of new area and band is editable in the mask.
    x0, y0, x1, y1 = plan.source_box
    ox, oy = plan.offset
    sw, sh = plan.scaled_size
    editable = cv2.resize(
        np.ascontiguousarray(sent_mask[oy : oy + sh, ox : ox + sw]),
        (x1 - x0, y1 - y0),
        interpolation=cv2.INTER_NEAREST,
    )
    wanted = canvas.mask[y0:y1, x0:x1] > 0
    assert (editable[wanted] == 255).all()
    # The whole marked area is inside what is sent.
    outside = canvas.mask.copy()
    outside[y0:y1, x0:x1] = 0
    assert not outside.any()
    # The frame's own transparent area is the new area (its pixels carry nothing).
    alpha = sent[oy : oy + sh, ox : ox + sw, 3]
    assert alpha.min() == 0 and alpha.max() == 255


def test_composite_keeps_the_original_bit_identical_outside_band_and_feather() -> None:
    w, h = 800, 500
    original = photo(w, h)
    canvas = expand_canvas(original, Expansion(100, 40, 0, 60))
    W, H = canvas.size
    spec = model_spec("gpt-image-1")
    reach = default_feather((W, H))
    plan = plan_with_context((W, H), canvas.mask, spec, reach=reach)
    returned = np.full((*plan.target_size[::-1], 3), 77, np.uint8)  # a flat "fill"
    result = take_variant(canvas.pixels, returned, plan, canvas.mask, reach=reach)
    assert result.shape == (H, W, 4)
    # The new area is filled and opaque now.
    new = canvas.new_area > 0
    assert (result[new][:, 3] == 255).all() and (result[new][:, :3] == 77).all()
    # Outside band + feather the original is untouched, bit for bit.
    dist = cv2.distanceTransform(
        (canvas.mask == 0).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE
    )
    keep = dist >= reach
    assert keep.any()
    assert np.array_equal(result[keep], canvas.pixels[keep])
    # Inside the original's box but in band or feather, the join changed.
    x0, y0, x1, y1 = canvas.original_box
    assert not np.array_equal(result[y0:y1, x0:x1], canvas.pixels[y0:y1, x0:x1])
    # Opaque everywhere: the RGB photo can go back to three channels.
    flat = drop_opaque_alpha(result)
    assert flat.shape == (H, W, 3)
    assert drop_opaque_alpha(canvas.pixels).shape == (H, W, 4), "transparent area: alpha stays"


@pytest.mark.parametrize("channels", [3, 4])
def test_a_large_ring_blends_tile_by_tile_as_one_whole_blend_would(channels: int) -> None:
    """The ring mask of an expanded canvas spans the frame: the composite works per tile, and
    must give what one blend of the whole frame with the same weights gives."""
    from editor.core.composite import blend_alpha, composite

    w, h = 1900, 1300
    rng = np.random.default_rng(4)
    orig = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
    variant = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
    mask = np.full((h, w), 255, np.uint8)
    mask[560:1100, 560:1500] = 0  # the original's interior stays (the corner tiles are full)
    mask[700:760, 800:860] = 255  # and a user's stroke inside it
    reach = 37
    a = blend_alpha(mask, reach)
    want = cv2.blendLinear(orig, variant, 1.0 - a, a)
    got = composite(orig, variant, mask, reach=reach)
    assert np.array_equal(got, want)
    assert np.array_equal(got[a == 0], orig[a == 0]) and (a == 0).any()


def test_a_large_soft_mask_blends_tile_by_tile_as_one_whole_blend_would() -> None:
    from editor.core.composite import blend_alpha, composite

    rng = np.random.default_rng(1)
    h, w = 1300, 1900
    orig = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    variant = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    mask = np.zeros((h, w), np.uint8)
    for _ in range(30):
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        cv2.circle(mask, centre, int(rng.integers(5, 80)), int(rng.integers(1, 256)), -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 5)  # feathered strokes of every strength
    a = blend_alpha(mask, 40)
    assert np.array_equal(
        composite(orig, variant, mask, reach=40), cv2.blendLinear(orig, variant, 1.0 - a, a)
    )


def test_a_mask_repainted_on_the_expanded_frame_still_fills_new_area_and_band() -> None:
    canvas = expand_canvas(photo(200, 100), Expansion(0, 0, 50, 0), seam_band=16)
    cleared = np.zeros(canvas.mask.shape, np.uint8)
    kept = canvas.including(cleared)
    assert np.array_equal(kept, canvas.mask)  # no user mask: the required area alone
    stroke = cleared.copy()
    stroke[10:20, 10:20] = 255
    both = canvas.including(stroke)
    assert (both[10:20, 10:20] == 255).all() and (both[:, 184:] == 255).all()
    assert not both[30:, :184].any()
    with pytest.raises(ValueError, match="differs"):
        canvas.including(np.zeros((100, 200), np.uint8))


@settings(max_examples=60, deadline=None)
@given(
    w=st.integers(20, 140),
    h=st.integers(20, 140),
    channels=st.sampled_from([3, 4]),
    variant_channels=st.sampled_from([3, 4]),
    reach=st.integers(0, 30),
    seed=st.integers(0, 2**16),
)
def test_tiled_blend_equals_the_whole_blend_for_any_mask(
    w: int, h: int, channels: int, variant_channels: int, reach: int, seed: int
) -> None:
    """With tiles shrunk to 8 px every frame here goes tile by tile: the result must be what
    one blend of the whole region with the same weights gives."""
    from unittest import mock

    from editor.core import composite as comp

    rng = np.random.default_rng(seed)
    orig = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
    variant = rng.integers(0, 256, (h, w, variant_channels), dtype=np.uint8)
    mask = np.zeros((h, w), np.uint8)
    for _ in range(int(rng.integers(1, 5))):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        mask[y : y + int(rng.integers(1, h)), x : x + int(rng.integers(1, w))] = int(
            rng.choice([255, int(rng.integers(1, 256))])
        )
    a = comp.blend_alpha(mask, reach)
    if channels == 3 and variant_channels == 4:
        a = a * (variant[:, :, 3].astype(np.float32) * np.float32(1 / 255))
    want = cv2.blendLinear(orig, comp._to_channels(variant, channels), 1.0 - a, a)
    with mock.patch.object(comp, "_BLEND_TILE", 8):
        got = comp.composite(orig, variant, mask, reach=reach)
    assert np.array_equal(got, want)
