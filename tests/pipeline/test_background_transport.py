"""The embedded engine runs beside the caller's loop, never on it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import httpx
import pytest

from editor.pipeline.asgi_stream import StreamingASGITransport
from editor.pipeline.background_transport import BackgroundLoopTransport


def _app(release: threading.Event, cancelled: threading.Event):  # type: ignore[no-untyped-def]
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["path"] == "/block":
            # Blocking on purpose, as CPU work would: on the caller's loop nothing could set it.
            answer = b"released" if release.wait(5) else b"loop was blocked"
        else:
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                cancelled.set()
                raise
            answer = b"slept"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": answer})

    return app


@pytest.mark.asyncio
async def test_blocking_work_in_the_app_leaves_the_callers_loop_free() -> None:
    release, cancelled = threading.Event(), threading.Event()
    transport = BackgroundLoopTransport(StreamingASGITransport(_app(release, cancelled)))
    async with httpx.AsyncClient(transport=transport, base_url="http://engine") as client:

        async def release_soon() -> None:
            await asyncio.sleep(0.05)
            release.set()

        response, _ = await asyncio.gather(client.get("/block"), release_soon())
    assert response.text == "released"


@pytest.mark.asyncio
async def test_cancelling_the_caller_cancels_the_request_in_the_app() -> None:
    release, cancelled = threading.Event(), threading.Event()
    transport = BackgroundLoopTransport(StreamingASGITransport(_app(release, cancelled)))
    async with httpx.AsyncClient(transport=transport, base_url="http://engine") as client:
        task = asyncio.create_task(client.get("/sleep"))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.to_thread(cancelled.wait, 5)


@pytest.mark.asyncio
async def test_closing_the_client_stops_the_engine_thread() -> None:
    transport = BackgroundLoopTransport(
        StreamingASGITransport(_app(threading.Event(), threading.Event())), name="engine-under-test"
    )
    assert "engine-under-test" in {t.name for t in threading.enumerate()}
    async with httpx.AsyncClient(transport=transport, base_url="http://engine"):
        pass
    assert "engine-under-test" not in {t.name for t in threading.enumerate()}


@pytest.mark.asyncio
async def test_a_large_upload_is_taken_a_chunk_per_loop_turn() -> None:
    body = bytes(range(256)) * 40_000  # 10 MB, as a 24 MP crop's PNG
    received = bytearray()

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        while True:
            message = await receive()
            received.extend(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    turns = 0
    turn_at_chunk: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 65_536):
            turn_at_chunk.append(turns)
            yield body[start : start + 65_536]

    async def count_turns() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    counter = asyncio.create_task(count_turns())
    transport = BackgroundLoopTransport(StreamingASGITransport(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://engine") as client:
        answer = await client.post("/", content=chunks())
    counter.cancel()
    assert answer.text == "ok" and bytes(received) == body
    # Other work on the caller's loop ran between one chunk and the next.
    assert len(turn_at_chunk) == -(-len(body) // 65_536)
    assert turn_at_chunk == sorted(set(turn_at_chunk)), turn_at_chunk[:10]
