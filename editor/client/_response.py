"""Read a successful edits answer: images (base64 or links), usage, metadata."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._bigjson import LIFT_MIN, Lifted, decode_lifted, lift_strings
from ._errorbody import html_title, redact
from ._exceptions import BadResponseError

__all__ = [
    "EditResult",
    "EditedImage",
    "ParsedItem",
    "ParsedResponse",
    "Timings",
    "decode_b64",
    "parse_edit_response",
    "sniff_image",
]

META_KEYS = ("size", "quality", "output_format", "background")


@dataclass
class EditedImage:
    data: bytes | bytearray  # a downloaded result: the buffer it arrived in
    mime_type: str
    revised_prompt: str | None = None
    url: str | None = None

    def __repr__(self) -> str:
        return f"EditedImage({self.mime_type}, {len(self.data)} bytes, url={self.url is not None})"


@dataclass
class Timings:
    """Seconds to the first byte of the (last) answer, in total, and how many attempts it took."""

    ttfb_s: float | None = None
    total_s: float = 0.0
    attempts: int = 1


@dataclass
class EditResult:
    created: int | None
    images: list[EditedImage]
    usage: dict[str, Any] | None = None
    request_id: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    timings: Timings = field(default_factory=Timings)
    # Streaming was asked but the service could not stream: sent again without (no previews).
    stream_fallback: bool = False
    gateway: str | None = None  # "LiteLLM 1.106.12" when the answer says it came through one


@dataclass(frozen=True)
class ParsedItem:
    """One ``data[]`` entry: decoded bytes, or a URL still to download."""

    index: int
    data: bytes | None
    url: str | None
    revised_prompt: str | None


@dataclass(frozen=True)
class ParsedResponse:
    created: int | None
    items: list[ParsedItem]
    usage: dict[str, Any] | None
    meta: dict[str, str]


def sniff_image(data: bytes | bytearray) -> str | None:
    """The MIME type from the magic bytes (PNG, JPEG, WebP, GIF), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return None


def _image(decode: Callable[[], bytes], index: int, request_id: str | None) -> bytes:
    """Decoded image bytes of result ``index``; plain errors for broken base64 or non-images."""
    try:
        data = decode()
    except (binascii.Error, ValueError) as exc:
        raise BadResponseError(
            f"The service's result #{index} could not be decoded (broken base64 data).",
            details={"result": index, "request_id": request_id},
        ) from exc
    if sniff_image(data) is None:
        raise BadResponseError(
            f"The service's result #{index} is not an image.",
            details={"result": index, "bytes": len(data), "request_id": request_id},
        )
    return data


def decode_b64(text: str, index: int, *, request_id: str | None = None) -> bytes:
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    return _image(lambda: base64.b64decode("".join(text.split()), validate=True), index, request_id)


def decode_item(value: memoryview, index: int, request_id: str | None) -> bytes:
    """A value :func:`lift_strings` took out of an answer, decoded a slice at a time."""
    return _image(lambda: decode_lifted(value), index, request_id)


def _not_json(
    body: bytes, content_type: str, details: dict[str, Any], secrets: Sequence[str]
) -> BadResponseError:
    text = redact(body.decode("utf-8", errors="replace"), secrets)
    head = text.lstrip()[:200].lower()
    if "html" in content_type.lower() or head.startswith(("<!doctype", "<html", "<head", "<body")):
        title = html_title(text) or "no title"
        return BadResponseError(
            f"The service answered with a web page instead of an image ({title}) — "
            "check the base URL (it usually ends in /v1); a proxy or login page may be in between.",
            details={**details, "page_title": title},
        )
    return BadResponseError(
        "The service's answer could not be read (it is not JSON).",
        details={**details, "body_excerpt": " ".join(text[:200].split()) or None},
    )


def parse_edit_response(
    body: bytes | bytearray,
    content_type: str = "",
    *,
    request_id: str | None = None,
    secrets: Sequence[str] = (),
) -> ParsedResponse:
    """Parse a 2xx edits answer; anything unusable becomes a BadResponseError."""
    details: dict[str, Any] = {"request_id": request_id}
    # A big body is not blank; stripping it whole would copy 100 MB holding the interpreter.
    if len(body) < LIFT_MIN and not bytes(body).strip():
        raise BadResponseError(
            "The service sent an empty answer instead of an image.", details=details
        )
    # Big base64 values are lifted out first, so no step holds the interpreter for long.
    lifted = lift_strings(body) if len(body) >= LIFT_MIN else Lifted(bytes(body), ())
    try:
        doc = json.loads(lifted.skeleton)
    except (ValueError, RecursionError):
        raise _not_json(bytes(body), content_type, details, secrets) from None
    if not isinstance(doc, dict):
        raise BadResponseError(
            "The service's answer has an unexpected shape (no result list).", details=details
        )
    data = doc.get("data")
    if not isinstance(data, list) or not data:
        raise BadResponseError("The service answered without any image.", details=details)
    items: list[ParsedItem] = []
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise BadResponseError(
                f"The service's result #{index} has an unexpected shape.",
                details={**details, "result": index},
            )
        revised = entry.get("revised_prompt")
        revised = revised if isinstance(revised, str) else None
        b64 = entry.get("b64_json")
        url = entry.get("url")
        big = Lifted.index_of(b64)
        if big is None:
            big = Lifted.index_of(url)
        if big is not None:
            data = decode_item(lifted.values[big], index, request_id)
            items.append(ParsedItem(index, data, None, revised))
        elif isinstance(b64, str) and b64.strip():
            items.append(
                ParsedItem(index, decode_b64(b64, index, request_id=request_id), None, revised)
            )
        elif isinstance(url, str) and url.strip():
            url = url.strip()
            if url.startswith("data:"):
                data_url = decode_b64(url, index, request_id=request_id)
                items.append(ParsedItem(index, data_url, None, revised))
            else:
                items.append(ParsedItem(index, None, url, revised))
        else:
            raise BadResponseError(
                f"The service's result #{index} has neither image data nor a link.",
                details={**details, "result": index},
            )
    created = doc.get("created")
    usage = doc.get("usage")
    meta = {k: v for k in META_KEYS if isinstance(v := doc.get(k), str)}
    return ParsedResponse(
        created=created if isinstance(created, int) and not isinstance(created, bool) else None,
        items=items,
        usage=usage if isinstance(usage, dict) else None,
        meta=meta,
    )
