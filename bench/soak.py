"""Soak: many edit jobs in a row through the client against the local server on loopback.

    .venv/bin/python bench/soak.py [--jobs 200]

Reports RSS growth, open file descriptors and pending asyncio tasks before and after
(goal: RSS growth <= 50 MB, 0 leaked descriptors, 0 leaked tasks). Bounded: stops after --jobs.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import socket
import subprocess
import sys
import time

import numpy as np
from PIL import Image

from editor.client import EditsClient, Endpoint
from editor.core.request import EditRequest, ImageInput


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _request() -> EditRequest:
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 255, (384, 512, 3), dtype=np.uint8)
    alpha = np.full((384, 512), 255, np.uint8)
    alpha[150:230, 200:320] = 0
    image, mask = io.BytesIO(), io.BytesIO()
    Image.fromarray(rgb).save(image, "PNG")
    Image.fromarray(np.dstack([np.zeros_like(rgb), alpha]), "RGBA").save(mask, "PNG")
    return EditRequest(
        prompt="soak",
        images=(ImageInput(data=image.getvalue()),),
        mask=ImageInput(data=mask.getvalue(), filename="mask.png"),
        model="telea",
        n=2,
        response_format="url",
    )


async def _soak(base_url: str, jobs: int) -> dict[str, float]:
    request = _request()
    async with EditsClient(Endpoint(base_url=base_url, max_retries=0)) as client:
        for _ in range(5):  # warm up allocators and the connection pool
            await client.edit(request)
        gc.collect()
        before = {"rss": _rss_mb(), "fds": _fds(), "tasks": len(asyncio.all_tasks())}
        started = time.perf_counter()
        for _ in range(jobs):
            result = await client.edit(request)
            assert len(result.images) == 2
        elapsed = time.perf_counter() - started
        gc.collect()
        after = {"rss": _rss_mb(), "fds": _fds(), "tasks": len(asyncio.all_tasks())}
    return {
        "jobs": jobs,
        "seconds": elapsed,
        "rss_before_mb": before["rss"],
        "rss_after_mb": after["rss"],
        "rss_growth_mb": after["rss"] - before["rss"],
        "fds_leaked": after["fds"] - before["fds"],
        "tasks_leaked": after["tasks"] - before["tasks"],
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(jobs: int = 200) -> dict[str, float]:
    # The server runs in its own process so its bounded result cache is not counted as ours.
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "editor", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return asyncio.run(_soak(f"http://127.0.0.1:{port}/v1", jobs))
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    figures = measure(parser.parse_args().jobs)
    print(
        f"{figures['jobs']} jobs (n=2, url results) in {figures['seconds']:.1f} s; "
        f"RSS {figures['rss_before_mb']:.0f} -> {figures['rss_after_mb']:.0f} MB "
        f"(growth {figures['rss_growth_mb']:+.1f} MB, goal <= 50); "
        f"fds leaked {figures['fds_leaked']}, tasks leaked {figures['tasks_leaked']} (goal 0)"
    )


if __name__ == "__main__":
    main()
