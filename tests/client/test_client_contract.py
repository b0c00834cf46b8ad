"""Every field of the contract reaches the real local server exactly as sent."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from PIL import Image

from editor.client import EditsClient, Progress, RequestBuildError
from editor.core.request import OMIT, ImageInput

from .conftest import (
    HEIGHT,
    WIDTH,
    endpoint_for,
    jpeg_bytes,
    logged_requests,
    make_request,
    png_bytes,
)

pytestmark = pytest.mark.asyncio


def summary_ok(summary: dict[str, Any], image: ImageInput, *, filename: bool = True) -> None:
    assert image.data is not None
    assert summary["sha256"] == hashlib.sha256(image.data).hexdigest()
    assert summary["bytes"] == len(image.data)
    assert summary["content_type"] == image.mime_type
    if filename:
        assert summary["filename"] == image.filename


async def test_multipart_every_field(server: Any) -> None:
    request = make_request(
        n=2,
        size=f"{WIDTH}x{HEIGHT}",
        quality="high",
        watermark=True,
        response_format="b64_json",
        background="opaque",
        output_format="webp",
        output_compression=80,
        input_fidelity="high",
        user="designer-7",
        extra={"seed": "42"},
    )
    async with EditsClient(endpoint_for(server)) as client:
        result = await client.edit(request)
    [entry] = logged_requests(server)
    assert entry["path"] == "/v1/images/edits"
    assert entry["content_type"].startswith("multipart/form-data; boundary=")
    assert entry["authorization"] == "bearer"
    assert entry["parse_error"] is None
    fields = entry["fields"]
    summary_ok(fields.pop("image"), request.images[0])
    summary_ok(fields.pop("mask"), request.mask)  # type: ignore[arg-type]
    assert fields == {
        "prompt": "fill the hole",
        "model": "telea",
        "n": "2",
        "size": "48x32",
        "quality": "high",
        "watermark": "true",
        "response_format": "b64_json",
        "background": "opaque",
        "output_format": "webp",
        "output_compression": "80",
        "input_fidelity": "high",
        "user": "designer-7",
        "seed": "42",
    }
    assert len(result.images) == 2
    assert all(im.mime_type == "image/webp" for im in result.images)
    assert result.meta == {
        "size": "48x32",
        "quality": "high",
        "output_format": "webp",
        "background": "opaque",
    }
    assert result.request_id and result.request_id.startswith("req_")
    assert isinstance(result.created, int)
    assert result.timings.attempts == 1 and result.timings.total_s >= result.timings.ttfb_s > 0


async def test_multipart_minimal_sends_only_what_is_set(server: Any) -> None:
    async with EditsClient(endpoint_for(server, api_key=None)) as client:
        result = await client.edit(make_request(model=None))
    [entry] = logged_requests(server)
    assert entry["raw_field_names"] == ["image", "mask", "prompt", "n"]
    assert entry["fields"]["n"] == "1"
    assert entry["authorization"] is None
    assert len(result.images) == 1


async def test_several_images_go_as_image_brackets_on_the_alias_route(server: Any) -> None:
    images = (
        ImageInput(png_bytes(), "image/png", "base.png"),
        ImageInput(jpeg_bytes(), "image/jpeg", "ref.jpg"),
    )
    request = make_request(images=images)
    async with EditsClient(endpoint_for(server, route="edits")) as client:
        result = await client.edit(request)
    [entry] = logged_requests(server)
    assert entry["path"] == "/v1/edits"
    assert entry["raw_field_names"][:3] == ["image[]", "image[]", "mask"]
    first, second = entry["fields"]["image[]"]
    summary_ok(first, images[0])
    summary_ok(second, images[1])
    assert second["mode"] == "RGB" and second["width"] == WIDTH
    assert "Reference images 2–2 were not used" in (result.images[0].revised_prompt or "")


@pytest.mark.parametrize("body", ["multipart", "json"])
@pytest.mark.parametrize(("watermark", "sent"), [(OMIT, None), (True, True), (False, False)])
async def test_watermark_three_states(server: Any, body: str, watermark: Any, sent: Any) -> None:
    async with EditsClient(endpoint_for(server, body=body)) as client:
        await client.edit(make_request(watermark=watermark))
    [entry] = logged_requests(server)
    fields = entry["fields"]
    if sent is None:
        assert "watermark" not in fields
    elif body == "multipart":
        assert fields["watermark"] == ("true" if sent else "false")
    else:
        assert fields["watermark"] is sent


@pytest.mark.parametrize("body", ["multipart", "json"])
@pytest.mark.parametrize("n", [None, 0])
async def test_n_zero_or_none_is_sent_as_one(server: Any, body: str, n: int | None) -> None:
    async with EditsClient(endpoint_for(server, body=body)) as client:
        result = await client.edit(make_request(n=n))
    [entry] = logged_requests(server)
    assert entry["fields"]["n"] == ("1" if body == "multipart" else 1)
    assert len(result.images) == 1


@pytest.mark.parametrize("route", ["images/edits", "edits"])
async def test_json_body_every_field(server: Any, route: str) -> None:
    request = make_request(
        n=2,
        size="auto",
        quality="low",
        watermark=False,
        background="transparent",
        output_format="png",
        output_compression=90,
        input_fidelity="low",
        user="u1",
        extra={"moderation": "low"},
    )
    async with EditsClient(endpoint_for(server, body="json", route=route)) as client:
        result = await client.edit(request)
    [entry] = logged_requests(server)
    assert entry["path"] == f"/v1/{route}"
    assert entry["content_type"] == "application/json"
    fields = entry["fields"]
    [image] = fields.pop("images")
    summary_ok(image["image_url"], request.images[0], filename=False)
    summary_ok(fields.pop("mask")["image_url"], request.mask, filename=False)  # type: ignore[arg-type]
    assert fields == {
        "prompt": "fill the hole",
        "model": "telea",
        "n": 2,
        "size": "auto",
        "quality": "low",
        "watermark": False,
        "background": "transparent",
        "output_format": "png",
        "output_compression": 90,
        "input_fidelity": "low",
        "user": "u1",
        "moderation": "low",
    }
    assert "response_format" not in fields
    assert len(result.images) == 2 and result.meta["output_format"] == "png"


async def test_url_results_are_downloaded_and_reusable_as_json_url_input(server: Any) -> None:
    async with EditsClient(endpoint_for(server)) as client:
        first = await client.edit(make_request(response_format="url", n=2))
        assert [im.url is not None for im in first.images] == [True, True]
        for im in first.images:
            assert im.url and im.url.startswith(server.base_url + "/files/")
            with Image.open(io.BytesIO(im.data)) as decoded:
                assert decoded.size == (WIDTH, HEIGHT)
            assert im.mime_type == "image/png" and im.revised_prompt

        # A URL input can only travel in a JSON body; the server fetches its own result.
        url_input = ImageInput(url=first.images[0].url)
        with pytest.raises(RequestBuildError, match="web address"):
            await client.edit(make_request(images=(url_input,)))
        json_client = EditsClient(endpoint_for(server, body="json"))
        async with json_client:
            second = await json_client.edit(make_request(images=(url_input,)))
    entries = logged_requests(server)
    assert len(entries) == 2  # the multipart attempt never left the client
    assert entries[1]["fields"]["images"] == [{"image_url": first.images[0].url}]
    assert second.images[0].url is None and second.images[0].mime_type == "image/png"


async def test_b64_results_are_decoded(server: Any) -> None:
    async with EditsClient(endpoint_for(server)) as client:
        result = await client.edit(make_request(output_format="jpeg", n=3, model="navier-stokes"))
    assert len(result.images) == 3
    for im in result.images:
        assert im.url is None and im.mime_type == "image/jpeg"
        assert im.data.startswith(b"\xff\xd8\xff")


async def test_progress_phases(server: Any) -> None:
    seen: list[Progress] = []
    async with EditsClient(endpoint_for(server)) as client:
        await client.edit(make_request(response_format="url"), on_progress=seen.append)
    phases = [p.phase for p in seen]
    assert phases[0] == "upload" and phases[-1] == "done"
    assert phases.index("waiting") > max(i for i, p in enumerate(phases) if p == "upload")
    uploads = [p for p in seen if p.phase == "upload"]
    assert uploads[0].done == 0 and uploads[-1].done == uploads[-1].total
    assert [p.done for p in uploads] == sorted(p.done for p in uploads)
    downloads = [p for p in seen if p.phase == "download"]
    assert downloads and downloads[-1].done == downloads[-1].total
    assert all(p.attempt == 1 and p.retry_in is None for p in seen)


async def test_list_models(server: Any) -> None:
    async with EditsClient(endpoint_for(server)) as client:
        assert await client.list_models() == ["patchmatch", "telea", "navier-stokes"]
