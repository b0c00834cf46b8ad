"""Engine latency vs raw cv2.inpaint (not a test; run by hand).

cd /work/main && PYTHONPATH=. .venv/bin/python bench/engine.py
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

import cv2
import httpx
import numpy as np
from PIL import Image

from editor.server import ServerThread
from editor.server.editing import run_edit
from editor.server.engines import DEFAULT_MODEL, ENGINES, Variant, inpaint
from editor.server.parsing import EditParams, RawFile

WIDTH, HEIGHT, RUNS = 1536, 1024, 7


def best(fn: Callable[[], object]) -> float:
    fn()  # warm up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    rgb = np.stack([xx * 255 // WIDTH, yy * 255 // HEIGHT, (xx + yy) % 256], -1).astype(np.uint8)
    rgb = cv2.GaussianBlur(rgb + rng.integers(0, 40, rgb.shape, dtype=np.uint8), (5, 5), 0)
    region = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.ellipse(region, (700, 500), (220, 130), 0, 0, 360, 255, -1)
    alpha = np.where(region > 0, 0, 255).astype(np.uint8)
    image_png, mask_png = io.BytesIO(), io.BytesIO()
    Image.fromarray(rgb).save(image_png, "PNG")
    # An editor's mask: black with the painted area transparent.
    Image.fromarray(np.dstack([np.zeros_like(rgb), alpha]), "RGBA").save(mask_png, "PNG")
    print(f"{WIDTH}x{HEIGHT}, mask {100 * (region > 0).mean():.1f} %, median of {RUNS}")

    engine = ENGINES[DEFAULT_MODEL]
    raw = best(lambda: cv2.inpaint(rgb, region, 3.0, cv2.INPAINT_TELEA))
    crop = best(lambda: inpaint(rgb, region, Variant(engine, 3)))
    params = EditParams(
        prompt="p",
        images=(RawFile(image_png.getvalue(), "i.png", "image/png"),),
        mask=RawFile(mask_png.getvalue(), "m.png", "image/png"),
        model=DEFAULT_MODEL, n=1, size=None, quality="auto", response_format="b64_json",
        output_format="png", output_compression=100, background="auto", watermark=None,
        stream=False, extra={},
    )  # fmt: skip
    whole = best(lambda: run_edit(params, max_pixels=100_000_000))
    with ServerThread() as server, httpx.Client(timeout=60) as http:
        files = [
            ("image", ("i.png", image_png.getvalue(), "image/png")),
            ("mask", ("m.png", mask_png.getvalue(), "image/png")),
        ]

        def request() -> None:
            r = http.post(server.base_url + "/images/edits", files=files, data={"prompt": "p"})
            r.raise_for_status()

        http_ms = best(request)
    print(f"raw cv2.inpaint full frame (Telea r=3): {raw:7.1f} ms")
    print(f"engine inpaint (crop):                  {crop:7.1f} ms  ({crop / raw:.2f}x raw)")
    for radius in (7, 15):
        raw_r = best(lambda r=radius: cv2.inpaint(rgb, region, float(r), cv2.INPAINT_TELEA))
        crop_r = best(lambda r=radius: inpaint(rgb, region, Variant(engine, r)))
        print(
            f"  r={radius}: raw {raw_r:.1f} ms, engine crop {crop_r:.1f} ms ({crop_r / raw_r:.2f}x)"
        )
    print(f"run_edit (decode+fill+encode png):      {whole:7.1f} ms  ({whole / raw:.2f}x raw)")
    print(f"HTTP request (multipart, b64 response): {http_ms:7.1f} ms  ({http_ms / raw:.2f}x raw)")


if __name__ == "__main__":
    main()
