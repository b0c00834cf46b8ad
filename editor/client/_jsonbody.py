"""The JSON body (OpenAI's ``EditImageBodyJsonParam``; the gateway accepts it too).

Images go as OpenAI's ``images: [{"image_url": ...}]`` list by default. The gateway also reads
``image`` as a plain URL/data-URL string; ``image_key="image"`` sends that shape instead (one
image → a string, several → a list of strings) for a profile that needs it.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Literal

from ..core.request import EditRequest, ImageInput
from ._exceptions import RequestBuildError
from ._fields import text_fields
from ._multipart import Body

__all__ = ["ImageKey", "build_json", "image_url_of", "json_payload"]

ImageKey = Literal["images", "image"]


def image_url_of(image: ImageInput) -> str:
    """A URL input as is, bytes as a ``data:<mime>;base64,...`` URL."""
    if image.url is not None:
        return image.url
    assert image.data is not None
    encoded = base64.b64encode(image.data).decode("ascii")
    return f"data:{image.mime_type or 'image/png'};base64,{encoded}"


def json_payload(request: EditRequest, *, image_key: ImageKey = "images") -> dict[str, Any]:
    if not request.images:
        raise RequestBuildError("The request has no image to edit.")
    urls = [image_url_of(image) for image in request.images]
    payload: dict[str, Any] = {}
    if image_key == "images":
        payload["images"] = [{"image_url": url} for url in urls]
    else:
        payload["image"] = urls[0] if len(urls) == 1 else urls
    if request.mask is not None:
        mask_url = image_url_of(request.mask)
        payload["mask"] = {"image_url": mask_url} if image_key == "images" else mask_url
    if request.markup is not None:
        markup_url = image_url_of(request.markup)
        payload["markup"] = {"image_url": markup_url} if image_key == "images" else markup_url
    for name, value in text_fields(request):
        payload[name] = value  # ints and bools keep their JSON types; extra may add keys
    return payload


def build_json(request: EditRequest, *, image_key: ImageKey = "images") -> Body:
    payload = json_payload(request, image_key=image_key)
    content = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Body((content,), "application/json")
