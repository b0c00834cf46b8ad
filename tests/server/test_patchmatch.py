"""PatchMatch, the local default: texture kept where Telea smears, honest variants, cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from PIL import Image
from server_images import decode_b64, encode

from editor.server import ServerThread
from editor.server.editing import Cancelled, run_edit
from editor.server.engines import DEFAULT_MODEL
from editor.server.parsing import RawFile, ReceivedEdit

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def wood(height: int = 300, width: int = 400) -> np.ndarray:
    """Wood grain: warped, slightly curved rings plus fine streaks along them."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    warp = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 25)
    rings = np.sin((yy + 60 * warp + 1.2 * (xx - width / 2) ** 2 / width) / 3.5)
    fine = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 0.8)
    fine = cv2.resize(cv2.resize(fine, (width // 8, height)), (width, height))
    value = 0.55 + 0.18 * rings + 0.08 * fine
    rgb = np.stack([value * 200 + 30, value * 140 + 20, value * 80 + 10], axis=-1)
    return np.asarray(np.clip(rgb, 0, 255), dtype=np.uint8)


def ellipse(height: int = 300, width: int = 400) -> np.ndarray:
    """An edit region (True = fill) of about 6 % of the frame."""
    region = np.zeros((height, width), np.uint8)
    cv2.ellipse(region, (width // 2, height // 2), (66, 41), 15, 0, 360, 255, -1)
    return region > 0


def coffee() -> tuple[np.ndarray, np.ndarray]:
    """The sample's 300×400 strip around the spoon and its mask (True = fill)."""
    rgb = np.asarray(Image.open(SAMPLES / "coffee.png").convert("RGB"))[:, 220:520]
    alpha = np.asarray(Image.open(SAMPLES / "coffee-mask.png"))[:, 220:520, 3]
    return np.ascontiguousarray(rgb), alpha < 128


def api_mask(edit: np.ndarray) -> bytes:
    alpha = np.where(edit, 0, 255).astype(np.uint8)
    return encode(Image.fromarray(np.dstack([np.zeros((*edit.shape, 3), np.uint8), alpha])))


def edit(
    server: ServerThread, rgb: np.ndarray, region: np.ndarray, **fields: str
) -> list[dict[str, str]]:
    files = [
        ("image", ("image.png", encode(Image.fromarray(rgb)), "image/png")),
        ("mask", ("mask.png", api_mask(region), "image/png")),
    ]
    response = httpx.post(
        server.base_url + "/images/edits",
        files=files,
        data={"prompt": "fill it", **fields},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    data: list[dict[str, str]] = response.json()["data"]
    return data


def pixels(item: dict[str, str]) -> np.ndarray:
    return np.asarray(decode_b64(item["b64_json"]).convert("RGB"))


def laplacian_variance(rgb: np.ndarray, where: np.ndarray) -> float:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return float(cv2.Laplacian(grey, cv2.CV_32F)[where].var())


def texture_ratio(source: np.ndarray, result: np.ndarray, region: np.ndarray) -> float:
    """Laplacian variance inside the fill ÷ that of the untouched ring around it."""
    as_u8 = region.astype(np.uint8)
    inside = cv2.erode(as_u8, np.ones((5, 5), np.uint8)) > 0
    near = cv2.dilate(as_u8, np.ones((7, 7), np.uint8)) > 0
    ring = (cv2.dilate(as_u8, np.ones((41, 41), np.uint8)) > 0) & ~near
    return laplacian_variance(result, inside) / laplacian_variance(source, ring)


def test_models_list_the_three_engines(server: ServerThread) -> None:
    ids = [m["id"] for m in httpx.get(server.base_url + "/models").json()["data"]]
    assert ids == ["patchmatch", "telea", "navier-stokes"]
    assert DEFAULT_MODEL == "patchmatch"


def test_omitted_model_means_patchmatch(server: ServerThread) -> None:
    rgb, region = wood(120, 160), ellipse(120, 160)
    [item] = edit(server, rgb, region)
    assert item["revised_prompt"].startswith(
        "Local engine (offline): filled the masked area with PatchMatch, patch size 3 px"
    )
    assert item["revised_prompt"].endswith("The prompt is not interpreted.")


@pytest.mark.parametrize("sample", ["wood", "coffee"])
def test_patchmatch_keeps_texture_where_telea_smears(server: ServerThread, sample: str) -> None:
    rgb, region = (wood(), ellipse()) if sample == "wood" else coffee()
    [patch] = edit(server, rgb, region, model="patchmatch")
    [telea] = edit(server, rgb, region, model="telea")
    kept = texture_ratio(rgb, pixels(patch), region)
    smeared = texture_ratio(rgb, pixels(telea), region)
    assert 0.5 <= kept <= 4.0, kept  # texture like the surroundings, not noise
    assert smeared < 0.5 and smeared < kept / 3, (smeared, kept)


def test_n_variants_differ_name_their_patch_size_and_keep_the_rest(server: ServerThread) -> None:
    rgb, region = wood(150, 200), ellipse(150, 200)
    data = edit(server, rgb, region, model="patchmatch", n="3")
    prompts = [item["revised_prompt"] for item in data]
    for prompt, size in zip(prompts, (3, 5, 3), strict=True):
        side = 2 * size + 1
        assert f"PatchMatch, patch size {size} px ({side}×{side} px patches" in prompt
    assert "searched on the image mirrored left–right for another random pass" in prompts[2]
    results = [pixels(item) for item in data]
    assert len({r.tobytes() for r in results}) == 3
    for result in results:
        assert np.array_equal(result[~region], rgb[~region])  # native size: exactly untouched
        assert not np.array_equal(result[region], rgb[region])


def test_ten_variants_are_distinct_and_say_how(server: ServerThread) -> None:
    rgb, region = wood(60, 80), ellipse(60, 80)
    small = np.zeros_like(region)
    small[20:40, 25:55] = True
    data = edit(server, rgb, small, model="patchmatch", n="10")
    prompts = [item["revised_prompt"] for item in data]
    assert len(set(prompts)) == 10
    assert all("PatchMatch, patch size" in p for p in prompts)
    assert "patch size 7 px (15×15 px patches" in prompts[8]
    assert len({pixels(item).tobytes() for item in data}) == 10


def test_rgba_transparent_pixels_are_never_copied(server: ServerThread) -> None:
    rgb, region = wood(120, 160), ellipse(120, 160)
    rgba = np.dstack([rgb, np.full(region.shape, 255, np.uint8)])
    rgba[:, :30] = (255, 0, 255, 0)  # a transparent, magenta-coloured band outside the mask
    files = [
        ("image", ("image.png", encode(Image.fromarray(rgba, "RGBA")), "image/png")),
        ("mask", ("mask.png", api_mask(region), "image/png")),
    ]
    response = httpx.post(server.base_url + "/images/edits", files=files, data={"prompt": "p"})
    out = np.asarray(decode_b64(response.json()["data"][0]["b64_json"]))
    assert np.array_equal(out[~region], rgba[~region])
    assert (out[region][:, 3] == 255).all()
    magenta = (out[:, :, 0] > 200) & (out[:, :, 1] < 40) & (out[:, :, 2] > 200)
    assert not magenta[region].any()


def _params(rgb: np.ndarray, region: np.ndarray, n: int) -> ReceivedEdit:
    return ReceivedEdit(
        prompt="p",
        images=(RawFile(encode(Image.fromarray(rgb)), "i.png", "image/png"),),
        mask=RawFile(api_mask(region), "m.png", "image/png"),
        model="patchmatch", n=n, size=None, quality="auto", response_format="b64_json",
        output_format="png", output_compression=100, background="auto", watermark=None,
        stream=False, extra={},
    )  # fmt: skip


def test_cancelled_before_start_does_no_work() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run_edit(_params(wood(), ellipse(), 10), max_pixels=10**8, cancel=cancel)


def test_cancel_mid_run_skips_the_remaining_variants() -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.05, cancel.set)
    timer.start()
    try:
        with pytest.raises(Cancelled):
            run_edit(_params(wood(), ellipse(), 10), max_pixels=10**8, cancel=cancel)
    finally:
        timer.cancel()
