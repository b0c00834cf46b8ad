"""The engine's crop shortcut, its variant plan and the result store, without HTTP."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from editor.server.engines import (
    ENGINES,
    NAVIER_STOKES,
    RADII,
    TELEA,
    Variant,
    inpaint,
    plan_variants,
)
from editor.server.storage import ResultStore


def scene(height: int = 240, width: int = 360) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:height, 0:width]
    rgb = np.stack([xx % 256, yy % 256, (xx * 3 + yy) % 256], axis=-1).astype(np.uint8)
    noisy = rgb + rng.integers(0, 30, rgb.shape, dtype=np.uint8)
    rgb = np.asarray(cv2.GaussianBlur(noisy, (5, 5), 0), dtype=np.uint8)
    region = np.zeros((height, width), np.uint8)
    cv2.ellipse(region, (200, 120), (50, 30), 20, 0, 360, 255, -1)
    cv2.circle(region, (230, 80), 12, 255, -1)
    return rgb, region


@pytest.mark.parametrize("name", ["telea", "navier-stokes"])
@pytest.mark.parametrize("radius", [3, 15])
def test_crop_matches_full_frame_inpaint(name: str, radius: int) -> None:
    rgb, region = scene()
    engine = ENGINES[name]
    full = engine.fill(rgb, region, radius, None, None)
    cropped = inpaint(rgb, region, Variant(engine, radius))
    inside = region > 0
    assert np.abs(full.astype(int) - cropped.astype(int))[inside].max() <= 1
    assert np.array_equal(cropped[~inside], rgb[~inside])


@pytest.mark.parametrize("name", list(ENGINES))
def test_rgba_keeps_alpha_outside_and_fills_inside(name: str) -> None:
    rgb, region = scene(60, 80)
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 128, np.uint8)])
    out = inpaint(rgba, region, Variant(ENGINES[name], 3))
    assert (out[:, :, 3][region > 0] == 255).all()
    assert (out[:, :, 3][region == 0] == 128).all()


def test_variant_plan() -> None:
    plan = plan_variants("navier-stokes", 10)
    assert [(v.engine, v.size) for v in plan[:3]] == [
        (NAVIER_STOKES, 3),
        (TELEA, 3),
        (NAVIER_STOKES, 7),
    ]
    assert len({(v.engine.name, v.size) for v in plan}) == 10 == 2 * len(RADII)
    assert "OpenCV Navier–Stokes inpainting, radius 3 px" in plan[0].describe()


def test_result_store_is_bounded_and_expires() -> None:
    store = ResultStore(capacity=2)
    names = [store.put(bytes([i]), "image/png", "png") for i in range(3)]
    assert store.get(names[0]) is None and len(store) == 2
    assert store.get(names[2]) is not None
    assert store.get(names[2].replace(".png", ".webp")) is None
    expiring = ResultStore(ttl_seconds=0)
    assert expiring.get(expiring.put(b"x", "image/png", "png")) is None


def test_serve_refuses_remote_hosts() -> None:
    from editor.server import serve

    with pytest.raises(ValueError, match="allow_remote"):
        serve("0.0.0.0", 0)
