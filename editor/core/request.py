"""The one request type that window, CLI, store and client all speak."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal


class _Omit(enum.Enum):
    """Tells "not given" from ``None``/``False`` for fields with three states."""

    OMIT = "omit"

    def __repr__(self) -> str:
        return "OMIT"

    def __bool__(self) -> bool:
        return False


OMIT = _Omit.OMIT
Omittable = _Omit

ResponseFormat = Literal["url", "b64_json"]


@dataclass(frozen=True, slots=True)
class ImageInput:
    """One image (or mask) as the service will receive it.

    Either encoded bytes (sent as a file part, or as a data URL in JSON bodies) or a URL that the
    service fetches itself.
    """

    data: bytes | None = None
    mime_type: str = "image/png"
    filename: str = "image.png"
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("an ImageInput holds either data or a url")

    def __repr__(self) -> str:
        if self.url is not None:
            return f"ImageInput(url={self.url[:60]!r})"
        return f"ImageInput({self.filename!r}, {self.mime_type}, {len(self.data or b'')} bytes)"


@dataclass(frozen=True, slots=True)
class EditRequest:
    """Everything one call to the edits endpoint carries.

    ``None`` means "not sent" for optional fields; ``watermark`` has three states: OMIT (the
    service's policy), True and False. ``n`` of 0 or None is sent as 1, as the service expects.
    """

    prompt: str
    images: tuple[ImageInput, ...]
    mask: ImageInput | None = None
    # A transparent overlay of marks (arrows, circles) showing where to edit; the API refuses
    # it together with ``mask``.
    markup: ImageInput | None = None
    model: str | None = None
    n: int | None = None
    size: str | None = None
    quality: str | None = None
    watermark: bool | _Omit = OMIT
    response_format: ResponseFormat | None = None
    background: str | None = None
    output_format: str | None = None
    output_compression: int | None = None
    input_fidelity: str | None = None
    complexity: str | None = None
    user: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # Server-sent events instead of one JSON answer; partial_images (0–3) previews per image.
    stream: bool = False
    partial_images: int | None = None

    @property
    def n_to_send(self) -> int:
        return self.n if self.n and self.n > 0 else 1
