"""Our edits client vs the official openai package, same local server, same request.

    .venv/bin/python bench/client_vs_openai.py [--rounds N]

Alternates A B A B so drift on a shared machine hits both sides alike. Both talk to one local
server on 127.0.0.1; both do the full round trip: encode the body, send, wait, parse and
decode b64_json.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import statistics
import time
from importlib.metadata import version

import cv2
import numpy as np
from PIL import Image

from editor.client import ApiKey, EditsClient, Endpoint
from editor.core.request import EditRequest, ImageInput
from editor.server import ServerThread

WIDTH, HEIGHT = 1536, 1024


def _inputs(width: int, height: int) -> tuple[bytes, bytes]:
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:height, 0:width]
    rgb = np.stack([xx * 255 // width, yy * 255 // height, (xx + yy) % 256], -1).astype(np.uint8)
    rgb = cv2.GaussianBlur(rgb + rng.integers(0, 40, rgb.shape, dtype=np.uint8), (5, 5), 0)
    alpha = np.full((height, width), 255, np.uint8)
    center, axes = (width * 700 // WIDTH, height * 500 // HEIGHT), (width // 7, height // 8)
    cv2.ellipse(alpha, center, axes, 0, 0, 360, 0, -1)  # ~6 % of the frame
    image, mask = io.BytesIO(), io.BytesIO()
    Image.fromarray(rgb).save(image, "PNG", compress_level=1)
    Image.fromarray(np.dstack([np.zeros_like(rgb), alpha]), "RGBA").save(mask, "PNG")
    return image.getvalue(), mask.getvalue()


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {1000 * statistics.median(samples):7.1f} ms   p95 {1000 * p95:7.1f} ms"


async def _run(base_url: str, rounds: int, size: tuple[int, int]) -> dict[str, list[float]]:
    from openai import AsyncOpenAI

    image, mask = _inputs(*size)
    ours = EditsClient(Endpoint(base_url=base_url, api_key=ApiKey("sk-bench"), max_retries=0))
    theirs = AsyncOpenAI(base_url=base_url, api_key="sk-bench", max_retries=0)
    request = EditRequest(
        prompt="fill",
        images=(ImageInput(data=image, filename="image.png"),),
        mask=ImageInput(data=mask, filename="mask.png"),
        model="telea",
        n=1,
    )

    async def ours_once() -> None:
        result = await ours.edit(request)
        assert result.images[0].data

    async def theirs_once() -> None:
        result = await theirs.images.edit(
            image=("image.png", image, "image/png"),
            mask=("mask.png", mask, "image/png"),
            prompt="fill",
            model="telea",
            n=1,
        )
        # Ours hands back decoded bytes; a caller of openai must decode to use the image.
        assert result.data and base64.b64decode(result.data[0].b64_json or "")

    times: dict[str, list[float]] = {"ours": [], "openai": []}
    for fn in (ours_once, theirs_once):  # warm both connections and code paths
        await fn()
    for _ in range(rounds):
        for name, fn in (("ours", ours_once), ("openai", theirs_once)):
            started = time.perf_counter()
            await fn()
            times[name].append(time.perf_counter() - started)
    await ours.aclose()
    await theirs.close()
    return times


def measure(rounds: int = 15, size: tuple[int, int] = (WIDTH, HEIGHT)) -> dict[str, float | str]:
    with ServerThread() as server:
        times = asyncio.run(_run(server.base_url, rounds, size))
    ours, theirs = statistics.median(times["ours"]), statistics.median(times["openai"])
    return {
        "ours_median_s": ours,
        "openai_median_s": theirs,
        "ratio": ours / theirs,
        "openai_version": version("openai"),
        "httpx_version": version("httpx"),
        "_ours": _stats(times["ours"]),
        "_openai": _stats(times["openai"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    # The small frame isolates the clients' own cost; the large one is a real upload.
    for size in ((256, 256), (WIDTH, HEIGHT)):
        figures = measure(rounds, size)
        print(f"{size[0]}x{size[1]} PNG + mask, model telea, n=1, {rounds} rounds alternating")
        print(f"  ours (httpx {figures['httpx_version']}):    {figures['_ours']}")
        print(f"  openai {figures['openai_version']} (httpx2): {figures['_openai']}")
        print(f"  ratio ours/openai: {figures['ratio']:.2f}  (goal <= 1.0)")


if __name__ == "__main__":
    main()
