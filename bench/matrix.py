"""X1/X2 helper: a 3×2 prompt matrix against one round on 24 MP, and compositing three
regions against one.

    python -m bench.matrix

X1: from the call to every request's bytes sent, with ``serve`` in its own process answering
each request at once (a 503 once the body is read, no retries): what the client does before a
service starts working. X2: combining three regions' variants into a 24 MP frame against one.
Prints its figures as one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from statistics import median

import httpx
import numpy as np

from bench._common import MARK
from editor.client import EditError, EditsClient, Endpoint
from editor.core.params import ApiOptions, EditParams
from editor.core.regions import combine_variants
from editor.pipeline import send_prompts, send_round

ROOT = Path(__file__).resolve().parents[1]
W, H = 6000, 4000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _photo() -> tuple[np.ndarray, np.ndarray]:
    y, x = np.mgrid[0:H, 0:W]
    pixels = np.stack([x * 255 // W, y * 255 // H, (x ^ y) & 255], axis=-1).astype(np.uint8)
    mask = np.zeros((H, W), np.uint8)
    mask[1500:2500, 2000:3500] = 255
    return pixels, mask


async def _timed(port: int, pixels: np.ndarray, mask: np.ndarray, prompts: list[str]) -> float:
    endpoint = Endpoint(base_url=f"http://127.0.0.1:{port}/v1", api_key=None, max_retries=0)
    params = EditParams(ApiOptions("x", model="gpt-image-2", n=2), context="whole")
    async with EditsClient(endpoint) as client:
        started = time.perf_counter()
        try:
            if len(prompts) == 1:
                asked = replace(params, api=replace(params.api, prompt=prompts[0]))
                await send_round(client, pixels, mask, asked)
            else:
                await send_prompts(client, pixels, mask, params, prompts)
        except EditError:
            pass  # every request answered 503 once its body was in: what was timed is done
        return time.perf_counter() - started


def main() -> int:
    pixels, mask = _photo()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "editor", "serve", "--port", str(port), "--enable-faults"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        origin = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{origin}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        fault = {"kind": "status", "status": 503, "times": 1000}
        httpx.post(f"{origin}/_test/faults", json=fault, timeout=5).raise_for_status()
        single, matrix = [], []
        for _ in range(3):
            single.append(asyncio.run(_timed(port, pixels, mask, ["a red door"])))
            three = ["a red door", "a blue door", "a green door"]
            matrix.append(asyncio.run(_timed(port, pixels, mask, three)))
        log = httpx.get(f"{origin}/_test/requests", timeout=30).json()
        sent_mb = sum(e["body_bytes"] for e in log[-3:]) / 1e6
    finally:
        server.terminate()
        server.wait(10)

    rng = np.random.default_rng(0)
    variants = []
    for box in ((500, 500), (1500, 2500), (2800, 4500)):
        v = pixels.copy()
        y, x = box
        v[y : y + 600, x : x + 900] = rng.integers(0, 256, (600, 900, 3), dtype=np.uint8)
        variants.append(v)
    one, three_r = [], []
    for _ in range(3):
        t = time.perf_counter()
        combine_variants(pixels, variants[:1])
        one.append(time.perf_counter() - t)
        t = time.perf_counter()
        combine_variants(pixels, variants)
        three_r.append(time.perf_counter() - t)
    print(
        MARK
        + json.dumps(
            {
                "single_s": median(single),
                "matrix_s": median(matrix),
                "matrix_mb": sent_mb,
                "requests": 3,
                "one_region_s": median(one),
                "three_regions_s": median(three_r),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
