"""The SSE parser: the spec's line rules, and the same events however the bytes are split."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.client import ServerSentEvent, SSEDecoder
from editor.client._sse import parse_events


def test_basic_event_with_name_and_data() -> None:
    events = parse_events(b'event: image_edit.completed\ndata: {"a": 1}\n\n')
    assert events == [ServerSentEvent('{"a": 1}', "image_edit.completed")]


def test_multiline_data_comments_crlf_and_cr() -> None:
    stream = (
        b": keep-alive\r\n\r\n"
        b"data: one\r\ndata:two\r\n\r\n"
        b"event: x\rdata:  three\r\r"
        b"data\n\n"
        b"unknown: field\nid: 7\ndata: four\n\n"
    )
    assert parse_events(stream) == [
        ServerSentEvent("one\ntwo"),
        ServerSentEvent(" three", "x"),  # only one space after the colon is dropped
        ServerSentEvent(""),  # "data" with no colon: an empty data line
        ServerSentEvent("four", None, "7"),
    ]


def test_event_without_data_is_not_dispatched_and_bom_skipped() -> None:
    assert parse_events(b"\xef\xbb\xbfevent: ping\n\ndata: x\n\n") == [ServerSentEvent("x")]


def test_unfinished_event_is_pending_and_dropped_at_close() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: partial") == []
    assert decoder.pending
    assert decoder.close() == []


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b"data: a\r")
    events += decoder.feed(b"\n\r")
    events += decoder.feed(b"\ndata: b\n\n")
    assert events == [ServerSentEvent("a"), ServerSentEvent("b")]


_names = st.sampled_from(["image_edit.partial_image", "image_edit.completed", "error", None])
_text = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=40
)
_line_end = st.sampled_from([b"\n", b"\r\n", b"\r"])


@st.composite
def _streams(draw: st.DrawFn) -> tuple[bytes, list[ServerSentEvent]]:
    out = bytearray()
    expected: list[ServerSentEvent] = []
    for _ in range(draw(st.integers(0, 6))):
        end = draw(_line_end)
        if draw(st.booleans()):
            out += b": keep-alive" + end
        name = draw(_names)
        if name is not None:
            out += f"event: {name}".encode() + end
        lines = draw(st.lists(_text, min_size=1, max_size=3))
        for line in lines:
            out += f"data: {line}".encode() + end
        out += end
        expected.append(ServerSentEvent("\n".join(lines), name))
    return bytes(out), expected


@settings(max_examples=300, deadline=None)
@given(stream=_streams(), cuts=st.lists(st.integers(0, 10_000), max_size=12))
def test_same_events_however_the_stream_is_split(
    stream: tuple[bytes, list[ServerSentEvent]], cuts: list[int]
) -> None:
    data, expected = stream
    points = sorted({c % (len(data) + 1) for c in cuts})
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    last = 0
    for point in [*points, len(data)]:
        events += decoder.feed(data[last:point])
        last = point
    events += decoder.close()
    assert events == expected
    assert events == parse_events(data)
