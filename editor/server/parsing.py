"""Request bodies → one typed ``ReceivedEdit``.

Two stages: ``read_body`` turns multipart or JSON into raw fields (kept for the test-mode request
log, which must show what arrived even when validation then fails), ``validate`` checks them the
way the real service does and resolves every image to bytes.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import AsyncGenerator, Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from editor.server.errors import ApiError, bad_request

ACCEPTED_MIME_TYPES = ("image/png", "image/jpeg", "image/webp")
MAX_N = 10
MAX_IMAGES = 16
MAX_SIDE = 16384
_IMAGE_LIST_FIELD = re.compile(r"^image\[\d*\]$")
_SIZE = re.compile(r"^\s*(\d{1,6})\s*[xX×]\s*(\d{1,6})\s*$")
_QUALITIES = frozenset({"standard", "low", "medium", "high", "auto", "xhigh", "max", "hd"})
_BACKGROUNDS = frozenset({"transparent", "opaque", "auto"})
_OUTPUT_FORMATS = frozenset({"png", "jpeg", "webp"})
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
# Fields whose values are images; everything else in a body is a scalar.
_IMAGE_KEYS = frozenset({"image", "images", "mask", "markup"})


@dataclass(frozen=True, slots=True)
class RawFile:
    """An image as received: a file part, a decoded data URL/base64 string, or a served file."""

    data: bytes
    filename: str | None = None
    content_type: str | None = None


FieldValue = str | RawFile


@dataclass(slots=True)
class RawBody:
    """The fields of one request in arrival order, before any validation."""

    kind: Literal["multipart", "json"]
    items: list[tuple[str, FieldValue]] = field(default_factory=list)
    json: dict[str, Any] = field(default_factory=dict)


ResponseFormat = Literal["b64_json", "url"]
OutputFormat = Literal["png", "jpeg", "webp"]


@dataclass(frozen=True, slots=True)
class ReceivedEdit:
    prompt: str
    images: tuple[RawFile, ...]
    mask: RawFile | None
    model: str
    n: int
    size: tuple[int, int] | None  # None = "auto": the input's size
    quality: str
    response_format: ResponseFormat
    output_format: OutputFormat
    output_compression: int
    background: str
    watermark: bool | None  # None = omitted (the service's policy)
    stream: bool
    extra: dict[str, Any]
    markup: RawFile | None = None  # marks showing where to edit (2.6's field)


class AnyModel:
    """A model list that holds every name: a stand-in answers for any model."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


UrlResolver = Callable[[str, str], RawFile]
"""(url, param) → the bytes of one of our own served files, or raises ApiError."""


async def _replay(body: bytes) -> AsyncGenerator[bytes, None]:
    yield body


async def read_body(content_type: str, body: bytes, *, max_part_size: int) -> RawBody:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        return await _read_multipart(content_type, body, max_part_size)
    if media_type == "application/json" or media_type.endswith("+json"):
        return _read_json(body)
    raise bad_request(
        f"Unsupported content type {media_type or '(none)'!r}: "
        "send multipart/form-data or application/json."
    )


async def _read_multipart(content_type: str, body: bytes, max_part_size: int) -> RawBody:
    parser = MultiPartParser(
        Headers({"content-type": content_type}),
        _replay(body),
        max_files=64,
        max_fields=256,
        max_part_size=max_part_size,
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise bad_request(f"Could not parse multipart form: {exc.message}") from exc
    raw = RawBody("multipart")
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            raw.items.append((name, RawFile(data, value.filename, value.content_type)))
        else:
            raw.items.append((name, value))
    await form.close()
    return raw


def _read_json(body: bytes) -> RawBody:
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you "
            "aren't using your HTTP library correctly.)"
        ) from exc
    if not isinstance(doc, dict):
        raise bad_request("The JSON body must be an object.")
    return RawBody("json", items=[(str(k), json.dumps(v)) for k, v in doc.items()], json=doc)


