"""task.cancel() at any point: CancelledError within ~1 s, the connection is released, and the
same client works for the next request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

from editor.client import EditsClient, Progress
from editor.core.request import ImageInput

from .conftest import active_connections, add_fault, endpoint_for, make_request

pytestmark = pytest.mark.asyncio

BIG = 48 * 1024 * 1024  # more than loopback socket buffers hold


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


async def cancel_and_check(client: EditsClient, task: asyncio.Task[Any]) -> None:
    task.cancel()
    # Cancelling ends the request at once, though the service would stall for seconds more.
    done, _ = await asyncio.wait({task}, timeout=2.0)
    assert done == {task} and task.cancelled()
    await asyncio.sleep(0)  # let the pool finish its bookkeeping
    assert active_connections(client) == []
    result = await client.edit(make_request())  # the same client still works
    assert len(result.images) == 1


async def test_cancel_mid_upload(server: Any) -> None:
    add_fault(server, kind="upload_stall", after_bytes=1024, seconds=3)
    big = ImageInput(b"\x89PNG\r\n\x1a\n" + bytes(BIG), "image/png", "huge.png")
    seen: list[Progress] = []
    async with EditsClient(endpoint_for(server)) as client:
        task = asyncio.create_task(
            client.edit(make_request(images=(big,)), on_progress=seen.append)
        )
        await wait_for(lambda: any(p.phase == "upload" and p.done > 0 for p in seen))
        await asyncio.sleep(0.3)  # the stall is real: the upload stops short
        uploads = [p for p in seen if p.phase == "upload"]
        assert uploads[-1].done < (uploads[-1].total or 0)
        await cancel_and_check(client, task)


async def test_cancel_while_waiting(server: Any) -> None:
    add_fault(server, kind="delay", seconds=3)
    seen: list[Progress] = []
    async with EditsClient(endpoint_for(server)) as client:
        task = asyncio.create_task(client.edit(make_request(), on_progress=seen.append))
        await wait_for(lambda: any(p.phase == "waiting" for p in seen))
        await cancel_and_check(client, task)


async def test_cancel_mid_download(server: Any) -> None:
    add_fault(server, kind="trickle", bytes_per_chunk=64, interval=0.05)
    seen: list[Progress] = []
    async with EditsClient(endpoint_for(server)) as client:
        task = asyncio.create_task(client.edit(make_request(), on_progress=seen.append))
        await wait_for(lambda: any(p.phase == "download" and p.done > 0 for p in seen))
        await cancel_and_check(client, task)


async def test_cancel_during_retry_sleep(server: Any) -> None:
    add_fault(server, kind="status", status=503, headers={"retry-after": "30"})
    seen: list[Progress] = []
    async with EditsClient(endpoint_for(server)) as client:
        task = asyncio.create_task(client.edit(make_request(), on_progress=seen.append))
        await wait_for(lambda: any(p.phase == "retry" for p in seen))
        assert [p.retry_in for p in seen if p.phase == "retry"] == [30.0]
        await cancel_and_check(client, task)
