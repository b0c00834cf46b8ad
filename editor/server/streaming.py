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
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi import Response
from fastapi.responses import StreamingResponse
from starlette.requests import Request

from editor.server.editing import Cancelled, EditedImage, EditResult, StreamHooks
from editor.server.errors import ApiError, bad_request
from editor.server.image_json import image_event
from editor.server.parsing import ReceivedEdit
from editor.server.previews import MAX_PARTIAL_IMAGES

__all__ = ["partial_images_of", "stream_edit"]

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
        self.queue: asyncio.Queue[list[bytes] | _End] = asyncio.Queue()
        self._lock = threading.Lock()
        self._finals: dict[int, tuple[EditedImage, bool]] = {}
        self._next_final = 0
        size = params.size
        self._size = f"{size[0]}x{size[1]}" if size is not None else "auto"

    @property
    def partial_images(self) -> int:
        return self._partial_images

    def _put(self, item: list[bytes] | _End) -> None:
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
        fields = {
            "type": "image_edit.partial_image",
            **self._common(None),
            "partial_image_index": stage,
            "index": index,
            "description": description,
        }
        self._put(image_event("image_edit.partial_image", data, fields))

    def image(self, index: int, image: EditedImage, transparent: bool) -> None:
        with self._lock:  # completed events go out in image order
            self._finals[index] = (image, transparent)
            while self._next_final in self._finals:
                done, clear = self._finals.pop(self._next_final)
                fields = {
                    "type": "image_edit.completed",
                    **self._common(clear),
                    "usage": _USAGE,
                    "index": self._next_final,
                    "revised_prompt": done.revised_prompt,
                }
                self._put(image_event("image_edit.completed", done.data, fields))
                self._next_final += 1


def _error_event(exc: BaseException) -> list[bytes]:
    if isinstance(exc, ApiError):
        error = exc.body()["error"]
    else:
        error = {
            "message": f"The local engine failed: {type(exc).__name__}: {exc}",
            "type": "server_error",
            "param": None,
            "code": None,
        }
    return image_event("error", None, {"type": "error", "error": error})


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
        item: list[bytes] | _End = first
        try:
            while True:
                if isinstance(item, _End):
                    if item.error is not None and not isinstance(item.error, Cancelled):
                        for part in _error_event(item.error):
                            yield part
                    return
                for part in item:  # an image's event in the slices it was encoded in
                    yield part
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


async def _first_item(
    request: Request, channel: _Channel, cancel: threading.Event
) -> list[bytes] | _End:
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