def validate(
    raw: RawBody, *, models: Collection[str], default_model: str, resolve: UrlResolver
) -> ReceivedEdit:
    if raw.kind == "multipart":
        scalars, images, mask, markup = _multipart_fields(raw, resolve)
    else:
        scalars, images, mask, markup = _json_fields(raw.json, resolve)

    prompt = scalars.pop("prompt", None)
    if not isinstance(prompt, str) or not prompt.strip():
        raise bad_request("Missing required parameter: 'prompt'.", param="prompt")
    if len(prompt) > 32000:
        raise bad_request(
            f"Invalid 'prompt': string too long. Expected a string with maximum length 32000, "
            f"but got a string with length {len(prompt)} instead.",
            param="prompt",
            code="string_above_max_length",
        )
    if not images:
        raise bad_request("Missing required parameter: 'image'.", param="image")
    if len(images) > MAX_IMAGES:
        raise bad_request(f"Too many images: at most {MAX_IMAGES} are allowed.", param="image")

    model = _text(scalars.pop("model", None), "model") or default_model
    if model not in models:
        raise ApiError(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
        )
    n = _int(scalars.pop("n", None), "n", default=1)
    if n == 0:
        n = 1  # the gateway's rule: omitted or 0 means one image
    if not 1 <= n <= MAX_N:
        raise bad_request(
            f"Invalid 'n': integer {'above maximum' if n > MAX_N else 'below minimum'} value. "
            f"Expected a value between 1 and {MAX_N}, but got {n} instead.",
            param="n",
            code="integer_above_max_value" if n > MAX_N else "integer_below_min_value",
        )
    size = _size(_text(scalars.pop("size", None), "size"))
    quality = _choice(scalars.pop("quality", None), "quality", _QUALITIES, "auto")
    background = _choice(scalars.pop("background", None), "background", _BACKGROUNDS, "auto")
    output_format = _choice(
        scalars.pop("output_format", None), "output_format", _OUTPUT_FORMATS, "png"
    )
    if background == "transparent" and output_format == "jpeg":
        raise bad_request(
            "Transparent background requires output_format png or webp.", param="background"
        )
    response_format = _choice(
        scalars.pop("response_format", None), "response_format", {"b64_json", "url"}, "b64_json"
    )
    compression = _int(scalars.pop("output_compression", None), "output_compression", default=100)
    if not 0 <= compression <= 100:
        raise bad_request(
            "Invalid 'output_compression': expected a value between 0 and 100.",
            param="output_compression",
        )
    watermark = _bool(scalars.pop("watermark", None), "watermark")
    stream = bool(_bool(scalars.pop("stream", None), "stream"))
    return ReceivedEdit(
        prompt=prompt,
        images=tuple(images),
        mask=mask,
        model=model,
        n=n,
        size=size,
        quality=quality,
        response_format=cast(ResponseFormat, response_format),
        output_format=cast(OutputFormat, output_format),
        output_compression=compression,
        background=background,
        watermark=watermark,
        stream=stream,
        markup=markup,
        extra=scalars,  # user, input_fidelity, partial_images, … : accepted, recorded, unused
    )


def _multipart_fields(
    raw: RawBody, resolve: UrlResolver
) -> tuple[dict[str, Any], list[RawFile], RawFile | None, RawFile | None]:
    scalars: dict[str, Any] = {}
    images: list[RawFile] = []
    mask: RawFile | None = None
    markup: RawFile | None = None
    seen: set[str] = set()
    for name, value in raw.items:
        # Only the array syntax may repeat, exactly like api.openai.com.
        repeatable = bool(_IMAGE_LIST_FIELD.match(name))
        if name in seen and not repeatable:
            raise bad_request(
                f"Duplicate parameter: '{name}'. You provided multiple values for this "
                "parameter, whereas only one is allowed. If you are trying to provide a list of "
                f"values, use the array syntax instead e.g. '{name}[]=<value>'.",
                param=name,
                code="duplicate_parameter",
            )
        seen.add(name)
        if name == "image" or repeatable:
            images.append(_multipart_image(value, "image", resolve))
        elif name == "mask":
            mask = _multipart_image(value, "mask", resolve)
        elif name == "markup":
            markup = _multipart_image(value, "markup", resolve)
        elif isinstance(value, RawFile):
            raise bad_request(f"Unexpected file part {name!r}.", param=name)
        else:
            scalars[name] = value
    return scalars, images, mask, markup


