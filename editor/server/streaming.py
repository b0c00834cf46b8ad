"""``stream=true``: the edit answered as server-sent events while the engine works.

Events, in OpenAI's shape (``ImageEditStreamEvent``) plus two fields of ours:

- ``image_edit.partial_image``: ``b64_json``, ``partial_image_index`` (0-based per image),
  ``index`` (which image, 0-based — ours) and ``description`` (which stage it is — ours; see
  editor.server.previews). Up to ``partial_images`` (0–3) per image, before its final.
- ``image_edit.completed``: ``b64_json``, ``usage``, ``index`` (ours). With n > 1 the completed
  events are sent in image order, so a client that ignores ``index`` (OpenAI's events have none)
  still numbers the images right by counting them. Partials of different images may interleave
  (the variants render side by side); only ``index`` tells them apart.
- ``error`` (``{"type": "error", "error": {message, type, param, code}}``) when the engine fails
  after the stream has started. Failures before the first event are ordinary HTTP errors.

The response starts only once the first event is ready, so a bad mask or image still gets its
400 answer.
"""

from __future__ import annotations

import asyncio
import binascii
import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi import Response
from fastapi.responses import StreamingResponse
from starlette.requests import Request

from editor.server.editing import Cancelled, EditedImage, EditResult, StreamHooks
from editor.server.errors import ApiError, bad_request
from editor.server.parsing import ReceivedEdit
from editor.server.previews import MAX_PARTIAL_IMAGES

__all__ = ["partial_images_of", "sse", "stream_edit"]

_USAGE = {  # the local engine uses no tokens
    "input_tokens": 0,
    "output_tokens": 0,
    "total_tokens": 0,
    "input_tokens_details": {"text_tokens": 0, "image_tokens": 0},
}


def partial_images_of(params: ReceivedEdit) -> int:
    """The request's ``partial_images`` (0 when absent); 400 outside 0–3."""
    raw = params.extra.get("partial_images")
    if raw is None or raw == "":
        return 0
    try:
        value = int(str(raw).strip()) if not isinstance(raw, bool) else -1
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_PARTIAL_IMAGES:
        raise bad_request(
            "Invalid 'partial_images': expected an integer between 0 and "
            f"{MAX_PARTIAL_IMAGES}, but got {str(raw)[:20]!r} instead.",
            param="partial_images",
            code="invalid_value",
        )
    return value


_B64_SLICE = 3 * (1 << 17)  # bytes per encoding step: whole 3-byte groups, ~0.3 ms each


def b64_text(data: bytes) -> str:
    """Base64 of ``data`` a slice at a time, handing the interpreter over between slices: the
    in-process engine shares it with the window, which must not wait for a 20 MB encode."""
    view = memoryview(data)
    parts = []
    for start in range(0, len(view), _B64_SLICE):
        parts.append(binascii.b2a_base64(view[start : start + _B64_SLICE], newline=False))
        time.sleep(0)
    return b"".join(parts).decode("ascii")


def sse(event: str, doc: dict[str, Any]) -> bytes:
    """One server-sent event; a ``b64_json`` value goes in as it is (base64 needs no JSON
    escaping), so a full-resolution image is never walked by the JSON encoder."""
    image = doc.pop("b64_json", None) if isinstance(doc.get("b64_json"), str) else None
    body = json.dumps(doc, separators=(",", ":"))
    if image is not None:
        body = (
            f'{{"b64_json":"{image}",{body[1:]}' if len(body) > 2 else f'{{"b64_json":"{image}"}}'
        )
    return f"event: {event}\ndata: {body}\n\n".encode()


@dataclass(frozen=True, slots=True)
class _End:
    result: EditResult | None = None
    error: BaseException | None = None


