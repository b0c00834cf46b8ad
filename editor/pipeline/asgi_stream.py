"""An in-process ASGI transport that streams: body chunks reach the client as the app sends them.

httpx's own ``ASGITransport`` runs the app to completion before returning the response, so a
streamed edit from the embedded engine would arrive all at once, previews and final together.
This transport returns the response as soon as the app has started it and hands over each body
chunk as it is sent. Closing the response early (the client gave up) tells the app the client
disconnected and cancels it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import httpx
from starlette.types import ASGIApp

__all__ = ["StreamingASGITransport"]

_Message = MutableMapping[str, Any]


class _End:
    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(
        self, queue: asyncio.Queue[bytes | _End], task: asyncio.Task[None], gone: asyncio.Event
    ) -> None:
        self._queue = queue
        self._task = task
        self._gone = gone

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            item = await self._queue.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise httpx.ReadError(
                        f"the local engine stopped mid-answer: {type(item.error).__name__}"
                    ) from item.error
                return
            yield item

    async def aclose(self) -> None:
        self._gone.set()
        if not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 123)) -> None:
        self.app = app
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for (k, v) in request.headers.raw],
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "server": (request.url.host, request.url.port),
            "client": self.client,
            "root_path": "",
        }
        chunks = request.stream.__aiter__()
        request_done = False
        gone = asyncio.Event()  # the response is complete, or the client closed it
        started: asyncio.Future[tuple[int, list[tuple[bytes, bytes]]]] = (
            asyncio.get_running_loop().create_future()
        )
        queue: asyncio.Queue[bytes | _End] = asyncio.Queue()

        async def receive() -> _Message:
            nonlocal request_done
            if request_done:
                await gone.wait()
                return {"type": "http.disconnect"}
            try:
                body = await chunks.__anext__()
            except StopAsyncIteration:
                request_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": body, "more_body": True}

        async def send(message: _Message) -> None:
            if message["type"] == "http.response.start":
                if not started.done():
                    started.set_result((message["status"], list(message.get("headers", []))))
            elif message["type"] == "http.response.body" and not gone.is_set():
                body = message.get("body", b"")
                if body and request.method != "HEAD":
                    queue.put_nowait(bytes(body))
                if not message.get("more_body", False):
                    gone.set()
                    queue.put_nowait(_End())

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except Exception as exc:
                if not started.done():
                    started.set_exception(exc)
                elif not gone.is_set():
                    gone.set()
                    queue.put_nowait(_End(exc))
                # An app that answered completely and raised afterwards (e.g. a 500 logged by
                # the middleware) has said all the client needs.
                return
            if not started.done():
                started.set_exception(RuntimeError("the app returned without a response"))
            elif not gone.is_set():
                gone.set()
                queue.put_nowait(_End(RuntimeError("the app returned mid-answer")))

        task = asyncio.get_running_loop().create_task(run(), name="in-process request")
        try:
            status, headers = await started
        except BaseException:
            gone.set()
            if not task.done():
                task.cancel()
            raise
        return httpx.Response(status, headers=headers, stream=_ResponseStream(queue, task, gone))
