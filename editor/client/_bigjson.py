"""Reading an edits answer of full-resolution images without holding the interpreter.

Four 24 MP results come as one JSON body of about 100 MB, nearly all of it base64. ``json.loads``
and ``base64.b64decode`` hold the GIL for their whole run, so even in a worker thread they stall
the window's loop for 100–200 ms. Here the big base64 strings are lifted out of the body with
fast byte searches first; the small rest is parsed as JSON, and each lifted string is decoded in
slices of :data:`SLICE` characters, so no single step holds the GIL for more than a millisecond
or two and the loop gets its turn in between.
"""

from __future__ import annotations

import binascii
import time
from dataclasses import dataclass

__all__ = ["LIFT_MIN", "Lifted", "decode_lifted", "lift_strings"]

LIFT_MIN = 64 * 1024  # values shorter than this stay in the JSON: not worth the bookkeeping
SLICE = 1 << 19  # characters per decode step (a multiple of 4): about half a millisecond
_KEYS = (b'"b64_json"', b'"url"')
_MARK = "\u0000inpaint-editor:lifted:"


@dataclass(frozen=True, slots=True)
class Lifted:
    """A JSON body with its big string values replaced by ``marker(i)``, and those values."""

    skeleton: bytes
    values: tuple[memoryview, ...]

    @staticmethod
    def marker(index: int) -> str:
        return f"{_MARK}{index}"

    @staticmethod
    def index_of(value: object) -> int | None:
        if isinstance(value, str) and value.startswith(_MARK):
            return int(value[len(_MARK) :])
        return None


def _string_end(body: bytes | bytearray, start: int) -> int:
    """The index of the quote closing a JSON string that starts at ``start`` (-1: none)."""
    end = body.find(b'"', start)
    while end > 0:
        slashes = 0
        while body[end - 1 - slashes] == 0x5C:  # backslashes right before the quote
            slashes += 1
        if slashes % 2 == 0:
            return end
        end = body.find(b'"', end + 1)
    return end


def _value_start(body: bytes | bytearray, after_key: int) -> int | None:
    """Where the string value after a key ends at ``after_key`` opens (past its quote)."""
    i, n = after_key, len(body)
    while i < n and body[i] in b" \t\r\n":
        i += 1
    if i >= n or body[i] != 0x3A:  # ":" — not a key after all
        return None
    i += 1
    while i < n and body[i] in b" \t\r\n":
        i += 1
    return i + 1 if i < n and body[i] == 0x22 else None


def lift_strings(body: bytes | bytearray) -> Lifted:
    """Lift the ``b64_json`` / ``url`` string values of at least LIFT_MIN bytes out of ``body``.

    Walks the body string by string: each string is skipped with one search for its closing
    quote, so a 25 MB base64 value costs a single fast scan and no byte is looked at twice."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (opening := body.find(b'"', pos)) >= 0:
        closing = _string_end(body, opening + 1)
        if closing < 0:
            break  # not JSON: json.loads will say so
        pos = closing + 1
        if bytes(body[opening : closing + 1]) not in _KEYS:
            continue
        start = _value_start(body, pos)
        if start is None:
            continue
        end = _string_end(body, start)
        if end < 0:
            break
        if end - start >= LIFT_MIN:
            spans.append((start, end))
        pos = end + 1
    if not spans:
        return Lifted(bytes(body), ())
    view = memoryview(body)
    pieces: list[bytes] = []
    values: list[memoryview] = []
    last = 0
    for index, (start, end) in enumerate(spans):
        pieces.append(bytes(view[last:start]))
        pieces.append(Lifted.marker(index).encode().replace(b"\x00", b"\\u0000"))
        values.append(view[start:end])
        last = end
    pieces.append(bytes(view[last:]))
    return Lifted(b"".join(pieces), tuple(values))


def decode_lifted(value: memoryview) -> bytes:
    """Base64 text (a data URL's payload too) to bytes, a slice at a time; raises
    binascii.Error for anything that is not clean base64."""
    text = value
    if bytes(text[:5]) == b"data:":
        comma = bytes(text[:512]).find(b",")
        if comma < 0:
            raise binascii.Error("a data URL without a comma")
        text = text[comma + 1 :]
    if any(b"\\" in bytes(text[s : s + SLICE]) for s in range(0, len(text), SLICE)):
        # JSON escapes inside base64 (\/ for /, \n line breaks): rare, so done the plain way.
        cleaned = bytes(text).replace(b"\\/", b"/").replace(b"\\n", b"").replace(b"\\r", b"")
        if b"\\" in cleaned:
            raise binascii.Error("unexpected escape in base64")
        text = memoryview(cleaned)
    parts = []
    for start in range(0, len(text), SLICE):
        parts.append(binascii.a2b_base64(text[start : start + SLICE], strict_mode=True))
        time.sleep(0)  # hand the interpreter over now, not at the next switch interval
    return b"".join(parts)
