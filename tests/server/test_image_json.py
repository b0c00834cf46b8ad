"""Image answers built in slices read back exactly as the plain JSON would."""

from __future__ import annotations

import base64
import json
import os

from editor.client._sse import parse_events
from editor.server.image_json import b64_slices, image_answer, image_event


def test_the_answer_is_the_json_it_stands_for() -> None:
    images = [os.urandom(2_000_001), os.urandom(5)]
    items = [(images[0], {"revised_prompt": 'a "red" scarf'}), (images[1], {})]
    items.append((None, {"url": "http://127.0.0.1/v1/files/x.png", "revised_prompt": "x"}))
    fields = {"created": 7, "size": "6000x4000", "background": "opaque"}
    parts = image_answer(items, fields)
    assert json.loads(b"".join(parts)) == {
        "data": [
            {"b64_json": base64.b64encode(images[0]).decode(), "revised_prompt": 'a "red" scarf'},
            {"b64_json": base64.b64encode(images[1]).decode()},
            {"url": "http://127.0.0.1/v1/files/x.png", "revised_prompt": "x"},
        ],
        **fields,
    }
    assert max(len(p) for p in parts) < 1_000_000  # 2.7 MB of base64, never in one piece
    assert json.loads(b"".join(image_answer([], {}))) == {"data": []}


def test_slices_join_to_the_base64() -> None:
    data = os.urandom(3 * (1 << 17) * 3 + 2)
    slices = b64_slices(data)
    assert len(slices) == 4
    assert b"".join(slices) == base64.b64encode(data)
    assert b64_slices(b"") == []


def test_an_event_reads_back_with_its_image() -> None:
    image = os.urandom(1_500_000)
    fields = {"type": "image_edit.completed", "index": 1}
    stream = b"".join(image_event("image_edit.completed", image, fields))
    stream += b"".join(image_event("error", None, {"type": "error"}))
    first, second = parse_events(stream)
    assert first.event == "image_edit.completed"
    assert json.loads(first.data) == {"b64_json": base64.b64encode(image).decode(), **fields}
    assert second.event == "error" and json.loads(second.data) == {"type": "error"}
