"""Putting a returned variant back into the original, touching only what the mask allows.

Outside the mask grown by the feather's reach the original is kept bit for bit; all the work
(upscaling the variant, distances, blending) is done inside that rectangle only, so a small edit
on a 24 MP photo stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.masks import bbox, compare_zero
from editor.core.sizing import SendPlan, resize, undo_plan

__all__ = ["ColorTransform", "blend_alpha", "composite", "default_feather", "take_variant"]

Size = tuple[int, int]
Box = tuple[int, int, int, int]
# Maps a variant's RGB uint8 pixels (HxWx3) to colour-corrected ones of the same shape.
ColorTransform = Callable[[np.ndarray], np.ndarray]

_TILE = 256  # distance transforms run per tile, only where the mask has an edge nearby
_BLEND_TILE = 512  # large blend regions are blended per tile (see _blend_region)


def default_feather(size: Size) -> int:
    """How far past the mask's edge the variant fades out: 1 % of the short side, at least 2."""
    return max(2, round(0.01 * min(size[0], size[1])))


def _region(edit: np.ndarray, reach: int) -> Box | None:
    box = bbox(edit)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    h, w = edit.shape
    return max(0, x0 - reach), max(0, y0 - reach), min(w, x1 + reach), min(h, y1 + reach)


def _block_any(a: np.ndarray, size: int) -> np.ndarray:
    """Per size×size block: does it hold any non-zero pixel?"""
    h, w = a.shape
    hb, wb = -(-h // size), -(-w // size)
    padded = np.zeros((hb * size, wb * size), np.uint8)
    padded[:h, :w] = a
    any_set: np.ndarray = padded.reshape(hb, size, wb, size).max(axis=(1, 3)) > 0
    return any_set


def _ramp(sub: np.ndarray, reach: int, soft: bool) -> np.ndarray:
    """Outside the marked area: smoothstep from the edge value down to 0 at distance ``reach``.

    ``sub`` must hold every marked pixel within ``reach`` of any of its pixels. The fade starts
    from the nearest marked pixel's own value, so a soft (feathered) edge continues smoothly
    instead of jumping to 1 just outside it.
    """
    h, w = sub.shape
    out = np.zeros((h, w), np.float32)
    keep = compare_zero(sub, cv2.CMP_EQ)  # 255 outside the marked area
    # Work only on tiles that have unmarked pixels and a marked pixel within reach.
    near = _block_any(sub, _TILE)
    n = math.ceil(reach / _TILE)
    if n:
        near = cv2.dilate(near.astype(np.uint8), np.ones((2 * n + 1, 2 * n + 1), np.uint8)) > 0
    todo = near & _block_any(keep, _TILE)
    for ty, tx in zip(*np.nonzero(todo), strict=True):
        x0, y0 = int(tx) * _TILE, int(ty) * _TILE
        x1, y1 = min(w, x0 + _TILE), min(h, y0 + _TILE)
        # Distances beyond the expanded tile are ≥ reach anyway, and those map to 0.
        ex0, ey0 = max(0, x0 - reach), max(0, y0 - reach)
        ex1, ey1 = min(w, x1 + reach), min(h, y1 + reach)
        k = keep[ey0:ey1, ex0:ex1]
        if cv2.countNonZero(k) == k.size:
            continue  # nothing marked within reach after all
        dist = cv2.distanceTransform(k, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
        t = np.clip(1.0 - dist[y0 - ey0 : y1 - ey0, x0 - ex0 : x1 - ex0] / reach, 0.0, 1.0)
        a = t * t * (3.0 - 2.0 * t)
        if soft:
            _, labels = cv2.distanceTransformWithLabels(
                k, cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
            )
            # Labels number the marked pixels in raster order.
            values = np.concatenate(([0.0], sub[ey0:ey1, ex0:ex1][k == 0] / 255.0))
            a = a * values[labels[y0 - ey0 : y1 - ey0, x0 - ex0 : x1 - ex0]]
        tile_keep = keep[y0:y1, x0:x1] > 0
        out[y0:y1, x0:x1] = np.where(tile_keep, a, 0.0)
    return out


def _alpha(sub: np.ndarray, reach: int) -> np.ndarray:
    a = sub.astype(np.float32) * np.float32(1 / 255)
    if reach <= 0:
        return a
    marked = cv2.countNonZero(sub)
    soft = marked != cv2.countNonZero(cv2.inRange(sub, 255, 255))
    alpha: np.ndarray = np.maximum(a, _ramp(sub, reach, soft))
    return alpha


def blend_alpha(edit: np.ndarray, reach: int) -> np.ndarray:
    """Per-pixel weight of the variant, float32 0..1.

    The edit value inside the marked area (> 0); outside it a smooth fall to exactly 0 at
    Euclidean distance ``reach`` from the nearest marked pixel.
    """
    if edit.ndim != 2:
        raise ValueError(f"expected a 2-D edit mask, got shape {edit.shape}")
    edit = np.ascontiguousarray(edit, dtype=np.uint8)
    out = np.zeros(edit.shape, np.float32)
    reach = max(0, int(reach))
    box = _region(edit, reach)
    if box is not None:
        x0, y0, x1, y1 = box
        out[y0:y1, x0:x1] = _alpha(edit[y0:y1, x0:x1], reach)
    return out


def _channels(a: np.ndarray) -> int:
    return 1 if a.ndim == 2 else a.shape[2]


def _to_channels(a: np.ndarray, n: int) -> np.ndarray:
    """Convert gray/RGB/RGBA to ``n`` channels (3 or 4); an added alpha is opaque."""
    c = _channels(a)
    if c == n:
        return a
    if c == 1:
        a = cv2.cvtColor(a if a.ndim == 2 else a[:, :, 0], cv2.COLOR_GRAY2RGB)
        c = 3
    if n == 4 and c == 3:
        return cv2.cvtColor(a, cv2.COLOR_RGB2RGBA)
    return np.ascontiguousarray(a[:, :, :3])


def _blend_with(orig: np.ndarray, var: np.ndarray, a: np.ndarray, n: int) -> np.ndarray:
    """``orig`` and ``var`` blended with weight ``a`` (0..1) for the variant."""
    if n == 3 and _channels(var) == 4:
        # An RGB original can't hold transparency: where the variant is see-through, the
        # original shows instead.
        a = a * (var[:, :, 3].astype(np.float32) * np.float32(1 / 255))
    var = np.ascontiguousarray(_to_channels(var, n))
    # blendLinear computes (o·(1-a) + v·a) rounded: a = 0 gives o and a = 1 gives v exactly.
    a = np.ascontiguousarray(a)
    return cv2.blendLinear(np.ascontiguousarray(orig), var, 1.0 - a, a)


def _blend_region(
    original: np.ndarray, variant_region: np.ndarray, edit: np.ndarray, box: Box, reach: int
) -> np.ndarray:
    x0, y0, x1, y1 = box
    out = original.copy()
    n = _channels(original)
    sub = edit[y0:y1, x0:x1]
    h, w = sub.shape
    if h * w <= 4 * _BLEND_TILE * _BLEND_TILE:
        a = _alpha(np.ascontiguousarray(sub), reach)
        out[y0:y1, x0:x1] = _blend_with(original[y0:y1, x0:x1], variant_region, a, n)
        return out
    # A large region (an expanded canvas's ring, a big mask) goes tile by tile: tiles far from
    # the mask keep the original as copied, tiles wholly inside take the variant, and only
    # tiles along the edge pay for distances and blending.
    t = _BLEND_TILE
    near = _block_any(sub, t)
    k = math.ceil(reach / t)
    if k:
        near = cv2.dilate(near.astype(np.uint8), np.ones((2 * k + 1, 2 * k + 1), np.uint8)) > 0
    can_copy = not (n == 3 and _channels(variant_region) == 4)
    for ty, tx in zip(*np.nonzero(near), strict=True):
        tx0, ty0 = int(tx) * t, int(ty) * t
        tx1, ty1 = min(w, tx0 + t), min(h, ty0 + t)
        var = variant_region[ty0:ty1, tx0:tx1]
        dst = out[y0 + ty0 : y0 + ty1, x0 + tx0 : x0 + tx1]
        tile = sub[ty0:ty1, tx0:tx1]
        if can_copy and cv2.countNonZero(cv2.inRange(tile, 255, 255)) == tile.size:
            dst[...] = _to_channels(var, n)  # wholly marked: weight 1 throughout
            continue
        ex0, ey0 = max(0, tx0 - reach), max(0, ty0 - reach)
        ex1, ey1 = min(w, tx1 + reach), min(h, ty1 + reach)
        # The weight needs every marked pixel within reach: work on the tile grown by it.
        grown = np.ascontiguousarray(sub[ey0:ey1, ex0:ex1])
        if not cv2.countNonZero(grown):
            continue  # nothing marked within reach: weight 0, the original stays
        a = _alpha(grown, reach)
        dst[...] = _blend_with(dst, var, a[ty0 - ey0 : ty1 - ey0, tx0 - ex0 : tx1 - ex0], n)
    return out


def _check(original: np.ndarray, edit: np.ndarray) -> None:
    if original.ndim != 3 or original.shape[2] not in (3, 4):
        raise ValueError(f"expected an HxWx3 or HxWx4 original, got shape {original.shape}")
    if edit.shape != original.shape[:2]:
        raise ValueError(f"mask shape {edit.shape} differs from image shape {original.shape[:2]}")


def _blend_setup(edit: np.ndarray, reach: int | None) -> tuple[np.ndarray, int, Box | None]:
    """The mask as contiguous uint8, the reach in px (default: 1 % of the short side) and the
    box the blend can touch (None: nothing to blend)."""
    h, w = edit.shape
    reach = default_feather((w, h)) if reach is None else max(0, int(reach))
    edit = np.ascontiguousarray(edit, dtype=np.uint8)
    return edit, reach, _region(edit, reach)


def composite(
    original: np.ndarray,
    variant: np.ndarray,
    edit: np.ndarray,
    *,
    reach: int | None = None,
) -> np.ndarray:
    """The original with the variant blended in where ``edit`` (plus the feather) allows.

    ``variant`` has the original's height and width; its channels are converted to the
    original's. Pixels the blend leaves at weight 0 are bit-identical to the original,
    including its alpha.
    """
    _check(original, edit)
    if variant.shape[:2] != original.shape[:2]:
        raise ValueError(f"variant shape {variant.shape[:2]} differs from {original.shape[:2]}")
    edit, reach, box = _blend_setup(edit, reach)
    if box is None:
        return original.copy()
    x0, y0, x1, y1 = box
    return _blend_region(original, variant[y0:y1, x0:x1], edit, box, reach)


def _source_span(
    need0: int, need1: int, src_len: int, dst_len: int, margin: int
) -> tuple[int, int, int]:
    """Source span [s0, s1) whose resize yields destination pixels [need0, need1) as a full resize
    would, and the destination index d0 that the span's first output pixel lands on.

    s0 is chosen so s0·dst/src is a whole number: then the span's sampling grid coincides with
    the full frame's (up to float rounding), not shifted by a fraction of a pixel.
    """
    scale = dst_len / src_len
    s0 = math.floor((need0 + 0.5) / scale - 0.5) - margin
    s1 = math.ceil((need1 - 0.5) / scale - 0.5) + margin + 1
    step = src_len // math.gcd(src_len, dst_len)
    s0 = max(0, s0) // step * step
    s1 = min(src_len, s1)
    return s0, s1, s0 * dst_len // src_len


def _undo_region(returned: np.ndarray, plan: SendPlan, box: Box) -> np.ndarray:
    """undo_plan(returned, plan)[box], computing only (about) that region.

    ``box`` is in the plan's source (crop) coordinates.
    """
    frame = resize(returned, plan.target_size)  # the service's frame is small: do it whole
    (ox, oy), (sw, sh) = plan.offset, plan.scaled_size
    crop = frame[oy : oy + sh, ox : ox + sw]
    x0, y0, x1, y1 = box
    w, h = plan.crop_size
    if (sw, sh) == (w, h):
        return crop[y0:y1, x0:x1]
    up = w > sw or h > sh
    interp = cv2.INTER_CUBIC if up else cv2.INTER_AREA
    margin = 4 + math.ceil(max(sw / w, sh / h))
    sx0, sx1, dx0 = _source_span(x0, x1, sw, w, margin)
    sy0, sy1, dy0 = _source_span(y0, y1, sh, h, margin)
    if (round((sx1 - sx0) * w / sw), round((sy1 - sy0) * h / sh)) == (sx1 - sx0, sy1 - sy0):
        # OpenCV copies instead of resizing when the sizes come out equal (scales near 1):
        # take those axes whole, where the sizes are the full frame's.
        if sw != w:
            sx0, sx1, dx0 = 0, sw, 0
        if sh != h:
            sy0, sy1, dy0 = 0, sh, 0
    # fx/fy (not dsize) so OpenCV uses exactly the full frame's scale for the part.
    part = cv2.resize(
        np.ascontiguousarray(crop[sy0:sy1, sx0:sx1]),
        None,
        fx=w / sw,
        fy=h / sh,
        interpolation=interp,
    )
    region = part[y0 - dy0 : y1 - dy0, x0 - dx0 : x1 - dx0]
    if region.shape[:2] != (y1 - y0, x1 - x0):  # rounding left the part short: be safe
        return undo_plan(returned, plan)[y0:y1, x0:x1]
    return region


def _whole_frame(original: np.ndarray, returned: np.ndarray, plan: SendPlan) -> np.ndarray:
    n = _channels(original)
    back = np.ascontiguousarray(_to_channels(undo_plan(returned, plan), n))
    if plan.crop is None:
        return back
    # Only the crop went out: the service's frame covers it, the original the rest.
    x0, y0, x1, y1 = plan.crop
    out = original.copy()
    out[y0:y1, x0:x1] = back
    return out


def _recolor(variant: np.ndarray, color: ColorTransform) -> np.ndarray:
    rgb = color(np.ascontiguousarray(variant[:, :, :3]))
    if _channels(variant) == 3:
        return rgb
    return np.dstack((rgb, variant[:, :, 3]))


def take_variant(
    original: np.ndarray,
    returned: np.ndarray,
    plan: SendPlan,
    edit: np.ndarray,
    *,
    reach: int | None = None,
    composite_on: bool = True,
    color: ColorTransform | None = None,
) -> np.ndarray:
    """A returned frame as the user's result at the original's size and channel count.

    With ``composite_on`` the variant is blended into the original through the mask; without,
    the service's whole frame is returned (mapped back through ``plan``; with a crop, laid over
    the original). ``color`` corrects the variant's colours inside the blend region only, before
    blending. A crop must hold the mask grown by ``reach`` (plan_with_context sees to it); the
    blend is clipped to the crop otherwise.
    """
    _check(original, edit)
    if not composite_on:
        return _whole_frame(original, returned, plan)
    edit, reach, box = _blend_setup(edit, reach)
    if box is None:
        return original.copy()
    cx0, cy0, cx1, cy1 = plan.source_box
    x0, y0, x1, y1 = max(box[0], cx0), max(box[1], cy0), min(box[2], cx1), min(box[3], cy1)
    if x0 >= x1 or y0 >= y1:
        return original.copy()
    variant = _undo_region(returned, plan, (x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0))
    if color is not None:
        variant = _recolor(variant, color)
    return _blend_region(original, variant, edit, (x0, y0, x1, y1), reach)
