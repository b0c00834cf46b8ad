"""A request is the options a person chose plus the images: what they chose reaches the service."""

from __future__ import annotations

import dataclasses

from editor.core.params import ApiOptions
from editor.core.request import ImageInput


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
