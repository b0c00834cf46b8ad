"""Fault injection for client tests: a pure ASGI middleware, so faults are real on the socket.

``drop`` promises more bytes than it sends and then closes the connection; ``trickle`` really
sends slowly; ``upload_stall`` really stops reading the request body (the client's send blocks
once the socket buffers fill). ``echo_cast`` and ``flat`` answer a valid edit in the engine's
place (see fault_images): the sent image under a colour cast, or a flat frame.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from editor.server.errors import bad_request
from editor.server.fault_images import stand_in_response
from editor.server.stream_faults import drain, drop_stream, reject_n
from editor.server.testmode import RequestLog

FaultKind = Literal[
    "delay",
    "status",
    "garbage",
    "drop",
    "trickle",
    "redirect_loop",
    "upload_stall",
    "echo_cast",
    "flat",
    "drop_stream",
    "reject_n",
]
KINDS: tuple[str, ...] = get_args(FaultKind)
EDIT_PATHS = ("/v1/images/edits", "/v1/edits")
_DEFAULT_MESSAGES = {
    429: (
        "Rate limit reached (injected fault). Please try again later.",
        "requests",
        "rate_limit_exceeded",
    ),
    500: (
        "The server had an error while processing your request (injected fault).",
        "server_error",
        None,
    ),
}


@dataclass(slots=True)
class Fault:
    kind: FaultKind
    times: int = 1
    match: Literal["edits", "files", "any"] = "edits"
    seconds: float = 1.0  # delay, upload_stall
    after_bytes: int = 0  # upload_stall: read this much of the body first
    status: int | None = None  # status (required), garbage (default 200)
    json: Any = None  # status: a JSON body
    body: str | None = None  # status / garbage: a raw body
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    bytes_per_chunk: int = 64  # trickle
    interval: float = 0.05  # trickle
    fraction: float = 0.5  # drop: the share of the real body sent before closing
    after_events: int = 1  # drop_stream: server-sent events let through before closing
    gain: list[float] = field(default_factory=lambda: [1.0, 1.0, 1.0])  # echo_cast, per RGB
    offset: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # echo_cast, levels
    gamma: float = 1.0  # echo_cast: out = 255·(in/255)^gamma·gain + offset
    color: list[int] = field(default_factory=lambda: [128, 128, 128])  # flat

    @classmethod
    def parse(cls, doc: object) -> Fault:
        if not isinstance(doc, dict):
            raise bad_request("A fault is a JSON object.")
        if doc.get("kind") not in KINDS:
            raise bad_request(f"Unknown fault kind; one of {', '.join(KINDS)}.", param="kind")
        names = set(cls.__dataclass_fields__)
        unknown = set(doc) - names
        if unknown:
            raise bad_request(f"Unknown fault fields: {sorted(unknown)}.")
        try:
            fault = cls(**doc)
        except TypeError as exc:
            raise bad_request(str(exc)) from exc
        if fault.match not in ("edits", "files", "any"):
            raise bad_request("match is one of edits, files, any.", param="match")
        if fault.kind == "status" and fault.status is None:
            raise bad_request("A status fault needs 'status'.", param="status")
        if fault.times < 1 or fault.bytes_per_chunk < 1 or not 0 <= fault.fraction < 1:
            raise bad_request("times, bytes_per_chunk ≥ 1 and 0 ≤ fraction < 1.")
        if not all(len(v) == 3 for v in (fault.gain, fault.offset, fault.color)):
            raise bad_request("gain, offset and color take three numbers (R, G, B).")
        if fault.gamma <= 0:
            raise bad_request("gamma must be positive.", param="gamma")
        fault.headers = {str(k).lower(): str(v) for k, v in fault.headers.items()}
        return fault

    def matches(self, path: str) -> bool:
        if self.match == "edits":
            return path in EDIT_PATHS
        if self.match == "files":
            return path.startswith("/v1/files/")
        return True

    def public(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class FaultQueue:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, path: str) -> Fault | None:
        """The first fault matching ``path``, consuming one of its ``times``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None


class FaultMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        faults: FaultQueue,
        log: RequestLog,
        file_log: RequestLog | None = None,
    ) -> None:
        self.app = app
        self.faults = faults
        self.log = log
        self.file_log = file_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/_test/"):
            await self.app(scope, receive, send)
            return
        fault = self.faults.take(path)
        if self.file_log is not None and path.startswith("/v1/files/"):
            self.file_log.note(
                method=scope["method"],
                path=path,
                headers=_headers(scope),
                fault=fault.kind if fault is not None else None,
            )
        if fault is None:
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["fault"] = fault.kind
        if fault.kind == "delay":
            await anyio.sleep(fault.seconds)
            await self.app(scope, receive, send)
        elif fault.kind == "upload_stall":
            await self.app(scope, _stalling(receive, fault.after_bytes, fault.seconds), send)
        elif fault.kind == "trickle":
            status, headers, body = await _capture(self.app, scope, receive)
            await send({"type": "http.response.start", "status": status, "headers": headers})
            for start in range(0, len(body), fault.bytes_per_chunk):
                chunk = body[start : start + fault.bytes_per_chunk]
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await anyio.sleep(fault.interval)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        elif fault.kind == "drop":
            status, headers, body = await _capture(self.app, scope, receive)
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body) + 1024).encode()))
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            part = body[: math.floor(len(body) * fault.fraction)]
            await send({"type": "http.response.body", "body": part, "more_body": True})
            # Returning mid-response makes uvicorn close the transport: the client sees the
            # connection die with bytes still owed.
        elif fault.kind == "drop_stream":
            await drop_stream(self.app, scope, receive, send, fault.after_events)
        elif fault.kind == "reject_n":
            await reject_n(self.app, scope, receive, send, self.log)
        else:
            await self._short_circuit(fault, scope, receive, send)

    async def _short_circuit(
        self, fault: Fault, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """status / garbage / redirect_loop: answered without the app (the body is drained)."""
        body = await drain(receive)
        path = scope.get("path", "")
        if path in EDIT_PATHS:
            headers_in = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            await self.log.record(
                method=scope["method"], path=path, headers=headers_in, body=body, fault=fault.kind
            )
        if fault.kind in ("echo_cast", "flat"):
            content_type_in = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
            status, payload = await stand_in_response(fault, content_type_in, body)
            content_type: str | None = "application/json"
        else:
            status, content_type, payload = _fault_response(fault)
        headers = [(b"content-type", content_type.encode())] if content_type else []
        if fault.kind == "redirect_loop":
            query = scope.get("query_string", b"")
            location = path.encode() + (b"?" + query if query else b"")
            headers.append((b"location", location))
        headers += [(k.encode(), v.encode()) for k, v in fault.headers.items()]
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _fault_response(fault: Fault) -> tuple[int, str | None, bytes]:
    if fault.kind == "redirect_loop":
        return 302, None, b""
    if fault.kind == "garbage":
        return (
            fault.status or 200,
            fault.content_type or "application/json",
            (fault.body or "").encode(),
        )
    status = fault.status or 500
    if fault.body is not None:
        return status, fault.content_type or "text/plain", fault.body.encode()
    doc = fault.json
    if doc is None:
        message, type_, code = _DEFAULT_MESSAGES.get(
            status,
            (
                f"Injected fault: HTTP {status}.",
                "server_error" if status >= 500 else "invalid_request_error",
                None,
            ),
        )
        doc = {"error": {"message": message, "type": type_, "param": None, "code": code}}
    return status, fault.content_type or "application/json", json.dumps(doc).encode()


def _stalling(receive: Receive, after_bytes: int, seconds: float) -> Receive:
    state = {"read": 0, "stalled": False}

    async def wrapped() -> Message:
        if not state["stalled"] and state["read"] >= after_bytes:
            state["stalled"] = True
            await anyio.sleep(seconds)
        message = await receive()
        state["read"] += len(message.get("body", b""))
        return message

    return wrapped


async def _capture(
    app: ASGIApp, scope: Scope, receive: Receive
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Run the app to completion and hand back its whole response."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def collect(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, collect)
    return int(start.get("status", 500)), list(start.get("headers", [])), b"".join(chunks)
