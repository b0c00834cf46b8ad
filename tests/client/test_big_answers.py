"""A 100 MB answer (four full-resolution results in base64) is read without stalling the loop."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import pytest

from editor.client._response import parse_edit_response

PNG = b"\x89PNG\r\n\x1a\n"
TICK_S = 0.005


def _answer(images: list[bytes]) -> bytearray:
    doc = {
        "created": 1,
        "data": [
            {"b64_json": base64.b64encode(img).decode(), "revised_prompt": f"v{i}"}
            for i, img in enumerate(images)
        ],
        "size": "6000x4000",
        "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
    }
    return bytearray(json.dumps(doc).encode())


@pytest.mark.asyncio
async def test_the_loop_keeps_turning_while_a_100_mb_answer_is_parsed() -> None:
    images = [PNG + bytes([i]) * (19 * 1024 * 1024) for i in range(4)]
    body = _answer(images)
    assert len(body) > 100 * 1024 * 1024
    ticks = 0
    parsing = True

    async def timer() -> None:  # a 5 ms timer on the loop, as the window's repaints are
        nonlocal ticks
        while parsing:
            await asyncio.sleep(TICK_S)
            ticks += 1

    task = asyncio.create_task(timer())
    await asyncio.sleep(4 * TICK_S)
    before, started = ticks, time.perf_counter()
    parsed = await asyncio.to_thread(parse_edit_response, body, "application/json")
    possible = (time.perf_counter() - started) / TICK_S
    during = ticks - before
    parsing = False
    await task
    assert [item.data for item in parsed.items] == images
    assert parsed.usage == {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    # One json.loads + b64decode of the whole body holds the interpreter throughout: the timer
    # got about a tenth of its ticks. Lifted and decoded in slices, it keeps about half.
    assert during >= 0.3 * possible, f"{during} of {possible:.0f} timer ticks while parsing"


def test_escaped_slashes_and_data_urls_in_big_values_decode() -> None:
    image = PNG + bytes(range(256)) * 400
    text = base64.b64encode(image).decode()
    escaped = text.replace("/", "\\/")
    body = (
        '{"data": [{"b64_json": "' + escaped + '"}, {"url": "data:image/png;base64,' + text + '"}]}'
    ).encode()
    parsed = parse_edit_response(body)
    assert [item.data for item in parsed.items] == [image, image]


def test_broken_base64_in_a_big_value_is_a_plain_error() -> None:
    text = base64.b64encode(PNG + bytes(200_000)).decode()
    body = ('{"data": [{"b64_json": "' + text[:1000] + "!!" + text[1002:] + '"}]}').encode()
    with pytest.raises(Exception, match="could not be decoded"):
        parse_edit_response(body)