def _multipart_image(value: FieldValue, param: str, resolve: UrlResolver) -> RawFile:
    if isinstance(value, str):  # gateway style: a URL or base64 in a text field
        return _image_from_string(value, param, resolve)
    mime = (value.content_type or "").split(";", 1)[0].strip().lower()
    if mime == "image/jpg":
        mime = "image/jpeg"
    if mime not in ACCEPTED_MIME_TYPES:
        raise bad_request(
            f"Invalid file '{param}': unsupported mimetype ('{mime or 'none'}'). Supported file "
            "formats are 'image/jpeg', 'image/png', and 'image/webp'.",
            param=param,
            code="unsupported_file_mimetype",
        )
    return value


def _json_fields(
    doc: dict[str, Any], resolve: UrlResolver
) -> tuple[dict[str, Any], list[RawFile], RawFile | None, RawFile | None]:
    scalars = {k: v for k, v in doc.items() if k not in _IMAGE_KEYS}
    images: list[RawFile] = []
    if "images" in doc and "image" in doc:
        raise bad_request("Send either 'images' or 'image', not both.", param="images")
    for key in ("images", "image"):
        value = doc.get(key)
        if value is None:
            continue
        entries = value if isinstance(value, list) else [value]
        images.extend(_image_from_json(e, key, resolve) for e in entries)
    mask, markup = doc.get("mask"), doc.get("markup")
    return (
        scalars,
        images,
        None if mask is None else _image_from_json(mask, "mask", resolve),
        None if markup is None else _image_from_json(markup, "markup", resolve),
    )


def _image_from_json(value: object, param: str, resolve: UrlResolver) -> RawFile:
    if isinstance(value, str):
        return _image_from_string(value, param, resolve)
    if isinstance(value, dict):
        for key in ("image_url", "url", "b64_json"):
            inner = value.get(key)
            if isinstance(inner, dict):  # {"image_url": {"url": ...}} chat style
                inner = inner.get("url")
            if isinstance(inner, str):
                return _image_from_string(inner, param, resolve)
        if "file_id" in value:
            raise bad_request(
                "The local engine has no Files API: send the image as a data URL or file part.",
                param=param,
            )
    raise bad_request(
        f"Invalid '{param}': expected a URL, a base64 string or an object with 'image_url'.",
        param=param,
    )


def _image_from_string(value: str, param: str, resolve: UrlResolver) -> RawFile:
    text = value.strip()
    if text.startswith("data:"):
        header, sep, payload = text.partition(",")
        if not sep or ";base64" not in header:
            raise bad_request(f"Invalid '{param}': the data URL must be base64.", param=param)
        mime = header[5:].split(";", 1)[0] or None
        return RawFile(_b64(payload, param), None, mime)
    if text.startswith(("http://", "https://")):
        return resolve(text, param)
    return RawFile(_b64(text, param), None, None)


def _b64(text: str, param: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise bad_request(
            f"Invalid '{param}': not a URL, a data URL or valid base64.", param=param
        ) from exc


def _text(value: object, param: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"Invalid type for '{param}': expected a string.", param=param)
    return value.strip() or None


def _int(value: object, param: str, *, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise bad_request(f"Invalid type for '{param}': expected an integer.", param=param)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise bad_request(
            f"Invalid type for '{param}': expected an integer, but got {value!r} instead.",
            param=param,
        ) from exc


def _bool(value: object, param: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise bad_request(f"Invalid type for '{param}': expected a boolean.", param=param)


def _choice(value: object, param: str, allowed: Collection[str], default: str) -> str:
    text = _text(value, param)
    if text is None:
        return default
    if text not in allowed:
        options = ", ".join(f"'{a}'" for a in sorted(allowed))
        raise bad_request(
            f"Invalid value: '{text}'. Supported values are: {options}.",
            param=param,
            code="invalid_value",
        )
    return text


def _size(text: str | None) -> tuple[int, int] | None:
    if text is None or text == "auto":
        return None
    match = _SIZE.match(text)
    width, height = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not match or not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise bad_request(
            f"Invalid size '{text}': expected 'auto' or WIDTHxHEIGHT, e.g. '1024x1024', with "
            f"sides between 1 and {MAX_SIDE}.",
            param="size",
            code="invalid_value",
        )
    return width, height
