"""A small incremental parser for server-sent events (the WHATWG ``text/event-stream`` format).

Feed it bytes as they arrive, in chunks of any size; it hands back each complete event once the
blank line that ends it has arrived. It follows the spec's rules: lines end in LF, CRLF or a
lone CR (also when a CRLF is split across two chunks); ``:`` starts a comment (keep-alives);
``field: value`` drops one space after the colon; several ``data:`` lines join with newlines;
an event without data is not dispatched; a leading byte-order mark is skipped. The ``id`` and
``retry`` fields are kept for completeness; this client does not reconnect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SSEDecoder", "ServerSentEvent", "parse_events"]

_BOM = b"\xef\xbb\xbf"
# A data line this long (a whole image in base64) is copied once, as bytes, not sliced as text:
# each copy of a 25 MB line holds the interpreter for several ms.
_BIG_LINE = 64 * 1024


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One dispatched event. ``event`` is None when the stream gave no ``event:`` field.
    ``utf8`` is ``data`` as the stream carried it, when the event was one big data line (the
    caller reads an image out of it without encoding ``data`` again)."""

    data: str
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    utf8: bytes | None = field(default=None, compare=False, repr=False)


class SSEDecoder:
    """``feed(chunk)`` → the events completed by that chunk; ``close()`` at the end of the stream.

    ``pending`` tells whether a started but unfinished event (or line) is left over, which at
    the end of a stream means it was cut off mid-event.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._scanned = 0  # the buffer's first bytes, known to hold no line ending
        self._skip_lf = False  # the last chunk ended in CR: a LF opening the next belongs to it
        self._start = True  # a BOM may only appear at the very beginning
        self._data: list[str | bytes] = []  # bytes: a big data line, as it came
        self._event: str | None = None
        self._id: str | None = None
        self._last_id: str | None = None
        self._retry: int | None = None
        self._fields_seen = False

    @property
    def buffered(self) -> int:
        """Bytes of an unfinished line waiting for its end (a big event's data)."""
        return len(self._buffer)

    @property
    def pending(self) -> bool:
        return bool(self._buffer) or self._fields_seen

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        self._buffer += chunk
        if self._start:
            if len(self._buffer) < len(_BOM) and _BOM.startswith(bytes(self._buffer)):
                return []  # maybe a BOM still arriving
            if self._buffer.startswith(_BOM):
                del self._buffer[: len(_BOM)]
            self._start = False
        events: list[ServerSentEvent] = []
        start = 0
        search = self._scanned  # a big event's data line arrives in many chunks: scan each once
        buffer = self._buffer
        size = len(buffer)
        while start < size:
            cr = buffer.find(b"\r", search)
            lf = buffer.find(b"\n", search)
            if cr < 0 and lf < 0:
                break
            if cr >= 0 and (lf < 0 or cr < lf):
                end, next_start = cr, cr + 1
                if next_start < size:
                    if buffer[next_start] == 0x0A:
                        next_start += 1
                else:
                    self._skip_lf = True  # CR at the very end: a LF may follow in the next chunk
            else:
                end, next_start = lf, lf + 1
            if end - start >= _BIG_LINE and buffer.startswith(b"data:", start):
                self._big_data(buffer, start, end)
                event = None
            else:
                event = self._line(bytes(buffer[start:end]))
            if event is not None:
                events.append(event)
            start = search = next_start
        del self._buffer[:start]
        self._scanned = len(self._buffer)
        return events

    def close(self) -> list[ServerSentEvent]:
        """End of stream. Per the spec an event not ended by a blank line is discarded; a last
        line without its line ending is still read (some servers omit the final newline)."""
        if self._buffer:
            line = bytes(self._buffer)
            self._buffer.clear()
            self._scanned = 0
            self._line(line)
        return []

    # -- internals ----------------------------------------------------------------------------

    def _line(self, raw: bytes) -> ServerSentEvent | None:
        if not raw:
            return self._dispatch()
        line = raw.decode("utf-8", errors="replace")
        if line.startswith(":"):
            return None  # a comment: keep-alive
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._fields_seen = True
        elif name == "event":
            self._event = value
            self._fields_seen = True
        elif name == "id":
            if "\x00" not in value:
                self._id = value
            self._fields_seen = True
        elif name == "retry":
            if value.isdigit():
                self._retry = int(value)
            self._fields_seen = True
        return None  # unknown fields are ignored

    def _big_data(self, buffer: bytearray, start: int, end: int) -> None:
        """A ``data:`` line of an image's size: its value copied once, kept as bytes."""
        begin = start + 5
        if buffer[begin : begin + 1] == b" ":
            begin += 1
        with memoryview(buffer) as view:  # released before the buffer is trimmed
            self._data.append(bytes(view[begin:end]))
        self._fields_seen = True

    def _dispatch(self) -> ServerSentEvent | None:
        if self._id is not None:
            self._last_id = self._id
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._id, self._retry = [], None, None, None
        self._fields_seen = False
        if not data:
            return None
        if len(data) == 1 and isinstance(data[0], bytes):
            raw = data[0]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("utf-8", errors="replace")
                raw = text.encode("utf-8")  # what the text says, replacement characters and all
            return ServerSentEvent(text, event or None, self._last_id, retry, utf8=raw)
        lines = [d.decode("utf-8", errors="replace") if isinstance(d, bytes) else d for d in data]
        return ServerSentEvent("\n".join(lines), event or None, self._last_id, retry)


def parse_events(stream: bytes) -> list[ServerSentEvent]:
    """Every complete event in a whole byte stream (tests, and answers read in one piece)."""
    decoder = SSEDecoder()
    events = decoder.feed(stream)
    events += decoder.close()
    return events
