"""The plain (non-file) fields of an EditRequest, in the order they are sent."""

from __future__ import annotations

from ..core.request import OMIT, EditRequest

__all__ = ["text_fields"]


def text_fields(request: EditRequest) -> list[tuple[str, str | int | bool]]:
    """Every field that is set, typed as JSON would carry it; ``extra`` last."""
    out: list[tuple[str, str | int | bool]] = [("prompt", request.prompt)]
    if request.model is not None:
        out.append(("model", request.model))
    out.append(("n", request.n_to_send))
    for name in ("size", "quality"):
        value = getattr(request, name)
        if value is not None:
            out.append((name, value))
    if request.watermark is not OMIT:
        out.append(("watermark", bool(request.watermark)))
    for name in (
        "response_format",
        "background",
        "output_format",
        "output_compression",
        "input_fidelity",
        "complexity",
        "user",
    ):
        value = getattr(request, name)
        if value is not None:
            out.append((name, value))
    if request.stream:
        out.append(("stream", True))
        if request.partial_images is not None:
            out.append(("partial_images", request.partial_images))
    out.extend((str(k), str(v)) for k, v in request.extra.items())
    return out
