"""Streaming through the real client against the real local server (and a few canned streams)."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import httpx
import pytest

from editor.client import (
    BadRequestError,
    BadResponseError,
    EditsClient,
    Endpoint,
    PartialImage,
    Progress,
    RateLimitError,
    ServerError,
    ServiceConnectionError,
)
from editor.server import ServerThread

from .helpers import photo_array, png_of, stream_request


def client_for(server: ServerThread, retries: int = 0) -> EditsClient:
    return EditsClient(Endpoint(base_url=server.base_url, max_retries=retries, timeout=60))


def add_fault(server: ServerThread, **fault: object) -> None:
    httpx.post(server.origin + "/_test/faults", json=fault, timeout=10).raise_for_status()


def logged(server: ServerThread) -> list[dict[str, object]]:
    return list(httpx.get(server.origin + "/_test/requests", timeout=10).json())


@pytest.mark.asyncio
async def test_partials_arrive_before_the_final_in_order(server: ServerThread) -> None:
    seen: list[tuple[str, object]] = []
    phases: list[str] = []

    def on_partial(p: PartialImage) -> None:
        seen.append(("partial", (p.index, p.partial_index, p.description)))
        assert p.mime_type == "image/png" and p.data.startswith(b"\x89PNG")

    def on_progress(p: Progress) -> None:
        phases.append(p.phase)

    async with client_for(server) as client:
        result = await client.edit(
            stream_request(partial_images=3), on_partial=on_partial, on_progress=on_progress
        )
    assert [s[1][:2] for s in seen] == [(0, 0), (0, 1), (0, 2)]  # type: ignore[index]
    assert "Telea" in str(seen[0][1]) and "1/2 resolution" in str(seen[2][1])
    assert "streaming" in phases and phases.index("streaming") < phases.index("done")
    assert len(result.images) == 1 and result.images[0].mime_type == "image/png"
    assert result.usage is not None and result.usage["total_tokens"] == 0
    assert result.timings.ttfb_s is not None
    entry = logged(server)[-1]["fields"]
    assert entry["stream"] == "true" and entry["partial_images"] == "3"  # type: ignore[index]


@pytest.mark.asyncio
async def test_two_images_stream_with_indexes(server: ServerThread) -> None:
    partials: list[PartialImage] = []
    async with client_for(server) as client:
        result = await client.edit(
            stream_request(n=2, partial_images=2), on_partial=partials.append
        )
    assert len(result.images) == 2
    assert sorted((p.index, p.partial_index) for p in partials) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for index in (0, 1):  # each image's own previews come in order
        mine = [p.partial_index for p in partials if p.index == index]
        assert mine == [0, 1]
    # the two variants really differ (patch size 3 vs 5), and so do their final images
    assert result.images[0].data != result.images[1].data


@pytest.mark.asyncio
async def test_no_partials_when_zero_asked(server: ServerThread) -> None:
    partials: list[PartialImage] = []
    async with client_for(server) as client:
        result = await client.edit(stream_request(partial_images=0), on_partial=partials.append)
    assert partials == [] and len(result.images) == 1


@pytest.mark.asyncio
async def test_partial_images_out_of_range_is_a_400(server: ServerThread) -> None:
    async with client_for(server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.edit(stream_request(partial_images=4))
    assert caught.value.param == "partial_images"


@pytest.mark.asyncio
async def test_dropped_stream_is_an_error_that_keeps_the_partials(server: ServerThread) -> None:
    add_fault(server, kind="drop_stream", after_events=2)
    partials: list[PartialImage] = []
    async with client_for(server, retries=2) as client:
        with pytest.raises((ServiceConnectionError, BadResponseError)) as caught:
            await client.edit(stream_request(partial_images=3), on_partial=partials.append)
    assert [p.partial_index for p in partials] == [0, 1]
    assert "stream was cut" in str(caught.value)
    assert "2 partial previews arrived and are kept" in str(caught.value)
    assert len(logged(server)) == 1  # no retry once events had arrived


@pytest.mark.asyncio
async def test_gateway_answering_json_to_stream_still_works(server: ServerThread) -> None:
    # The "flat" stand-in answers a plain JSON edit whatever the request asked for.
    add_fault(server, kind="flat", color=[10, 20, 30])
    partials: list[PartialImage] = []
    async with client_for(server) as client:
        result = await client.edit(stream_request(partial_images=2), on_partial=partials.append)
    assert partials == [] and len(result.images) == 1


@pytest.mark.asyncio
async def test_a_5xx_before_the_first_event_is_sent_once_more_without_streaming(
    server: ServerThread,
) -> None:
    # A gateway that cannot relay events answers 500 to every streamed request: retrying it
    # streamed would fail the same way, so the next attempt asks for plain JSON.
    add_fault(server, kind="status", status=500, times=1)
    partials: list[PartialImage] = []
    async with EditsClient(Endpoint(base_url=server.base_url, max_retries=2)) as client:
        result = await client.edit(stream_request(partial_images=1), on_partial=partials.append)
    assert result.stream_fallback and len(result.images) == 1 and partials == []
    sent = [entry["fields"] for entry in logged(server)]
    assert len(sent) == 2
    assert sent[0]["stream"] == "true" and "stream" not in sent[1]
    assert "partial_images" not in sent[1]


@pytest.mark.asyncio
async def test_a_body_that_is_no_event_stream_is_sent_once_more_without_streaming(
    server: ServerThread,
) -> None:
    add_fault(server, kind="garbage", times=1)
    async with client_for(server) as client:
        result = await client.edit(stream_request(partial_images=1))
    assert result.stream_fallback and len(result.images) == 1
    assert len(logged(server)) == 2


@pytest.mark.asyncio
async def test_a_plain_request_answered_5xx_is_not_resent(server: ServerThread) -> None:
    add_fault(server, kind="status", status=500, times=1)
    async with client_for(server) as client:
        with pytest.raises(ServerError):
            await client.edit(replace(stream_request(), stream=False, partial_images=None))
    assert len(logged(server)) == 1


def canned(body: bytes, content_type: str = "text/event-stream") -> EditsClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": content_type}, content=body)

    endpoint = Endpoint(base_url="http://svc.test/v1", max_retries=0)
    return EditsClient(endpoint, transport=httpx.MockTransport(handler))


def event(name: str, doc: dict[str, object], crlf: bool = False) -> bytes:
    text = f"event: {name}\ndata: {json.dumps(doc)}\n\n"
    return (text.replace("\n", "\r\n") if crlf else text).encode()


@pytest.mark.asyncio
async def test_openai_shaped_stream_without_index_counts_completed_events() -> None:
    one = base64.b64encode(png_of(photo_array((8, 8)))).decode()
    usage = {"input_tokens": 10, "output_tokens": 20, "total_tokens": 30}
    body = (
        b": keep-alive\n\n"
        + event(
            "image_edit.partial_image",
            {"type": "image_edit.partial_image", "b64_json": one, "partial_image_index": 0},
            crlf=True,
        )
        + event(
            "image_edit.completed",
            {"type": "image_edit.completed", "b64_json": one, "usage": usage, "size": "1024x1024"},
        )
        + event(
            "image_edit.partial_image",
            {"type": "image_edit.partial_image", "b64_json": one, "partial_image_index": 0},
        )
        + event(
            "image_edit.completed",
            {"type": "image_edit.completed", "b64_json": one, "usage": usage},
        )
    )
    partials: list[PartialImage] = []
    async with canned(body) as client:
        result = await client.edit(stream_request(), on_partial=partials.append)
    assert [p.index for p in partials] == [0, 1]
    assert len(result.images) == 2
    assert result.usage == {"input_tokens": 20, "output_tokens": 40, "total_tokens": 60}
    assert result.meta == {"size": "1024x1024"}


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        ({"type": "rate_limit_exceeded", "message": "Slow down"}, RateLimitError, "429"),
        (
            {"type": "invalid_request_error", "message": "Bad mask", "param": "mask"},
            BadRequestError,
            "Bad mask",
        ),
        ({"message": "Something broke"}, ServerError, "Something broke"),
    ],
)
@pytest.mark.asyncio
async def test_error_event_becomes_the_right_error(
    error: dict[str, str], kind: type[Exception], words: str
) -> None:
    body = event("error", {"type": "error", "error": error})
    async with canned(body) as client:
        with pytest.raises(kind) as caught:
            await client.edit(stream_request())
    assert words in str(caught.value)


@pytest.mark.asyncio
async def test_stream_ending_without_final_is_a_bad_response() -> None:
    # Not one event: no stream at all, so it is asked once more without streaming — and the
    # canned service's second answer is no edits answer either.
    async with canned(b": only a comment\n\n") as client:
        with pytest.raises(BadResponseError):
            await client.edit(stream_request())


@pytest.mark.asyncio
async def test_stream_ending_after_a_preview_without_final_is_a_bad_response() -> None:
    partial = event(
        "image_edit.partial_image",
        {
            "type": "image_edit.partial_image",
            "b64_json": base64.b64encode(png_of(photo_array((8, 8)))).decode(),
            "partial_image_index": 0,
        },
    )
    async with canned(partial) as client:
        with pytest.raises(BadResponseError, match="final image never arrived"):
            await client.edit(stream_request())
