"""Headers every response carries, whatever produced it (routes, errors, injected faults)."""

from __future__ import annotations

import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from editor.server.errors import error_bytes


def new_request_id() -> str:
    return "req_" + secrets.token_hex(16)


class RequestIdMiddleware:
    """Adds ``x-request-id`` and ``openai-processing-ms`` like api.openai.com."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        response_started = False

        async def send_with_ids(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                elapsed = str(round((time.perf_counter() - started) * 1000))
                for name, value in (
                    (b"x-request-id", request_id),
                    (b"openai-processing-ms", elapsed),
                ):
                    if name not in present:  # a fault may set its own
                        headers.append((name, value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        except Exception as exc:
            # Answer in OpenAI's shape (with our headers) before the server logs the traceback.
            if not response_started:
                body = error_bytes(500, f"The local engine failed: {type(exc).__name__}: {exc}")
                headers = [(b"content-type", b"application/json")]
                await send_with_ids(
                    {"type": "http.response.start", "status": 500, "headers": headers}
                )
                await send_with_ids({"type": "http.response.body", "body": body})
            raise
