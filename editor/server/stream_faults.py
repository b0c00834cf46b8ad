"""Two test-mode faults for streaming and fan-out (used by editor.server.faults).

``drop_stream`` lets a streamed answer through until ``after_events`` events have gone out,
then closes the connection mid-stream (a gateway or network dying while previews arrive).
``reject_n`` answers any request asking for more than one image with the 400 a gateway sends
for a model that takes only n=1; requests with n=1 pass through to the engine.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from editor.server.errors import ApiError, error_body
from editor.server.parsing import read_body
from editor.server.testmode import RequestLog


async def drain(receive: Receive) -> bytes:
    """The whole request body, read straight from the ASGI channel."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


__all__ = ["REJECT_N_MESSAGE", "drop_stream", "reject_n"]

REJECT_N_MESSAGE = (
    "Invalid value for 'n': this model only supports n=1 (injected fault). "
    "Send one request per image."
)


class _Stop(Exception):
    """Raised from ``send`` to stop the app once the stream has been cut."""


def _is_stop(exc: BaseException) -> bool:
    if isinstance(exc, _Stop):
        return True
    if isinstance(exc, BaseExceptionGroup):
        return all(_is_stop(e) for e in exc.exceptions)
    return False


async def drop_stream(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, after_events: int
) -> None:
    sent = 0

    async def forward(message: Message) -> None:
        nonlocal sent
        if message["type"] == "http.response.body" and sent >= 0:
            body: bytes = message.get("body", b"")
            cut = 0
            while sent < after_events:
                end = body.find(b"\n\n", cut)
                if end < 0:
                    break
                cut = end + 2
                sent += 1
            if sent >= after_events:
                if cut:
                    await send(
                        {"type": "http.response.body", "body": body[:cut], "more_body": True}
                    )
                sent = -1
                # Returning mid-response makes uvicorn close the transport: the client sees
                # the stream die with its chunked body unfinished.
                raise _Stop
        await send(message)

    try:
        await app(scope, receive, forward)
    except BaseException as exc:
        if not _is_stop(exc):
            raise


def _wanted_n(content_type: str, fields: dict[str, object]) -> int:
    try:
        return int(str(fields.get("n", 1)))
    except ValueError:
        return 1


async def reject_n(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, log: RequestLog
) -> None:
    body = await drain(receive)
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    content_type = headers.get("content-type", "")
    fields: dict[str, object] = {}
    try:
        raw = await read_body(content_type, body, max_part_size=len(body) + 1)
    except ApiError:
        raw = None
    if raw is not None:
        fields = dict(raw.json) if raw.kind == "json" else {k: v for k, v in raw.items}
    if _wanted_n(content_type, fields) > 1:
        await log.record(
            method=scope["method"],
            path=scope.get("path", ""),
            headers=headers,
            body=body,
            fault="reject_n",
        )
        payload = json.dumps(error_body(REJECT_N_MESSAGE, param="n", code="invalid_value")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})
        return
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    await app(scope, replay, send)
