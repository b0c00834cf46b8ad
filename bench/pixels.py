"""Pixel hot paths: request bytes before upload, and taking a variant back into a 24 MP original.

Run: .venv/bin/python bench/pixels.py [--runs N]. A bench runner can import
measure_request_bytes() and measure_composite(); both return {label: {"median_ms", "p95_ms"}}.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable without install

from editor.core.composite import take_variant
from editor.core.imageio import encode_png, mask_to_api_png
from editor.core.models import model_spec
from editor.core.sizing import apply_plan, apply_plan_to_mask, plan_for

Stats = dict[str, float]
MASK_FRACTIONS = (0.01, 0.06, 0.30)


def photo_like(w: int, h: int, seed: int = 0) -> np.ndarray:
    """Smooth colour gradients and blobs plus sensor-like noise: compresses like a photo."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (max(2, h // 200), max(2, w // 200), 3), dtype=np.uint8)
    base = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.int16)
    yy = np.linspace(0, 60, h, dtype=np.float32)[:, None]
    xx = np.linspace(0, 40, w, dtype=np.float32)[None, :]
    base += (yy + xx).astype(np.int16)[:, :, None]
    base += rng.normal(0, 4, (h, w, 3)).astype(np.int16)
    return np.clip(base, 0, 255).astype(np.uint8)


def blob_mask(w: int, h: int, fraction: float) -> np.ndarray:
    """An ellipse (3:2) covering ``fraction`` of the picture, off centre like a real edit."""
    edit = np.zeros((h, w), np.uint8)
    area = fraction * w * h
    ry = int(np.sqrt(area / (np.pi * 1.5)))
    rx = int(ry * 1.5)
    cv2.ellipse(edit, (int(w * 0.45), int(h * 0.55)), (rx, ry), 0, 0, 360, 255, -1)
    return edit


def _stats(fn: Callable[[], object], runs: int) -> Stats:
    fn()  # warm-up: first-touch page faults and lazy imports are not the steady state
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1)}


def _request_bytes(img: np.ndarray, edit: np.ndarray, model: str) -> tuple[bytes, bytes]:
    plan = plan_for((img.shape[1], img.shape[0]), model_spec(model))
    image = encode_png(apply_plan(img, plan))
    mask = mask_to_api_png(apply_plan_to_mask(edit, plan))
    return image, mask


def _pillow_floor(img: np.ndarray, size: tuple[int, int]) -> bytes:
    im = Image.fromarray(img)
    if im.size != size:
        im = im.resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def measure_request_bytes(runs: int = 7, model: str = "gpt-image-1") -> dict[str, Stats]:
    """(a) plan + apply_plan + apply_plan_to_mask + encode_png + mask_to_api_png, per source,
    next to the bare Pillow LANCZOS resize + PNG encode of the same image."""
    out: dict[str, Stats] = {}
    for w, h in ((6000, 4000), (1536, 1024)):
        img = photo_like(w, h)
        edit = blob_mask(w, h, 0.06)
        target = plan_for((w, h), model_spec(model)).target_size
        out[f"request {w}x{h} -> {target[0]}x{target[1]} ({model})"] = _stats(
            lambda img=img, edit=edit: _request_bytes(img, edit, model), runs
        )
        out[f"pillow floor {w}x{h} resize+png"] = _stats(
            lambda img=img, target=target: _pillow_floor(img, target), runs
        )
    return out


def measure_composite(runs: int = 7, model: str = "gpt-image-1") -> dict[str, Stats]:
    """(b) take_variant of one 1536x1024 variant into a 6000x4000 original per mask size."""
    w, h = 6000, 4000
    original = photo_like(w, h)
    plan = plan_for((w, h), model_spec(model))
    variant = photo_like(*plan.target_size, seed=1)
    out: dict[str, Stats] = {}
    for fraction in MASK_FRACTIONS:
        edit = blob_mask(w, h, fraction)
        out[f"take_variant 24MP, mask {fraction:.0%}"] = _stats(
            lambda edit=edit: take_variant(original, variant, plan, edit), runs
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print(f"opencv threads: {cv2.getNumThreads()}, runs: {args.runs}")
    for title, results in (
        ("(a) request bytes", measure_request_bytes(args.runs)),
        ("(b) take variant", measure_composite(args.runs)),
    ):
        print(title)
        for label, s in results.items():
            print(f"  {label:<52} median {s['median_ms']:7.1f} ms   p95 {s['p95_ms']:7.1f} ms")


if __name__ == "__main__":
    main()
