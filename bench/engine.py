"""Engine latency vs raw cv2.inpaint, and PatchMatch vs Telea: time and texture (by hand).

cd /work/main && PYTHONPATH=. .venv/bin/python bench/engine.py [--quick]

The texture score is the Laplacian variance inside the fill (eroded 2 px) divided by that of the
untouched ring 4–20 px around it: 1.0 = as much fine detail as the surroundings, ≪ 1 = smeared,
≫ 1 = seams and noise. The brick and gravel textures need scikit-image (measuring only:
``.venv/bin/pip install scikit-image``); without it those rows are skipped.
"""

from __future__ import annotations

import contextlib
import io
import math
import statistics
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import cv2
import httpx
import numpy as np
from PIL import Image

from editor.server import ServerThread
from editor.server.editing import Cancelled, run_edit
from editor.server.engines import DEFAULT_MODEL, TELEA, Variant, inpaint
from editor.server.parsing import EditParams, RawFile
from editor.server.patchmatch_engine import (
    CONTEXT_FACTOR,
    DEFAULT_PATCH_SIZE,
    PATCH_SIZES,
    context_margin,
    patchmatch_fill,
)

WIDTH, HEIGHT, RUNS = 1536, 1024, 7
SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"
CONTEXTS: tuple[float | None, ...] = (0.25, 0.5, 1.0, 2.0, None)  # None = the whole frame
Case = tuple[str, np.ndarray, np.ndarray]  # name, RGB, region (255 = fill)


