"""The one request type that window, CLI, store and client all speak: the options a person
chose (:class:`ApiOptions`) and, with the prepared images, the request (:class:`EditRequest`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
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
class ApiOptions:
    """The endpoint's fields as the user chose them. ``size`` None/"auto" lets the model table
    decide; ``response_format`` is a profile's own word (a gateway may know more than the
    spec's two); ``stream`` asks for server-sent events with ``partial_images`` (0–3)
    previews per variant. An :class:`EditRequest` is these with the prepared images."""

    prompt: str
    model: str | None = None
    n: int | None = 1
    size: str | None = None
    quality: str | None = None
    watermark: bool | Omittable = OMIT
    response_format: str | None = None
    background: str | None = None
    output_format: str | None = None
    output_compression: int | None = None
    input_fidelity: str | None = None
    complexity: str | None = None
    stream: bool = False
    partial_images: int | None = None

    def request(
        self,
        images: tuple[ImageInput, ...],
        mask: ImageInput | None,
        *,
        size: str | None,
        response_format: ResponseFormat | None,
        markup: ImageInput | None = None,
    ) -> EditRequest:
        """The request these options make with the prepared images; ``size`` and
        ``response_format`` are what the model table and the engine settled on."""
        chosen = {f.name: getattr(self, f.name) for f in fields(ApiOptions)}
        chosen.update(size=size, response_format=response_format)
        if not self.stream:
            chosen["partial_images"] = None
        return EditRequest(images=images, mask=mask, markup=markup, **chosen)


@dataclass(frozen=True, slots=True, kw_only=True)
class EditRequest(ApiOptions):
    """Everything one call to the edits endpoint carries: the options, and the images.

    ``None`` means "not sent" for optional fields; ``watermark`` has three states: OMIT (the
    service's policy), True and False. ``n`` of 0 or None is sent as 1, as the service expects.
    """

    images: tuple[ImageInput, ...]
    mask: ImageInput | None = None
    # A transparent overlay of marks (arrows, circles) showing where to edit; the API refuses
    # it together with ``mask``.
    markup: ImageInput | None = None
    n: int | None = None
    response_format: ResponseFormat | None = None  # the spec's two; a profile's word is settled
    user: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def n_to_send(self) -> int:
        return self.n if self.n and self.n > 0 else 1
