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


def _fed_in_pieces(decoder: SSEDecoder, data: bytes, cuts: list[int]) -> list[ServerSentEvent]:
    """The events ``decoder`` gives for ``data`` fed in pieces cut at ``cuts`` (modulo its
    length), as a socket might deliver it."""
    points = sorted({c % (len(data) + 1) for c in cuts})
    events: list[ServerSentEvent] = []
    last = 0
    for point in [*points, len(data)]:
        events += decoder.feed(data[last:point])
        last = point
    return events


@settings(max_examples=300, deadline=None)
@given(stream=_streams(), cuts=st.lists(st.integers(0, 10_000), max_size=12))
def test_same_events_however_the_stream_is_split(
    stream: tuple[bytes, list[ServerSentEvent]], cuts: list[int]
) -> None:
    data, expected = stream
    decoder = SSEDecoder()
    events = _fed_in_pieces(decoder, data, cuts) + decoder.close()
    assert events == expected
    assert events == parse_events(data)


_big = st.builds(
    lambda unit, count: unit * count,
    st.sampled_from(["A", "é", "x/+", " lead"]),
    st.integers(70_000, 80_000),
)


@settings(max_examples=40, deadline=None)
@given(
    lines=st.lists(st.one_of(_text, _big), min_size=1, max_size=3),
    space=st.booleans(),
    cuts=st.lists(st.integers(0, 300_000), max_size=8),
)
def test_image_sized_data_lines_read_as_small_ones_do(
    lines: list[str], space: bool, cuts: list[int]
) -> None:
    data = b"".join(f"data:{' ' * space}{line}\n".encode() for line in lines) + b"\n"
    (event,) = _fed_in_pieces(SSEDecoder(), data, cuts)
    sent = [" " * space + line for line in lines]
    values = [v[1:] if v.startswith(" ") else v for v in sent]  # one space after the colon goes
    assert event == ServerSentEvent("\n".join(values))
    # One big line: the bytes as they came ride along, so nothing has to encode them again.
    assert event.utf8 is None or event.utf8 == event.data.encode("utf-8")
    if len(lines) == 1 and len(sent[0].encode()) >= 64 * 1024:
        assert event.utf8 is not None


def test_a_big_line_that_is_not_utf8_reads_with_replacement_characters() -> None:
    raw = b"data: " + b"A" * 70_000 + b"\xff\xfe" + b"B" * 10 + b"\n\n"
    (event,) = parse_events(raw)
    assert event.data == "A" * 70_000 + "\ufffd\ufffd" + "B" * 10
    assert event.utf8 == event.data.encode("utf-8")
