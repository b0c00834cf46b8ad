"""A strict stand-in for OpenAI's image edits as they are in December 2026 (stand_in="openai").

It applies the API's rules as OpenAI states them (../shared/api/README.md), written out here on
their own rather than read from the app's model table, so a client's table is checked against
them instead of against itself:

- shut-down models answer 404 ``model_not_found`` "… has been deprecated"; unknown ones 404;
- sizes: ``auto`` or WxH in multiples of 16, aspect 1:3..3:1, long edge ≤ 3840,
  655,360..8,294,400 pixels;
- qualities per model (``xhigh``/``max`` on 2.5 and 2.6), ``complexity`` on 2.6 only,
  ``input_fidelity`` refused on every 2.x model, ``background=transparent`` on 2.5/2.6;
- ``markup`` on 2.6 only, the first image's size, never together with ``mask``.

Its answer is the sent image with a small cast over every pixel (the mask is guidance, not a
boundary) and the edit region painted over: the mask's transparent pixels, else what the marks
enclose, else the whole frame. With ``background=transparent`` the edit region comes back
transparent. ``size``, ``quality``, ``output_format`` and ``background`` are reported.
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from editor.core.markup import markup_region
from editor.server.errors import ApiError, bad_request
from editor.server.imaging import encode, open_image, resize, to_pixels
from editor.server.parsing import ReceivedEdit

__all__ = ["MODELS_TODAY", "check", "edit_answer", "models_listing"]

_BASE_QUALITIES = ("low", "medium", "high", "auto")
_MORE_QUALITIES = (*_BASE_QUALITIES, "xhigh", "max")


@dataclass(frozen=True, slots=True)
class _Rules:
    shutdown: str | None = None  # YYYY-MM-DD
    qualities: tuple[str, ...] = _BASE_QUALITIES
    complexity: bool = False
    transparent: bool = False
    markup: bool = False
    fidelity: bool = False
    free_size: bool = True


_OLD = _Rules(free_size=False, fidelity=True)
MODELS_TODAY: dict[str, _Rules] = {
    "gpt-image-2.6-flare": _Rules(
        qualities=_MORE_QUALITIES, complexity=True, transparent=True, markup=True
    ),
    "gpt-image-2.6-sunburst": _Rules(
        qualities=_MORE_QUALITIES, complexity=True, transparent=True, markup=True
    ),
    "gpt-image-2.5-flare": _Rules(qualities=_MORE_QUALITIES, transparent=True),
    "gpt-image-2.5-sunburst": _Rules(qualities=_MORE_QUALITIES, transparent=True),
    "gpt-image-2": _Rules(),
    "gpt-image-1": _Rules(shutdown="2026-10-23", free_size=False, fidelity=True),
    "gpt-image-1-mini": _Rules(shutdown="2026-12-01", free_size=False),
    "gpt-image-1.5": _Rules(shutdown="2026-12-01", free_size=False, fidelity=True),
    "chatgpt-image-latest": _Rules(shutdown="2026-12-01", free_size=False, fidelity=True),
    "dall-e-2": _Rules(shutdown="2026-05-12", free_size=False),
    "dall-e-3": _Rules(shutdown="2026-05-12", free_size=False),
}
_CHAT_MODELS = ("gpt-6.1-sol", "gpt-6.1-sol-mini")
_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")
_MAX_PIXELS = 100_000_000


def _rules_for(model: str) -> _Rules:
    rules = MODELS_TODAY.get(model) or MODELS_TODAY.get(_SNAPSHOT.sub("", model))
    if rules is None:
        raise ApiError(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
            param="model",
        )
    if rules.shutdown is not None:
        raise ApiError(
            404,
            f"The model `{model}` has been deprecated, learn more here: "
            "https://platform.openai.com/docs/deprecations",
            code="model_not_found",
            param="model",
        )
    return rules


def _invalid(param: str, value: object, allowed: tuple[str, ...]) -> ApiError:
    options = ", ".join(f"'{a}'" for a in allowed)
    return bad_request(
        f"Invalid value: '{value}'. Supported values are: {options}.",
        param=param,
        code="invalid_value",
    )


def _check_size(size: tuple[int, int] | None) -> None:
    if size is None:
        return
    w, h = size
    problems = []
    if w % 16 or h % 16:
        problems.append("both sides must be multiples of 16")
    if not 1 / 3 <= w / h <= 3:
        problems.append("the aspect ratio must be between 1:3 and 3:1")
    if max(w, h) > 3840:
        problems.append("the longest edge must be at most 3840")
    if not 655_360 <= w * h <= 8_294_400:
        problems.append("the total pixels must be between 655,360 and 8,294,400")
    if problems:
        raise bad_request(f"Invalid size '{w}x{h}': {'; '.join(problems)}.", param="size")


def check(params: ReceivedEdit) -> _Rules:
    """Refuse what OpenAI refuses today; the rules of the model asked for."""
    rules = _rules_for(params.model)
    if params.quality not in rules.qualities:
        raise _invalid("quality", params.quality, rules.qualities)
    complexity = params.extra.get("complexity")
    if complexity is not None:
        if not rules.complexity:
            raise bad_request(
                f"Unknown parameter: 'complexity' is not supported by {params.model}.",
                param="complexity",
                code="unknown_parameter",
            )
        if complexity not in ("low", "medium", "high"):
            raise _invalid("complexity", complexity, ("low", "medium", "high"))
    if "input_fidelity" in params.extra and not rules.fidelity:
        raise bad_request(
            f"'input_fidelity' is not supported with {params.model}.",
            param="input_fidelity",
            code="unsupported_parameter",
        )
    if params.background == "transparent" and not rules.transparent:
        raise bad_request(
            f"Transparent background is not supported for {params.model}.", param="background"
        )
    if params.markup is not None:
        if not rules.markup:
            raise bad_request(f"'markup' is not supported by {params.model}.", param="markup")
        if params.mask is not None:
            raise bad_request(
                "'markup' cannot be combined with 'mask': send one or the other.", param="markup"
            )
    if rules.free_size:
        _check_size(params.size)
    return rules


def _region(params: ReceivedEdit, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    if params.mask is not None:
        mask = open_image(params.mask, "mask", "mask", _MAX_PIXELS)
        if mask.size != size:
            raise bad_request("Invalid mask: the mask must be the same size as the image.", "mask")
        alpha = np.asarray(mask.convert("RGBA"))[:, :, 3]
        return np.where(alpha == 0, np.uint8(255), np.uint8(0))
    if params.markup is not None:
        marks = open_image(params.markup, "markup", "markup", _MAX_PIXELS)
        if marks.size != size:
            raise bad_request(
                "Invalid markup: the markup must be the same size as the image.", "markup"
            )
        return markup_region(np.asarray(marks.convert("RGBA")))
    return np.full((h, w), 255, np.uint8)


def edit_answer(params: ReceivedEdit) -> dict[str, Any]:
    """The JSON answer for a request :func:`check` let through (CPU work: run in a worker)."""
    image = open_image(params.images[0], "image", "image 1", _MAX_PIXELS)
    pixels = to_pixels(image)[:, :, :3].astype(np.int16)
    region = _region(params, image.size) > 0
    out = np.clip(pixels + 4, 0, 255).astype(np.uint8)  # guidance only: everything shifts a bit
    out[region] = (210, 60, 40)
    if params.background == "transparent":
        alpha = np.where(region, np.uint8(0), np.uint8(255))
        out = np.dstack([out, alpha])
    frame = resize(out, params.size or image.size)
    fmt = params.output_format
    data = encode(frame, fmt, params.output_compression)
    item = {"b64_json": base64.b64encode(data).decode("ascii"), "revised_prompt": params.prompt}
    return {
        "created": int(time.time()),
        "data": [item] * params.n,
        "size": f"{frame.shape[1]}x{frame.shape[0]}",
        "quality": params.quality,
        "output_format": fmt,
        "background": "transparent" if params.background == "transparent" else "opaque",
        "usage": {
            "input_tokens": 1000,
            "output_tokens": 4000 * params.n,
            "total_tokens": 1000 + 4000 * params.n,
            "input_tokens_details": {"text_tokens": 50, "image_tokens": 950},
        },
    }


def models_listing() -> dict[str, Any]:
    """``GET /v1/models`` as OpenAI lists it today: image models with ``shutdown_date``, and
    chat models beside them."""
    data = [
        {
            "id": name,
            "object": "model",
            "created": 0,
            "owned_by": "openai",
            "shutdown_date": rules.shutdown,
        }
        for name, rules in MODELS_TODAY.items()
    ]
    data += [{"id": n, "object": "model", "created": 0, "owned_by": "openai"} for n in _CHAT_MODELS]
    return {"object": "list", "data": data}
