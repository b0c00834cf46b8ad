"""The API options are the request's own fields: what the user chose reaches the service."""

from __future__ import annotations

import dataclasses
import typing

from editor.core.params import ApiOptions
from editor.core.request import EditRequest, ImageInput


def test_every_api_option_is_a_request_field_of_the_same_type() -> None:
    request_types = typing.get_type_hints(EditRequest)
    for name, kind in typing.get_type_hints(ApiOptions).items():
        assert name in request_types, name
        if name != "response_format":  # a profile's own word; the request's is the spec's two
            assert kind == request_types[name], name


def test_the_request_carries_each_option_and_the_settled_size() -> None:
    options = ApiOptions(
        "a red door",
        model="gpt-image-1",
        n=3,
        size="auto",
        quality="high",
        watermark=False,
        background="transparent",
        output_format="webp",
        output_compression=80,
        input_fidelity="high",
        stream=True,
        partial_images=2,
    )
    image = ImageInput(data=b"png", filename="image.png")
    request = options.request((image,), None, size="1536x1024", response_format="b64_json")
    for f in dataclasses.fields(ApiOptions):
        if f.name not in ("size", "response_format"):
            assert getattr(request, f.name) == getattr(options, f.name), f.name
    assert request.size == "1536x1024" and request.response_format == "b64_json"
    assert request.images == (image,) and request.mask is None


def test_previews_are_asked_only_when_streaming() -> None:
    options = ApiOptions("a door", stream=False, partial_images=2)
    image = ImageInput(data=b"png")
    assert options.request((image,), None, size=None, response_format=None).partial_images is None
