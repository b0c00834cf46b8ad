"""30 jobs through the client, successes and faults mixed: no file descriptor, no asyncio task
left behind (bench/soak.py measures RSS over 200; memory is a number, not a test)."""

from __future__ import annotations

import asyncio
import gc
import io
import os
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from editor.client import EditError, EditsClient, Endpoint
from editor.core.request import EditRequest, ImageInput
from editor.server import ServerThread

pytestmark = pytest.mark.asyncio

FD_DIR = Path("/proc/self/fd")


def _fds() -> int:
    return len(os.listdir(FD_DIR))


def _request(response_format: str | None) -> EditRequest:
    rgb = np.random.default_rng(2).integers(0, 255, (48, 64, 3), dtype=np.uint8)
    alpha = np.full((48, 64), 255, np.uint8)
    alpha[10:30, 20:40] = 0
    image, mask = io.BytesIO(), io.BytesIO()
    Image.fromarray(rgb).save(image, "PNG")
    Image.fromarray(np.dstack([np.zeros_like(rgb), alpha]), "RGBA").save(mask, "PNG")
    return EditRequest(
        prompt="leak check",
        images=(ImageInput(data=image.getvalue()),),
        mask=ImageInput(data=mask.getvalue(), filename="mask.png"),
        model="telea",
        response_format=response_format,  # type: ignore[arg-type]
    )


FAULTS: list[dict[str, object] | None] = [
    None,
    {"kind": "status", "status": 500},
    {"kind": "drop"},
    {"kind": "delay", "seconds": 1.0},  # past the 0.3 s timeout
    {"kind": "garbage", "body": "{not json"},
    None,
]


@pytest.mark.skipif(not FD_DIR.is_dir(), reason="counts descriptors through /proc")
async def test_thirty_jobs_leave_no_descriptor_and_no_task(server: ServerThread) -> None:
    endpoint = Endpoint(base_url=server.base_url, max_retries=0, timeout=0.3 * 10)
    short = endpoint.with_(timeout=0.3)

    async def one(i: int) -> bool:
        fault = FAULTS[i % len(FAULTS)]
        if fault is not None:
            async with httpx.AsyncClient() as http:
                (await http.post(f"{server.origin}/_test/faults", json=fault)).raise_for_status()
        use = short if fault is not None and fault["kind"] == "delay" else endpoint
        async with EditsClient(use) as client:  # a client per job, as the window makes them
            try:
                await client.edit(_request("url" if i % 2 else None))
            except EditError:
                return False
        return True

    await one(0)  # warm up: imports, the server's first connection
    gc.collect()
    fds, tasks = _fds(), len(asyncio.all_tasks())
    results = [await one(i) for i in range(30)]
    assert results.count(True) == 10 and results.count(False) == 20
    await asyncio.sleep(0)
    gc.collect()
    assert len(asyncio.all_tasks()) == tasks
    # The server runs in this process: its side of a timed-out request stays open until its
    # injected delay ends. Give it that long; a leaked descriptor never comes back.
    for _ in range(50):
        if _fds() <= fds:
            break
        await asyncio.sleep(0.1)
        gc.collect()
    # Fewer is no leak: a descriptor an earlier test left (a pooled connection) may close now.
    assert _fds() <= fds
