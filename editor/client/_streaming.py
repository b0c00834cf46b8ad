"""Reading a streamed edit: ``image_edit.partial_image`` / ``image_edit.completed`` / error events.

The events (OpenAI's ``ImageEditStreamEvent``) arrive as server-sent events. Partial images are
handed to the caller the moment they are decoded; the completed events become the same
:class:`ParsedResponse` a plain JSON answer gives.

Which image an event belongs to: OpenAI's events carry no image index. An ``index`` field (the
local server sends one, 0-based) is used when present; otherwise the completed events are
numbered in the order they arrive, and a partial belongs to the image whose completed event has
not arrived yet (images are streamed one after another).

Usage: each completed event's ``usage`` is taken as that image's share and the shares are added
up (with n=1, the common case, it is simply the request's usage).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..core.pricing import add_usage
from ._bigjson import LIFT_MIN, Lifted, lift_strings
from ._errorbody import ErrorContext, ErrorInfo, redact, status_error
from ._exceptions import BadResponseError, EditError, ServerError
from ._response import (
    META_KEYS,
    ParsedItem,
    ParsedResponse,
    decode_b64,
    decode_item,
    sniff_image,
)
from ._sse import ServerSentEvent, SSEDecoder

__all__ = ["PartialCallback", "PartialImage", "StreamAssembler", "add_usage"]

PARTIAL = "image_edit.partial_image"
COMPLETED = "image_edit.completed"
# What an error event's ``type``/``code`` says, as the HTTP status it would have had.
_ERROR_STATUS = {
    "invalid_request_error": 400,
    "invalid_value": 400,
    "image_generation_user_error": 400,
    "moderation_blocked": 403,
    "content_policy_violation": 403,
    "rate_limit_exceeded": 429,
    "rate_limit_error": 429,
    "insufficient_quota": 429,
    "server_error": 500,
}


@dataclass(frozen=True, slots=True)
class PartialImage:
    """A preview of image ``index`` (0-based), the ``partial_index``-th (0-based) for it."""

    index: int
    partial_index: int
    data: bytes
    mime_type: str
    description: str | None = None  # what this stage is, when the service says (local server)

    def __repr__(self) -> str:
        return (
            f"PartialImage(image {self.index}, partial {self.partial_index}, {self.mime_type}, "
            f"{len(self.data)} bytes)"
        )


PartialCallback = Callable[[PartialImage], None]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class StreamAssembler:
    """Feed it the body's bytes; ``finish()`` gives the parsed answer or raises EditError."""

    def __init__(
        self,
        *,
        on_partial: PartialCallback | None,
        context: Callable[[], ErrorContext],
        request_id: str | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        self._decoder = SSEDecoder()
        self._ready: list[PartialImage] = []
        self._on_partial = on_partial
        self._context = context
        self.request_id = request_id
        self._secrets = secrets
        self._items: dict[int, ParsedItem] = {}
        self._usage: dict[str, Any] | None = None
        self._meta: dict[str, str] = {}
        self._created: int | None = None
        self._lifted: Lifted | None = None  # the event being handled, its images lifted out
        self.events = 0
        self.partials = 0

    @property
    def started(self) -> bool:
        """At least one event has arrived (from then on, a retry would repeat work)."""
        return self.events > 0

    @property
    def completed(self) -> int:
        return len(self._items)

    @property
    def buffered(self) -> int:
        return self._decoder.buffered

    def feed(self, chunk: bytes) -> None:
        """Decode ``chunk``'s events. Safe in a worker thread: previews wait in a queue until
        :meth:`flush` hands them to the callback on the caller's thread."""
        for event in self._decoder.feed(chunk):
            self._handle(event)

    def flush(self) -> None:
        ready, self._ready = self._ready, []
        if self._on_partial is not None:
            for partial in ready:
                self._on_partial(partial)

    def finish(self) -> ParsedResponse:
        """The stream ended cleanly: the completed images, in index order."""
        self._decoder.close()
        if not self._items:
            what = (
                f"after {self.partials} partial preview{'s' * (self.partials != 1)}"
                if self.partials
                else "before any image"
            )
            raise BadResponseError(
                f"The service's stream ended {what}: the final image never arrived.",
                details=self._details(events=self.events, partials=self.partials),
            )
        items = [self._items[key] for key in sorted(self._items)]
        numbered = [
            ParsedItem(i, item.data, item.url, item.revised_prompt)
            for i, item in enumerate(items, start=1)
        ]
        return ParsedResponse(self._created, numbered, self._usage, self._meta)

    def cut_message(self) -> str:
        """A plain sentence for a stream that broke off after some events."""
        got = f"{self.completed} of the final images" if self.completed else "no final image"
        previews = (
            f" ({self.partials} partial preview{'s' * (self.partials != 1)} arrived and are kept)"
            if self.partials
            else ""
        )
        return f"The stream was cut before it finished: {got} arrived{previews}."

    # -- internals ----------------------------------------------------------------------------

    def _details(self, **extra: Any) -> dict[str, Any]:
        return {"request_id": self.request_id, **extra}

    def _handle(self, event: ServerSentEvent) -> None:
        self.events += 1
        if event.data.strip() == "[DONE]":
            return
        self._lifted = None
        try:
            if len(event.data) >= LIFT_MIN:
                # A full-resolution image: its base64 is lifted out and decoded in slices.
                utf8 = event.utf8 if event.utf8 is not None else event.data.encode("utf-8")
                self._lifted = lift_strings(utf8)
                doc = json.loads(self._lifted.skeleton)
            else:
                doc = json.loads(event.data)
        except (ValueError, RecursionError):
            raise BadResponseError(
                "The service's stream carried an event that could not be read (it is not JSON).",
                details=self._details(
                    event=event.event,
                    data_excerpt=" ".join(redact(event.data[:200], self._secrets).split()),
                ),
            ) from None
        if not isinstance(doc, dict):
            return
        kind = doc.get("type") if isinstance(doc.get("type"), str) else event.event
        if event.event == "error" or kind == "error" or "error" in doc:
            raise self._error(doc)
        if kind == PARTIAL:
            self._partial(doc)
        elif kind == COMPLETED:
            self._completed(doc)
        # Anything else (future event types) is ignored, as SSE clients do.

    def _image(self, b64: str, number: int) -> bytes:
        lifted = self._lifted
        at = Lifted.index_of(b64)
        if lifted is None or at is None:
            return decode_b64(b64, number, request_id=self.request_id)
        return decode_item(lifted.values[at], number, self.request_id)

    def _position(self, doc: dict[str, Any]) -> int:
        index = _int(doc.get("index"))
        return index if index is not None and index >= 0 else self.completed

    def _partial(self, doc: dict[str, Any]) -> None:
        index = self._position(doc)
        b64 = doc.get("b64_json")
        if not isinstance(b64, str) or not b64.strip():
            raise BadResponseError(
                f"The service's preview of result #{index + 1} has no image data.",
                details=self._details(result=index + 1),
            )
        data = self._image(b64, index + 1)
        partial_index = _int(doc.get("partial_image_index"))
        description = doc.get("description")
        self.partials += 1
        self._ready.append(
            PartialImage(
                index=index,
                partial_index=partial_index if partial_index is not None else 0,
                data=data,
                mime_type=sniff_image(data) or "application/octet-stream",
                description=description if isinstance(description, str) else None,
            )
        )

    def _completed(self, doc: dict[str, Any]) -> None:
        index = self._position(doc)
        b64 = doc.get("b64_json")
        if not isinstance(b64, str) or not b64.strip():
            raise BadResponseError(
                f"The service's result #{index + 1} has neither image data nor a link.",
                details=self._details(result=index + 1),
            )
        revised = doc.get("revised_prompt")
        self._items[index] = ParsedItem(
            index + 1,
            self._image(b64, index + 1),
            None,
            revised if isinstance(revised, str) else None,
        )
        usage = doc.get("usage")
        if isinstance(usage, dict):
            self._usage = add_usage(self._usage, usage)
        created = _int(doc.get("created_at"))
        if self._created is None and created is not None:
            self._created = created
        for key in META_KEYS:
            value = doc.get(key)
            if isinstance(value, str) and key not in self._meta:
                self._meta[key] = value

    def _error(self, doc: dict[str, Any]) -> EditError:
        raw = doc.get("error")
        body = raw if isinstance(raw, dict) else doc
        message = body.get("message") if isinstance(body.get("message"), str) else None
        if message is None and isinstance(raw, str):
            message = raw

        def text(key: str) -> str | None:
            value = body.get(key)
            return redact(str(value), self._secrets)[:80] if isinstance(value, str) else None

        info = ErrorInfo(
            message=" ".join(redact(message, self._secrets).split())[:240] if message else None,
            error_type=text("type") if text("type") != "error" else None,
            code=text("code"),
            param=text("param"),
        )
        status = _ERROR_STATUS.get(info.code or "") or _ERROR_STATUS.get(info.error_type or "")
        if status is None:
            said = f": {info.message}" if info.message else "."
            return ServerError(
                f"The service reported an error while streaming the result{said}",
                status=500,  # the HTTP status was 200; the error came inside the stream
                error_type=info.error_type,
                code=info.code,
                param=info.param,
                service_message=info.message,
                request_id=self.request_id,
                details={"stream_events": self.events, "partials": self.partials},
            )
        error = status_error(status, info, replace(self._context(), request_id=self.request_id))
        error.amend(in_stream=True, stream_events=self.events, partials=self.partials)
        return error
