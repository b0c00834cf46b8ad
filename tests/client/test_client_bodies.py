"""Request bodies as bytes: multipart parts and the JSON shape (the server checks them again)."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.client import Body, RequestBuildError, build_json, build_multipart
from editor.client._client import UPLOAD_CHUNK, _upload_chunks
from editor.client._multipart import quote_header_value
from editor.core.request import OMIT, ImageInput

from .conftest import jpeg_bytes, make_request, png_bytes


def parts_of(content: bytes, content_type: str) -> list[tuple[dict[str, str], bytes]]:
    """A minimal multipart reader for the tests: (headers, payload) per part."""
    boundary = content_type.split("boundary=", 1)[1].encode()
    assert content.endswith(b"--" + boundary + b"--\r\n")
    out = []
    for chunk in content.split(b"--" + boundary)[1:-1]:
        assert chunk.startswith(b"\r\n") and chunk.endswith(b"\r\n")
        head, _, payload = chunk[2:-2].partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        out.append((headers, payload))
    return out


def part_name(headers: dict[str, str]) -> str:
    return headers["Content-Disposition"].split('name="')[1].split('"')[0]


def names(content: bytes, content_type: str) -> list[str]:
    return [part_name(h) for h, _ in parts_of(content, content_type)]


def text_parts(request_body: Body) -> dict[str, str]:
    parts = parts_of(request_body.content, request_body.content_type)
    return {part_name(h): p.decode() for h, p in parts if "Content-Type" not in h}


def test_multipart_single_image_all_fields() -> None:
    request = make_request(
        n=3,
        size="48x32",
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
    body = build_multipart(request)
    assert body.content_type.startswith("multipart/form-data; boundary=")
    parts = parts_of(body.content, body.content_type)
    got = {part_name(h): (h, payload) for h, payload in parts}
    assert list(got) == [
        "image", "mask", "prompt", "model", "n", "size", "quality", "watermark",
        "response_format", "background", "output_format", "output_compression",
        "input_fidelity", "user", "seed",
    ]  # fmt: skip
    head, data = got["image"]
    assert (
        head["Content-Type"] == "image/png"
        and 'filename="photo.png"' in head["Content-Disposition"]
    )
    assert data == request.images[0].data
    assert got["mask"][0]["Content-Type"] == "image/png"
    texts = {k: v[1].decode() for k, v in got.items() if "Content-Type" not in v[0]}
    assert texts == {
        "prompt": "fill the hole", "model": "telea", "n": "3", "size": "48x32",
        "quality": "high", "watermark": "true", "response_format": "b64_json",
        "background": "opaque", "output_format": "webp", "output_compression": "80",
        "input_fidelity": "high", "user": "designer-7", "seed": "42",
    }  # fmt: skip


def test_multipart_minimal_sends_only_what_is_set() -> None:
    body = build_multipart(make_request(mask=None, model=None))
    assert names(body.content, body.content_type) == ["image", "prompt", "n"]


@pytest.mark.parametrize(("n", "sent"), [(None, "1"), (0, "1"), (-2, "1"), (1, "1"), (4, "4")])
def test_multipart_n(n: int | None, sent: str) -> None:
    assert text_parts(build_multipart(make_request(n=n)))["n"] == sent


@pytest.mark.parametrize(("watermark", "sent"), [(OMIT, None), (True, "true"), (False, "false")])
def test_multipart_watermark_three_states(watermark: object, sent: str | None) -> None:
    assert text_parts(build_multipart(make_request(watermark=watermark))).get("watermark") == sent


def test_multipart_several_images_use_image_brackets_with_real_types() -> None:
    images = (
        ImageInput(png_bytes(), "image/png", "a.png"),
        ImageInput(jpeg_bytes(), "image/jpeg", "b.jpg"),
    )
    body = build_multipart(make_request(images=images))
    parts = parts_of(body.content, body.content_type)
    assert names(body.content, body.content_type)[:3] == ["image[]", "image[]", "mask"]
    assert parts[1][0]["Content-Type"] == "image/jpeg"
    assert 'filename="b.jpg"' in parts[1][0]["Content-Disposition"]
    assert parts[1][1] == images[1].data


def test_multipart_escapes_names_and_filenames() -> None:
    assert quote_header_value('a"b\r\nc') == "a%22b%0D%0Ac"
    image = ImageInput(png_bytes(), "image/png", 'evil"\r\nname.png')
    body = build_multipart(make_request(images=(image,), extra={'x"y': "1"}))
    parts = parts_of(body.content, body.content_type)
    assert 'filename="evil%22%0D%0Aname.png"' in parts[0][0]["Content-Disposition"]
    assert names(body.content, body.content_type)[-1] == "x%22y"


def test_multipart_cannot_carry_a_url() -> None:
    request = make_request(images=(ImageInput(url="https://example.invalid/a.png"),))
    with pytest.raises(RequestBuildError) as info:
        build_multipart(request)
    assert isinstance(info.value, ValueError)
    assert "Image #1 is a web address" in str(info.value)
    assert "JSON body" in info.value.user_message


def test_no_image_is_a_build_error() -> None:
    with pytest.raises(RequestBuildError, match="no image"):
        build_multipart(make_request(images=()))
    with pytest.raises(RequestBuildError, match="no image"):
        build_json(make_request(images=()))


def test_json_body_shape() -> None:
    request = make_request(
        images=(
            ImageInput(png_bytes(), "image/png", "a.png"),
            ImageInput(url="https://example.invalid/ref.png"),
        ),
        n=0,
        watermark=False,
        output_compression=50,
        extra={"moderation": "low"},
    )
    body = build_json(request)
    assert body.content_type == "application/json"
    doc = json.loads(body.content)
    first = doc["images"][0]["image_url"]
    assert first.startswith("data:image/png;base64,")
    assert base64.b64decode(first.split(",", 1)[1]) == request.images[0].data
    assert doc["images"][1] == {"image_url": "https://example.invalid/ref.png"}
    assert doc["mask"]["image_url"].startswith("data:image/png;base64,")
    assert doc["n"] == 1 and doc["watermark"] is False and doc["output_compression"] == 50
    assert doc["moderation"] == "low"
    assert "response_format" not in doc and "size" not in doc and "image" not in doc


def test_json_body_gateway_image_key() -> None:
    body = build_json(make_request(mask=None, response_format="url"), image_key="image")
    doc = json.loads(body.content)
    assert isinstance(doc["image"], str) and doc["image"].startswith("data:image/png;base64,")
    assert doc["response_format"] == "url" and "images" not in doc


@given(st.lists(st.integers(0, 3 * UPLOAD_CHUNK), max_size=8))
@settings(max_examples=40, deadline=None)
def test_the_upload_sends_every_part_in_order_in_bounded_chunks(sizes: list[int]) -> None:
    # Parts of any size (a part's header line, a prompt, an image) go out unjoined.
    parts = tuple(bytes([i % 251]) * size for i, size in enumerate(sizes))
    chunks = list(_upload_chunks(parts))
    assert b"".join(chunks) == b"".join(parts)
    assert all(0 < len(chunk) <= UPLOAD_CHUNK for chunk in chunks)
    assert len(chunks) <= sum(sizes) // UPLOAD_CHUNK + len(sizes)


def test_a_multipart_body_is_its_parts_unjoined() -> None:
    request = make_request()
    body = build_multipart(request, boundary="b")
    assert any(part is request.images[0].data for part in body.parts)  # no copy of the image
    assert body.length == len(body.content)