class _Channel:
    """The engine's StreamHooks: events go from worker threads into an asyncio queue."""

    def __init__(self, params: ReceivedEdit, partial_images: int, created: int) -> None:
        self._params = params
        self._partial_images = partial_images
        self._created = created
        self._loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[bytes | _End] = asyncio.Queue()
        self._lock = threading.Lock()
        self._finals: dict[int, tuple[EditedImage, bool]] = {}
        self._next_final = 0
        size = params.size
        self._size = f"{size[0]}x{size[1]}" if size is not None else "auto"

    @property
    def partial_images(self) -> int:
        return self._partial_images

    def _put(self, item: bytes | _End) -> None:
        self._loop.call_soon_threadsafe(self.queue.put_nowait, item)

    def _common(self, transparent: bool | None) -> dict[str, Any]:
        background = self._params.background
        if transparent is not None:
            background = "transparent" if transparent else "opaque"
        return {
            "created_at": self._created,
            "size": self._size,
            "quality": self._params.quality,
            "background": background,
            "output_format": self._params.output_format,
        }

    def partial(self, index: int, stage: int, data: bytes, description: str) -> None:
        doc = {
            "type": "image_edit.partial_image",
            "b64_json": b64_text(data),
            **self._common(None),
            "partial_image_index": stage,
            "index": index,
            "description": description,
        }
        self._put(sse("image_edit.partial_image", doc))

    def image(self, index: int, image: EditedImage, transparent: bool) -> None:
        with self._lock:  # completed events go out in image order
            self._finals[index] = (image, transparent)
            while self._next_final in self._finals:
                done, clear = self._finals.pop(self._next_final)
                doc = {
                    "type": "image_edit.completed",
                    "b64_json": b64_text(done.data),
                    **self._common(clear),
                    "usage": _USAGE,
                    "index": self._next_final,
                    "revised_prompt": done.revised_prompt,
                }
                self._put(sse("image_edit.completed", doc))
                self._next_final += 1


def _error_event(exc: BaseException) -> bytes:
    if isinstance(exc, ApiError):
        error = exc.body()["error"]
    else:
        error = {
            "message": f"The local engine failed: {type(exc).__name__}: {exc}",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    return sse("error", {"type": "error", "error": error})


async def stream_edit(
    request: Request,
    params: ReceivedEdit,
    job: Callable[[StreamHooks], EditResult],
    cancel: threading.Event,
    created: int,
) -> Response:
    """Run ``job`` in a worker thread and stream its events. Raises (for an HTTP error answer)
    when it fails before its first event; Cancelled when the client left before then."""
    channel = _Channel(params, partial_images_of(params), created)

    async def work() -> None:
        try:
            result = await anyio.to_thread.run_sync(lambda: job(channel), abandon_on_cancel=True)
        except BaseException as exc:
            channel.queue.put_nowait(_End(error=exc))
            if not isinstance(exc, Exception):
                raise
        else:
            channel.queue.put_nowait(_End(result=result))

    task = asyncio.create_task(work(), name="streamed edit")
    first = await _first_item(request, channel, cancel)
    if isinstance(first, _End) and first.error is not None:
        cancel.set()
        raise first.error

    async def body() -> AsyncIterator[bytes]:
        item: bytes | _End = first
        try:
            while True:
                if isinstance(item, _End):
                    if item.error is not None and not isinstance(item.error, Cancelled):
                        yield _error_event(item.error)
                    return
                yield item
                item = await channel.queue.get()
        finally:
            cancel.set()  # done, failed or the client left: skip whatever is left
            if not task.done():
                task.cancel()

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


async def _first_item(request: Request, channel: _Channel, cancel: threading.Event) -> bytes | _End:
    """The first event (or the end), while watching for a client that gives up waiting."""
    getter = asyncio.ensure_future(channel.queue.get())
    try:
        while True:
            done, _ = await asyncio.wait({getter}, timeout=0.1)
            if done:
                return getter.result()
            if await request.is_disconnected():
                cancel.set()
                return _End(error=Cancelled())
    finally:
        if not getter.done():
            getter.cancel()
