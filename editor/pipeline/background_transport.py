"""Run an in-process transport on its own thread and event loop.

The embedded engine is a whole web app: parsing a multipart upload, building a base64 JSON
answer of several full-resolution images and the engine's own bookkeeping are CPU work on
whatever loop runs the app. On the window's loop that freezes the UI for as long as they take.
Here the app gets a private loop in a daemon thread; the caller's loop only awaits futures and
receives body chunks, so it stays free. Cancelling the caller's await cancels the request on
the private loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

import httpx

__all__ = ["BackgroundLoopTransport"]

T = TypeVar("T")


class _CrossLoopStream(httpx.AsyncByteStream):
    """A response body read on the private loop, chunk by chunk, from the caller's loop."""

    def __init__(self, stream: httpx.AsyncByteStream, owner: BackgroundLoopTransport) -> None:
        self._stream = stream
        self._owner = owner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._stream.__aiter__()
        while True:
            try:
                chunk = await self._owner.call(_next_or_none(chunks))
            except BaseException:
                await self.aclose()
                raise
            if chunk is None:
                return
            yield chunk

    async def aclose(self) -> None:
        await self._owner.call(self._stream.aclose())


class _Chunks(httpx.AsyncByteStream):
    """A request body already in memory, handed over chunk by chunk."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


async def _next_or_none(chunks: AsyncIterator[bytes]) -> bytes | None:
    # StopAsyncIteration cannot cross a concurrent.futures.Future; None marks the end instead.
    try:
        return await chunks.__anext__()
    except StopAsyncIteration:
        return None


class BackgroundLoopTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, *, name: str = "local engine") -> None:
        self._inner = inner
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    async def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the private loop; cancelling this await cancels it there."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        waiter: Awaitable[T] = asyncio.wrap_future(future)
        return await waiter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # The body is taken here (it is in memory already; taking it drives upload progress),
        # a chunk per loop turn, as a socket would: read in one go, a 24 MP crop's 15 MB held
        # the caller's loop 20-40 ms. The app reads the same chunks on its own loop.
        assert isinstance(request.stream, httpx.AsyncByteStream)
        chunks: list[bytes] = []
        async for chunk in request.stream:
            chunks.append(chunk)
            await asyncio.sleep(0)
        forwarded = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            stream=_Chunks(chunks),
            extensions=request.extensions,
        )
        response = await self.call(self._inner.handle_async_request(forwarded))
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_CrossLoopStream(response.stream, self),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        if self._loop.is_closed():
            return
        try:
            await self.call(self._inner.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join, 5)
            if not self._thread.is_alive():
                self._loop.close()
