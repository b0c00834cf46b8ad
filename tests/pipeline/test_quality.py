"""Context crop, colour match and leak numbers through the real round trip (local server)."""

from __future__ import annotations

import cv2
import httpx
import numpy as np
import pytest

from editor.client import EditsClient, Endpoint
from editor.core.composite import default_feather
from editor.pipeline import ApiOptions, EditParams, send_round
from editor.server import ServerThread


def photo(w: int, h: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (max(2, h // 100), max(2, w // 100), 3), dtype=np.uint8)
    base = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.int16)
    base += rng.normal(0, 3, (h, w, 3)).astype(np.int16)
    return np.clip(base, 0, 255).astype(np.uint8)


def ellipse(w: int, h: int, fraction: float) -> np.ndarray:
    edit = np.zeros((h, w), np.uint8)
    ry = int(np.sqrt(fraction * w * h / (np.pi * 1.5)))
    cv2.ellipse(edit, (int(w * 0.4), int(h * 0.6)), (int(ry * 1.5), ry), 0, 0, 360, 255, -1)
    return edit


def far_from(edit: np.ndarray, reach: int) -> np.ndarray:
    dist = cv2.distanceTransform((edit == 0).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return dist >= max(reach, 1)


def client(server: ServerThread) -> EditsClient:
    return EditsClient(Endpoint(base_url=server.base_url, max_retries=0, timeout=60))


def add_fault(server: ServerThread, **fault: object) -> None:
    httpx.post(f"{server.origin}/_test/faults", json=fault, timeout=5).raise_for_status()


def sent_images(server: ServerThread) -> list[dict]:
    entries = httpx.get(f"{server.origin}/_test/requests", timeout=5).json()
    return [e["fields"]["image"] for e in entries]


@pytest.mark.asyncio
async def test_small_mask_is_sent_as_a_crop_at_native_density(server: ServerThread) -> None:
    w, h = 3000, 2000
    original = photo(w, h)
    edit = ellipse(w, h, 0.02)
    add_fault(server, kind="echo_cast", times=2)  # a plain echo: the service sends our pixels
    async with client(server) as c:
        cropped = await send_round(
            c, original, edit, EditParams(ApiOptions(prompt="p", model="gpt-image-1"))
        )
        whole = await send_round(
            c,
            original,
            edit,
            EditParams(ApiOptions(prompt="p", model="gpt-image-1"), context="whole"),
        )
    crop_req, whole_req = sent_images(server)
    _, _, bw, bh = cv2.boundingRect(edit)
    # Whole frame: 3000x2000 squeezed into 1536x1024, the mask's box at about half its size.
    assert (whole_req["width"], whole_req["height"]) == (1536, 1024)
    assert whole.plan.crop is None and bw * whole.plan.scale[0] < 0.6 * bw
    # Crop: the request is the model's size, and the mask's box arrives at least 1:1.
    plan = cropped.plan
    assert plan.crop is not None and plan.original_size == (w, h)
    assert (crop_req["width"], crop_req["height"]) == plan.target_size
    assert bw * plan.scale[0] >= bw and bh * plan.scale[1] >= bh
    # Back at full resolution; everything outside mask + feather is the original, bit for bit.
    (variant,) = cropped.variants
    assert variant.pixels.shape == original.shape
    keep = far_from(edit, default_feather((w, h)))
    assert np.array_equal(variant.pixels[keep], original[keep])
    # An echo changes nothing outside the mask: no leak, even though the crop was upscaled.
    assert variant.leak == {"changed_fraction": 0.0, "mean_delta": 0.0}
    inside = edit == 255
    diff = np.abs(variant.pixels[inside].astype(int) - original[inside].astype(int))
    assert diff.mean() < 2.5  # the echo, upscaled and back: close to the original


@pytest.mark.asyncio
async def test_color_match_removes_the_services_cast(server: ServerThread) -> None:
    w, h = 1200, 800
    original = photo(w, h, seed=4)
    edit = ellipse(w, h, 0.03)
    add_fault(server, kind="echo_cast", times=2, offset=[20, 0, -10], gain=[1.0, 0.9, 1.0])
    inside = edit == 255
    truth = original[inside].astype(float).mean(axis=0)
    means = {}
    async with client(server) as c:
        for on in (True, False):
            params = EditParams(ApiOptions(prompt="p", model="gpt-image-1"), color_match=on)
            outcome = await send_round(c, original, edit, params)
            (variant,) = outcome.variants
            means[on] = variant.pixels[inside].astype(float).mean(axis=0)
            keep = far_from(edit, default_feather((w, h)))
            assert np.array_equal(variant.pixels[keep], original[keep])
            # The cast is on the whole returned frame: the leak view sees it.
            assert variant.leak is not None and variant.leak["changed_fraction"] > 0.5
    assert np.abs(means[True] - truth).max() <= 3  # cast gone
    assert np.abs(means[False] - truth).max() > 8  # cast still there without the match


@pytest.mark.asyncio
async def test_color_match_off_is_bit_identical_to_before(server: ServerThread) -> None:
    original = photo(400, 300, seed=2)
    edit = ellipse(400, 300, 0.05)
    add_fault(server, kind="echo_cast", times=2, offset=[10, 0, 0])
    async with client(server) as c:
        off = await send_round(
            c, original, edit, EditParams(ApiOptions(prompt="p", model="gpt-image-1"))
        )
        zero = await send_round(
            c,
            original,
            edit,
            EditParams(
                ApiOptions(prompt="p", model="gpt-image-1"),
                color_match=True,
                color_match_strength=0.0,
            ),
        )
    assert np.array_equal(off.variants[0].pixels, zero.variants[0].pixels)


@pytest.mark.asyncio
async def test_local_engine_leaks_nothing_and_a_flat_frame_leaks_everything(
    server: ServerThread,
) -> None:
    w, h = 900, 600
    original = photo(w, h, seed=5)
    edit = ellipse(w, h, 0.04)
    async with client(server) as c:
        for context in ("whole", "auto"):
            params = EditParams(ApiOptions(prompt="p", model="telea", n=2), context=context)
            local = await send_round(c, original, edit, params)
            assert local.plan.is_identity == (context == "whole")
            assert [v.leak for v in local.variants] == [
                {"changed_fraction": 0.0, "mean_delta": 0.0}
            ] * 2
        add_fault(server, kind="flat", color=[128, 128, 128])
        flat = await send_round(
            c, original, edit, EditParams(ApiOptions(prompt="p", model="gpt-image-1"))
        )
    leak = flat.variants[0].leak
    assert leak is not None and leak["changed_fraction"] > 0.9 and leak["mean_delta"] > 20
