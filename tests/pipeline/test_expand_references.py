"""Expand canvas and reference images through the real round trip (local server on loopback).

The ``echo_cast`` stand-in plays a generative service (it answers the image it was sent) and the
server's request log shows what arrived; the ``telea`` engine is a real fill.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image

from editor.client import EditsClient, Endpoint
from editor.core.composite import default_feather
from editor.core.expand import Expansion, expand_canvas, expand_to_aspect, shrink_to_original
from editor.core.models import GPT_IMAGE_SIZES
from editor.core.references import Reference
from editor.pipeline import ApiOptions, EditParams, prepare_edit, send_round
from editor.pipeline.errors import InputError
from editor.server import ServerThread


def photo(w: int, h: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (max(2, h // 50), max(2, w // 50), 3), dtype=np.uint8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def client(server: ServerThread, **endpoint: Any) -> EditsClient:
    return EditsClient(Endpoint(base_url=server.base_url, max_retries=0, timeout=60, **endpoint))


def echo(server: ServerThread, times: int = 1) -> None:
    fault = {"kind": "echo_cast", "times": times}
    httpx.post(f"{server.origin}/_test/faults", json=fault, timeout=5).raise_for_status()


def logged(server: ServerThread) -> list[dict[str, Any]]:
    return list(httpx.get(f"{server.origin}/_test/requests", timeout=5).json())


def far_from(mask: np.ndarray, reach: int) -> np.ndarray:
    dist = cv2.distanceTransform((mask == 0).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return dist >= max(reach, 1)


def sha(data: bytes | None) -> str:
    assert data is not None
    return hashlib.sha256(data).hexdigest()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("model", "how"),
    [("gpt-image-2", "pixels"), ("gpt-image-1", "aspect"), ("gpt-image-2", "aspect")],
)
async def test_expanded_frame_is_sent_at_a_model_size_and_comes_back_exactly(
    server: ServerThread, model: str, how: str
) -> None:
    w, h = 1200, 800
    original = photo(w, h)
    if how == "pixels":
        expansion = Expansion(300, 0, 300, 200)
    else:
        expansion = expand_to_aspect((w, h), (9, 16), "bottom")
    canvas = expand_canvas(original, expansion)
    W, H = canvas.size
    assert expansion.new_size((w, h)) == (W, H)
    params = EditParams(ApiOptions(prompt="extend the scene", model=model))
    prepared = prepare_edit(canvas.pixels, canvas.mask, params)
    echo(server)
    async with client(server) as c:
        outcome = await send_round(c, canvas.pixels, canvas.mask, params)
    [entry] = logged(server)
    image, mask = entry["fields"]["image"], entry["fields"]["mask"]
    # What arrived is what prepare built, at a size the model takes.
    assert image["sha256"] == sha(prepared.request.images[0].data)
    assert mask["sha256"] == sha(prepared.request.mask.data if prepared.request.mask else None)
    tw, th = image["width"], image["height"]
    if model == "gpt-image-2":
        assert tw % 16 == 0 and th % 16 == 0 and 1 / 3 <= tw / th <= 3
    else:
        assert (tw, th) in GPT_IMAGE_SIZES
    assert image["mode"] == "RGBA" and (mask["width"], mask["height"]) == (tw, th)
    # The sent mask's transparent area covers the new region and the seam band.
    plan = outcome.plan
    sent_alpha = np.asarray(Image.open(io.BytesIO(prepared.request.mask.data)))[..., 3]  # type: ignore[union-attr]
    (ox, oy), (sw, sh) = plan.offset, plan.scaled_size
    x0, y0, x1, y1 = plan.source_box
    back = cv2.resize(
        np.ascontiguousarray(sent_alpha[oy : oy + sh, ox : ox + sw]),
        (x1 - x0, y1 - y0),
        interpolation=cv2.INTER_NEAREST,
    )
    assert (back[canvas.mask[y0:y1, x0:x1] > 0] == 0).all()
    # The variant is the expanded frame; the original is bit-identical outside band + feather.
    (variant,) = outcome.variants
    assert variant.pixels.shape == (H, W, 4)
    keep = far_from(canvas.mask, default_feather((W, H)))
    assert keep.sum() > 0.5 * w * h
    assert np.array_equal(variant.pixels[keep], canvas.pixels[keep])
    # Undo shows the old canvas again: the frame cut back is the original, untouched.
    assert np.array_equal(shrink_to_original(canvas.pixels, expansion)[..., :3], original)


@pytest.mark.asyncio
async def test_local_engine_fills_the_transparent_new_area(server: ServerThread) -> None:
    w, h = 400, 300
    original = photo(w, h, seed=3)
    canvas = expand_canvas(original, Expansion(0, 0, 120, 60))
    async with client(server) as c:
        outcome = await send_round(
            c,
            canvas.pixels,
            canvas.mask,
            EditParams(ApiOptions(prompt="extend", model="telea", n=2)),
        )
    W, H = canvas.size
    new = canvas.new_area > 0
    keep = far_from(canvas.mask, default_feather((W, H)))
    for variant in outcome.variants:
        filled = variant.pixels[new]
        assert (filled[:, 3] == 255).all(), "the new area is opaque content now"
        # Telea continues the photo's colours; the transparent black is gone.
        assert abs(filled[:, :3].mean() - original.mean()) < 25
        assert np.array_equal(variant.pixels[keep], canvas.pixels[keep])


def references() -> tuple[Reference, ...]:
    wide = Reference(photo(3000, 1000, seed=5), name="wide.jpg", path="/refs/wide.jpg")
    tall = Reference(photo(200, 300, seed=6), name="tall.png")
    return wide, tall


@pytest.mark.asyncio
async def test_references_arrive_as_image_parts_after_the_edited_image(
    server: ServerThread,
) -> None:
    original = photo(600, 400)
    edit = np.zeros((400, 600), np.uint8)
    edit[100:200, 200:300] = 255
    params = EditParams(
        ApiOptions(
            prompt="put the hat from image 2 on the cat", model="gpt-image-1", input_fidelity="high"
        ),
        context="whole",
        references=references(),
    )
    prepared = prepare_edit(original, edit, params)
    echo(server)
    async with client(server) as c:
        outcome = await send_round(c, original, edit, params)
    [entry] = logged(server)
    names = entry["raw_field_names"]
    assert names[:3] == ["image[]"] * 3 and names.count("mask") == 1
    assert "image" not in names
    first, wide, tall = entry["fields"]["image[]"]
    assert first["sha256"] == sha(prepared.request.images[0].data)
    assert (first["width"], first["height"]) == outcome.plan.target_size
    # Scaled to the model's largest side (1536), aspect kept; a small one is left alone.
    assert (wide["width"], wide["height"]) == (1536, 512)
    assert (tall["width"], tall["height"]) == (200, 300)
    # Named as the prompt names them; the user's file names are not sent.
    assert (wide["filename"], tall["filename"]) == ("image-2.png", "image-3.png")
    assert entry["fields"]["input_fidelity"] == "high"
    # The mask applies to the edited image: it has its size, and the variant is its frame.
    mask = entry["fields"]["mask"]
    assert (mask["width"], mask["height"]) == outcome.plan.target_size
    assert outcome.variants[0].pixels.shape == original.shape


@pytest.mark.asyncio
async def test_references_in_a_json_body_are_the_images_list_in_order(
    server: ServerThread,
) -> None:
    original = photo(600, 400)
    edit = np.zeros((400, 600), np.uint8)
    edit[:50] = 255
    params = EditParams(ApiOptions(prompt="p", model="gpt-image-1.5"), references=references())
    prepared = prepare_edit(original, edit, params)
    echo(server)
    async with client(server, body="json") as c:
        await send_round(c, original, edit, params)
    [entry] = logged(server)
    images = [i["image_url"] for i in entry["fields"]["images"]]
    assert [i["sha256"] for i in images] == [sha(i.data) for i in prepared.request.images]
    assert [(i["width"], i["height"]) for i in images[1:]] == [(1536, 512), (200, 300)]
    assert isinstance(entry["fields"]["mask"], dict)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("model", "words"),
    [("dall-e-2", "takes no reference images"), ("telea", "fills from the edited image alone")],
)
async def test_models_without_references_refuse_them_plainly(
    server: ServerThread, model: str, words: str
) -> None:
    original = photo(64, 64)
    edit = np.full((64, 64), 255, np.uint8)
    params = EditParams(ApiOptions(prompt="p", model=model), references=references()[:1])
    async with client(server) as c:
        with pytest.raises(InputError, match=words):
            await send_round(c, original, edit, params)
    assert logged(server) == [], "nothing was sent"


def test_reference_count_and_input_fidelity_follow_the_model_table() -> None:
    original = photo(64, 64)
    edit = np.full((64, 64), 255, np.uint8)
    many = tuple(Reference(photo(8, 8, seed=i)) for i in range(16))
    with pytest.raises(InputError, match="at most 15 reference images"):
        prepare_edit(
            original, edit, EditParams(ApiOptions(prompt="p", model="gpt-image-1"), references=many)
        )
    prepared = prepare_edit(
        original,
        edit,
        EditParams(ApiOptions(prompt="p", model="gpt-image-1"), references=many[:15]),
    )
    assert len(prepared.request.images) == 16
    # A model known to refuse it never gets it: left out, with a note said once.
    mini = EditParams(ApiOptions(prompt="p", model="gpt-image-1-mini", input_fidelity="low"))
    left = prepare_edit(original, edit, mini)
    assert left.request.input_fidelity is None
    assert left.notes == ("input_fidelity was left out: gpt-image-1-mini does not take it.",)
    with pytest.raises(InputError, match="low or high"):
        prepare_edit(
            original,
            edit,
            EditParams(ApiOptions(prompt="p", model="gpt-image-1", input_fidelity="max")),
        )
    # A gateway's own model name: the table can't say, so the choice is passed on.
    prepared = prepare_edit(
        original, edit, EditParams(ApiOptions(prompt="p", model="acme-img", input_fidelity="low"))
    )
    assert prepared.request.input_fidelity == "low"
