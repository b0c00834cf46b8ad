"""Streaming and fan-out figures on the local server (a real socket, patchmatch).

- time to the first preview vs time to the final image with ``stream=true`` (1536×1024, a 6 %
  mask, partial_images 1–3; the final of a streamed request also pays for its previews), and
  the same request without streaming for reference;
- wall time of n=4 as fan-out (four n=1 requests, concurrency 4) vs the same four requests one
  after another (concurrency 1), and vs one n=4 request.

Run: ``.venv/bin/python -m bench.streaming [--runs 3]``. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import numpy as np

from editor.client import EditsClient, Endpoint
from editor.core.imageio import encode_png, mask_to_api_png
from editor.core.request import EditRequest, ImageInput
from editor.pipeline import ApiOptions, EditParams, send_round
from editor.server import ServerThread

W, H = 1536, 1024


def scene() -> tuple[np.ndarray, np.ndarray]:
    """A textured frame and a 6 % mask (a box in the middle)."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    rng = np.random.default_rng(3)
    base = 128 + 60 * np.sin(x / 23.0) * np.cos(y / 31.0)
    rgb = np.stack([base, base * 0.8 + 30, 200 - base * 0.5], axis=-1)
    rgb += rng.normal(0, 12, rgb.shape)
    pixels = np.clip(rgb, 0, 255).astype(np.uint8)
    side_w, side_h = round(W * 0.245), round(H * 0.245)  # 0.245² ≈ 6 % of the frame
    edit = np.zeros((H, W), np.uint8)
    x0, y0 = (W - side_w) // 2, (H - side_h) // 2
    edit[y0 : y0 + side_h, x0 : x0 + side_w] = 255
    return pixels, edit


async def stream_once(client: EditsClient, request: EditRequest) -> tuple[float | None, float]:
    started = time.perf_counter()
    first: list[float] = []

    def on_partial(_: object) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    await client.edit(request, on_partial=on_partial)
    return (first[0] if first else None), time.perf_counter() - started


async def main(runs: int) -> dict[str, object]:
    pixels, edit = scene()
    base = EditRequest(
        prompt="fill",
        images=(ImageInput(encode_png(pixels)),),
        mask=ImageInput(mask_to_api_png(edit), filename="mask.png"),
        model="patchmatch",
    )
    figures: dict[str, object] = {"size": f"{W}x{H}", "mask_fraction": float(edit.mean() / 255)}
    with ServerThread(token=None) as server:
        endpoint = Endpoint(base_url=server.base_url, max_retries=0, timeout=600)
        async with EditsClient(endpoint) as client:
            await client.edit(base)  # warm-up
            plain = []
            for _ in range(runs):
                t = time.perf_counter()
                await client.edit(base)
                plain.append(time.perf_counter() - t)
            figures["no_stream_final_s"] = statistics.median(plain)
            for partials in (1, 2, 3):
                request = EditRequest(
                    **{**_fields(base), "stream": True, "partial_images": partials}
                )
                firsts, finals = [], []
                for _ in range(runs):
                    first, final = await stream_once(client, request)
                    assert first is not None
                    firsts.append(first)
                    finals.append(final)
                figures[f"stream_p{partials}_first_preview_s"] = statistics.median(firsts)
                figures[f"stream_p{partials}_final_s"] = statistics.median(finals)

        params = EditParams(ApiOptions(prompt="fill", model="patchmatch", n=4))
        for label, per_request, concurrency in (
            ("fanout_c4", 1, 4),
            ("sequential_c1", 1, 1),
            ("single_request_n4", 4, 1),
        ):
            times = []
            for _ in range(runs):
                async with EditsClient(endpoint) as client:
                    t = time.perf_counter()
                    outcome = await send_round(
                        client,
                        pixels,
                        edit,
                        params,
                        max_n_per_request=per_request,
                        concurrency=concurrency,
                    )
                    times.append(time.perf_counter() - t)
                    assert len(outcome.variants) == 4
            figures[f"n4_{label}_s"] = statistics.median(times)
    return figures


def _fields(request: EditRequest) -> dict[str, object]:
    return {name: getattr(request, name) for name in request.__dataclass_fields__}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = asyncio.run(main(args.runs))
    for key, value in result.items():
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{key:36} {shown}")
    print("BENCH-RESULT " + json.dumps(result))
