"""Test mode: a log of the last edit requests, as the server saw them (never the token), and a
lighter one of result-file downloads (did they carry credentials?)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

from PIL import Image

from editor.server.errors import ApiError
from editor.server.parsing import RawFile, read_body

LOG_SIZE = 100


def file_summary(raw: RawFile) -> dict[str, Any]:
    """What a test needs to check an upload arrived intact, without the bytes themselves."""
    width = height = mode = None
    try:
        with Image.open(io.BytesIO(raw.data)) as image:  # header only, no full decode
            width, height, mode = image.width, image.height, image.mode
    except Exception:  # any undecodable upload is still worth logging
        pass
    return {
        "filename": raw.filename,
        "content_type": raw.content_type,
        "bytes": len(raw.data),
        "sha256": hashlib.sha256(raw.data).hexdigest(),
        "width": width,
        "height": height,
        "mode": mode,
    }


def _summarise_json(value: Any, key: str | None = None) -> Any:
    """Replace image payloads (data URLs, base64) inside a JSON body with file summaries."""
    if isinstance(value, dict):
        return {k: _summarise_json(v, k if k != "image_url" else key) for k, v in value.items()}
    if isinstance(value, list):
        return [_summarise_json(v, key) for v in value]
    if isinstance(value, str) and key in ("image", "images", "mask", "markup"):
        if value.startswith("data:"):
            header, _, payload = value.partition(",")
            mime = header[5:].split(";", 1)[0] or None
            return _decoded_summary(payload, mime) or value[:80]
        if not value.startswith(("http://", "https://")):
            return _decoded_summary(value, None) or value[:80]
    return value


def _decoded_summary(payload: str, mime: str | None) -> dict[str, Any] | None:
    try:
        data = base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return file_summary(RawFile(data, None, mime))


class RequestLog:
    def __init__(self, size: int = LOG_SIZE) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def note(
        self, *, method: str, path: str, headers: Mapping[str, str], fault: str | None = None
    ) -> None:
        """A bodiless request (a result-file GET): who asked, and with which credential scheme."""
        auth = headers.get("authorization")
        entry = {
            "method": method,
            "path": path,
            # Only the scheme, as in record(): test logs must never hold a credential.
            "authorization": auth.split(" ", 1)[0].lower() if auth else None,
            "fault": fault,
        }
        with self._lock:
            self._entries.append(entry)

    async def record(
        self,
        *,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        fault: str | None = None,
    ) -> None:
        content_type = headers.get("content-type")
        fields: dict[str, Any] = {}
        names: list[str] = []
        error: str | None = None
        try:
            raw = await read_body(content_type or "", body, max_part_size=len(body) + 1)
        except ApiError as exc:
            error = exc.message
        else:
            if raw.kind == "json":
                fields = {k: _summarise_json(v, k) for k, v in raw.json.items()}
                names = list(raw.json)
            for name, value in raw.items if raw.kind == "multipart" else ():
                names.append(name)
                shown = file_summary(value) if isinstance(value, RawFile) else value
                if name in fields:  # repeated parts (image[]) become a list, in order
                    previous = fields[name]
                    fields[name] = (
                        [*previous, shown] if isinstance(previous, list) else [previous, shown]
                    )
                else:
                    fields[name] = shown
        auth = headers.get("authorization")
        entry = {
            "method": method,
            "path": path,
            "content_type": content_type,
            # Only the scheme: test logs must never hold a credential.
            "authorization": auth.split(" ", 1)[0].lower() if auth else None,
            "fields": fields,
            "raw_field_names": names,
            "body_bytes": len(body),
            "parse_error": error,
            "fault": fault,
        }
        with self._lock:
            self._entries.append(entry)