def best(fn: Callable[[], object], runs: int = RUNS) -> float:
    fn()  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def wood(height: int, width: int, seed: int = 0) -> np.ndarray:
    """Wood grain: warped, slightly curved rings plus fine streaks along them."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    warp = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 25)
    rings = np.sin((yy + 60 * warp + 1.2 * (xx - width / 2) ** 2 / width) / 3.5)
    fine = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 0.8)
    fine = cv2.resize(cv2.resize(fine, (width // 8, height)), (width, height))
    value = 0.55 + 0.18 * rings + 0.08 * fine
    rgb = np.stack([value * 200 + 30, value * 140 + 20, value * 80 + 10], axis=-1)
    return np.asarray(np.clip(rgb, 0, 255), dtype=np.uint8)


def ellipse(height: int, width: int, fraction: float = 0.06) -> np.ndarray:
    region = np.zeros((height, width), np.uint8)
    a = int(math.sqrt(fraction * height * width / math.pi * 1.6))
    cv2.ellipse(region, (width // 2, height // 2), (a, int(a / 1.6)), 15, 0, 360, 255, -1)
    return region


def cases(quick: bool) -> list[Case]:
    rgb = np.asarray(Image.open(SAMPLES / "coffee.png").convert("RGB")).copy()
    alpha = np.asarray(Image.open(SAMPLES / "coffee-mask.png"))[:, :, 3]
    spoon = np.where(alpha < 128, 255, 0).astype(np.uint8)
    found: list[Case] = [
        ("coffee 600x400", rgb, spoon),
        ("wood 600x400", wood(400, 600), ellipse(400, 600)),
    ]
    try:
        from skimage import data  # measuring only, not a dependency

        for name in ("brick", "gravel"):
            grey = getattr(data, name)()
            found.append((f"{name} 512x512", np.dstack([grey] * 3).copy(), ellipse(*grey.shape)))
    except ImportError:
        print("(scikit-image not installed: brick and gravel skipped)")
    if not quick:
        big = cv2.resize(rgb, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
        big_spoon = cv2.resize(spoon, (WIDTH, HEIGHT), interpolation=cv2.INTER_NEAREST)
        found.append((f"coffee upscaled {WIDTH}x{HEIGHT}", big, big_spoon))
        found.append((f"wood {WIDTH}x{HEIGHT}", wood(HEIGHT, WIDTH, 3), ellipse(HEIGHT, WIDTH)))
    return found


def texture_score(source: np.ndarray, result: np.ndarray, region: np.ndarray) -> float:
    def lap_var(rgb: np.ndarray, where: np.ndarray) -> float:
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
        return float(cv2.Laplacian(grey, cv2.CV_32F)[where].var())

    inside = cv2.erode(region, np.ones((5, 5), np.uint8)) > 0
    near = cv2.dilate(region, np.ones((7, 7), np.uint8)) > 0
    ring = (cv2.dilate(region, np.ones((41, 41), np.uint8)) > 0) & ~near
    return lap_var(result, inside) / lap_var(source, ring)


def patchmatch_at(
    rgb: np.ndarray, region: np.ndarray, size: int, factor: float | None
) -> np.ndarray:
    """PatchMatch on the crop the engine would use with context ``factor`` (None = frame)."""
    x, y, w, h = cv2.boundingRect(region)
    rows, cols = region.shape
    m = max(rows, cols) if factor is None else context_margin(w, h, factor) + size
    x0, y0, x1, y1 = max(0, x - m), max(0, y - m), min(cols, x + w + m), min(rows, y + h + m)
    out = rgb.copy()
    crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
    out[y0:y1, x0:x1] = patchmatch_fill(crop, np.ascontiguousarray(region[y0:y1, x0:x1]), size)
    return out


def timed(fn: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def patchmatch_vs_telea(quick: bool) -> None:
    print("\n== PatchMatch vs Telea: time (ms, 1 run) and texture score (1.0 = like the ring)")
    sweep: dict[tuple[int, float | None], list[tuple[float, float]]] = {}
    for name, rgb, region in cases(quick):
        _, _, w, h = cv2.boundingRect(region)
        print(f"{name}, mask {100 * (region > 0).mean():.1f} %, bbox {w}x{h}")
        telea_ms = best(partial(inpaint, rgb, region, Variant(TELEA, 3)), 3)
        telea = inpaint(rgb, region, Variant(TELEA, 3))
        telea_score = texture_score(rgb, telea, region)
        print(f"  Telea r=3 (crop):      {telea_ms:7.0f} ms  score {telea_score:5.2f}")
        for size in PATCH_SIZES:
            cells = []
            for factor in CONTEXTS:
                ms, out = timed(partial(patchmatch_at, rgb, region, size, factor))
                score = texture_score(rgb, out, region)
                sweep.setdefault((size, factor), []).append((ms, score))
                label = "frame" if factor is None else f"{factor:g}x"
                cells.append(f"{label} {ms:5.0f} ms {score:4.2f}")
            print(f"  PatchMatch p={size}: " + " | ".join(cells))
    print("\nSummary over the images: median time relative to p=3 on the whole frame, and the")
    print("median |log2 score| (0 = texture like the surroundings; 1 = half or double)")
    base = [ms for ms, _ in sweep[(3, None)]]
    for (size, factor), rows in sweep.items():
        rel = statistics.median(ms / b for (ms, _), b in zip(rows, base, strict=True))
        off = statistics.median(abs(math.log2(max(s, 1e-6))) for _, s in rows)
        label = "frame" if factor is None else f"{factor:g}x"
        print(f"  p={size} context {label:>5}: time {rel:4.2f}x  |log2 score| {off:4.2f}")
    print(
        f"Defaults in use: patch size {DEFAULT_PATCH_SIZE}, context {CONTEXT_FACTOR:g}x the mask's "
        "longer side on every side (editor/server/patchmatch_engine.py)"
    )


def params_for(rgb: np.ndarray, region: np.ndarray, model: str, n: int) -> EditParams:
    alpha = np.where(region > 0, 0, 255).astype(np.uint8)
    image_png, mask_png = io.BytesIO(), io.BytesIO()
    Image.fromarray(rgb).save(image_png, "PNG")
    Image.fromarray(np.dstack([np.zeros_like(rgb), alpha]), "RGBA").save(mask_png, "PNG")
    return EditParams(
        prompt="p",
        images=(RawFile(image_png.getvalue(), "i.png", "image/png"),),
        mask=RawFile(mask_png.getvalue(), "m.png", "image/png"),
        model=model, n=n, size=None, quality="auto", response_format="b64_json",
        output_format="png", output_compression=100, background="auto", watermark=None,
        stream=False, extra={},
    )  # fmt: skip


def variants_and_cancel() -> None:
    rgb, region = wood(HEIGHT, WIDTH, 3), ellipse(HEIGHT, WIDTH)
    print(f"\n== {DEFAULT_MODEL} variants on {WIDTH}x{HEIGHT} wood, 6 % mask (run_edit, 1 run)")
    singles = []
    for size in PATCH_SIZES:
        ms, _ = timed(partial(patchmatch_at, rgb, region, size, CONTEXT_FACTOR))
        singles.append(ms)
        print(f"  p={size} alone: {ms:6.0f} ms")
    params = params_for(rgb, region, DEFAULT_MODEL, 3)
    ms, _ = timed(lambda: (run_edit(params, max_pixels=10**8), rgb)[1])
    print(f"  n=3 (p=3, 5, 7) run_edit on the thread pool: {ms:6.0f} ms (fills alone sum to "
          f"{sum(singles):.0f} ms; decode/encode included)")  # fmt: skip
    cancel = threading.Event()
    many = params_for(rgb, region, DEFAULT_MODEL, 10)
    timer = threading.Timer(0.3, cancel.set)
    started = time.perf_counter()
    timer.start()
    with contextlib.suppress(Cancelled):
        run_edit(many, max_pixels=10**8, cancel=cancel)
    ms = (time.perf_counter() - started) * 1000
    print(
        f"  n=10 cancelled after 0.3 s: returned after {ms:.0f} ms "
        "(the fills already running finish, the rest are skipped)"
    )


def telea_inputs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    rgb = np.stack([xx * 255 // WIDTH, yy * 255 // HEIGHT, (xx + yy) % 256], -1).astype(np.uint8)
    noisy = rgb + rng.integers(0, 40, rgb.shape, dtype=np.uint8)
    rgb = np.asarray(cv2.GaussianBlur(noisy, (5, 5), 0), dtype=np.uint8)
    region = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.ellipse(region, (700, 500), (220, 130), 0, 0, 360, 255, -1)
    return rgb, region


def measure_telea(rgb: np.ndarray, region: np.ndarray, runs: int = RUNS) -> dict[str, float]:
    """Median ms of: raw cv2.inpaint on the full frame (the peer), the engine's inpaint (crop),
    run_edit (decode + fill + encode) and one HTTP request to a ServerThread (multipart in,
    b64 PNG out)."""
    raw = best(lambda: cv2.inpaint(rgb, region, 3.0, cv2.INPAINT_TELEA), runs)
    crop = best(lambda: inpaint(rgb, region, Variant(TELEA, 3)), runs)
    params = params_for(rgb, region, "telea", 1)
    whole = best(lambda: run_edit(params, max_pixels=100_000_000), runs)
    assert params.mask is not None
    with ServerThread() as server, httpx.Client(timeout=60) as http:
        files = [
            ("image", ("i.png", params.images[0].data, "image/png")),
            ("mask", ("m.png", params.mask.data, "image/png")),
        ]

        def request() -> None:
            r = http.post(
                server.base_url + "/images/edits",
                files=files,
                data={"prompt": "p", "model": "telea"},
            )
            r.raise_for_status()

        http_ms = best(request, runs)
    return {"raw_ms": raw, "engine_ms": crop, "run_edit_ms": whole, "http_ms": http_ms}


def measure_patchmatch_vs_telea(runs: int = 3) -> dict[str, float]:
    """Median ms of the default PatchMatch fill (p=3, the engine's context crop) and of the
    engine's Telea, on 1536x1024 wood with a 6 % mask."""
    rgb, region = wood(HEIGHT, WIDTH, 3), ellipse(HEIGHT, WIDTH)
    pm = best(partial(patchmatch_at, rgb, region, DEFAULT_PATCH_SIZE, CONTEXT_FACTOR), runs)
    telea = best(partial(inpaint, rgb, region, Variant(TELEA, 3)), runs)
    return {"patchmatch_ms": pm, "telea_ms": telea}


def telea_latency() -> None:
    rgb, region = telea_inputs()
    print(f"== Telea: {WIDTH}x{HEIGHT}, mask {100 * (region > 0).mean():.1f} %, median of {RUNS}")
    f = measure_telea(rgb, region)
    raw, crop, whole, http_ms = f["raw_ms"], f["engine_ms"], f["run_edit_ms"], f["http_ms"]
    print(f"raw cv2.inpaint full frame (Telea r=3): {raw:7.1f} ms")
    print(f"engine inpaint (crop):                  {crop:7.1f} ms  ({crop / raw:.2f}x raw)")
    for radius in (7, 15):
        raw_r = best(partial(cv2.inpaint, rgb, region, float(radius), cv2.INPAINT_TELEA))
        crop_r = best(partial(inpaint, rgb, region, Variant(TELEA, radius)))
        print(
            f"  r={radius}: raw {raw_r:.1f} ms, engine crop {crop_r:.1f} ms ({crop_r / raw_r:.2f}x)"
        )
    print(f"run_edit (decode+fill+encode png):      {whole:7.1f} ms  ({whole / raw:.2f}x raw)")
    print(f"HTTP request (multipart, b64 response): {http_ms:7.1f} ms  ({http_ms / raw:.2f}x raw)")


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    telea_latency()
    patchmatch_vs_telea(quick)
    if not quick:
        variants_and_cancel()


if __name__ == "__main__":
    main()
