"""Expand canvas and reference images: what the click costs before the upload, and the way back.

Run: .venv/bin/python -m bench --only E,R (rows E1, E2, R1). Each figure sits next to its Pillow
floor, as P3 does: the least the same pixels cost done plainly with Pillow (paste into the
bigger frame, LANCZOS resize, PNG level 1; on the way back a bicubic upscale and a masked paste).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from bench._common import Row
from bench.pixels import _pillow_floor, _stats, blob_mask, photo_like
from editor.client import EditedImage, EditResult
from editor.core.expand import Expansion, expand_canvas
from editor.core.imageio import encode_png
from editor.core.references import Reference
from editor.pipeline import ApiOptions, EditParams, prepare_edit
from editor.pipeline.round_trip import finish_variants

MB = 1024 * 1024
W, H = 6000, 4000
GROW = Expansion(W // 4, H // 4, W // 4, H // 4)  # 25 % per side: 9000x6000
MODEL = "gpt-image-1"


def _ms(stats: dict[str, float]) -> tuple[float, float]:
    return stats["median_ms"], stats["p95_ms"]


def _pillow_expand_request(img: np.ndarray, size: tuple[int, int]) -> bytes:
    """The floor: the photo pasted into a transparent bigger frame, resized, PNG level 1."""
    frame = Image.new("RGBA", GROW.new_size((W, H)), (0, 0, 0, 0))
    frame.paste(Image.fromarray(img), (GROW.left, GROW.top))
    buf = io.BytesIO()
    frame.resize(size, Image.Resampling.LANCZOS).save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def _pillow_composite_back(frame: Image.Image, variant: np.ndarray, mask: Image.Image) -> object:
    """The floor: the variant upscaled to the frame (bicubic) and pasted through the mask."""
    up = Image.fromarray(variant).convert("RGBA").resize(frame.size, Image.Resampling.BICUBIC)
    out = frame.copy()
    out.paste(up, (0, 0), mask)
    return out


def expand_rows(quick: bool) -> list[Row]:
    runs = 3 if quick else 5
    img = photo_like(W, H)
    params = EditParams(ApiOptions(prompt="extend the scene", model=MODEL))

    def click() -> object:
        canvas = expand_canvas(img, GROW)
        return prepare_edit(canvas.pixels, canvas.mask, params)

    canvas = expand_canvas(img, GROW)
    prepared = prepare_edit(canvas.pixels, canvas.mask, params)
    plan = prepared.plan
    o_med, o_p95 = _ms(_stats(click, runs))
    p_med, _ = _ms(_stats(lambda: _pillow_expand_request(img, plan.scaled_size), runs))
    nw, nh = canvas.size
    rows = [
        Row(
            "E1",
            f"expand 24 MP by 25 % per side: click → request bytes ({MODEL}, "
            f"{nw}x{nh} → {plan.target_size[0]}x{plan.target_size[1]})",
            o_med,
            "ms",
            p95=o_p95,
            peer=p_med,
            peer_label="Pillow paste+resize+PNG of the same frame",
            ratio=o_med / p_med,
            note=f"image {len(prepared.request.images[0].data or b'') / MB:.1f} MB, "
            f"seam band {canvas.seam_band} px",
        )
    ]
    variant = photo_like(*plan.target_size, seed=2)
    result = EditResult(created=None, images=[EditedImage(encode_png(variant), "image/png")])

    def back() -> object:
        return finish_variants(canvas.pixels, canvas.mask, result, plan, params)

    frame = Image.fromarray(canvas.pixels)
    mask = Image.fromarray(canvas.mask)
    o_med, o_p95 = _ms(_stats(back, runs))
    p_med, _ = _ms(_stats(lambda: _pillow_composite_back(frame, variant, mask), runs))
    rows.append(
        Row(
            "E2",
            f"expand 24 MP by 25 % per side: composite the variant back ({nw}x{nh}, "
            "decode + blend + leak)",
            o_med,
            "ms",
            p95=o_p95,
            peer=p_med,
            peer_label="Pillow bicubic upscale + masked paste",
            ratio=o_med / p_med,
        )
    )
    return rows


def reference_rows(quick: bool) -> list[Row]:
    runs = 3 if quick else 5
    img = photo_like(W, H)
    edit = blob_mask(W, H, 0.06)
    refs = tuple(Reference(photo_like(W, H, seed=10 + i), name=f"ref{i}.jpg") for i in range(4))
    params = EditParams(ApiOptions(prompt="the hat from image 2", model=MODEL), references=refs)
    prepared = prepare_edit(img, edit, params)
    plan = prepared.plan
    x0, y0, x1, y1 = plan.source_box
    source = np.ascontiguousarray(img[y0:y1, x0:x1])
    ref_size = (1536, 1024)

    def floor() -> object:
        out = [_pillow_floor(source, plan.scaled_size)]
        out.extend(_pillow_floor(r.pixels, ref_size) for r in refs)
        return out

    o_med, o_p95 = _ms(_stats(lambda: prepare_edit(img, edit, params), runs))
    p_med, _ = _ms(_stats(floor, runs))
    sent = sum(len(i.data or b"") for i in prepared.request.images)
    return [
        Row(
            "R1",
            f"click → request bytes, 24 MP edit (mask 6 %) + four 24 MP references ({MODEL})",
            o_med,
            "ms",
            p95=o_p95,
            peer=p_med,
            peer_label="Pillow resize+PNG of the same five images",
            ratio=o_med / p_med,
            note=f"{len(prepared.request.images)} images, {sent / MB:.1f} MB",
        )
    ]
