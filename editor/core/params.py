"""What one round asks: the API options (the contract with the service) inside the round's
parameters (how the answer is brought back into the photo).

:class:`ApiOptions` holds what the user chose of the edits endpoint's fields, named as in
:class:`~editor.core.request.EditRequest`; :class:`EditParams` nests it beside the options
that never leave this computer (compositing, context, colour match, the profile's sizes and
aliases) and the reference images. The window, the CLI, the job queue and the session store
all pass an ``EditParams``; the pipeline turns it into an ``EditRequest``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from editor.core.references import Reference
from editor.core.request import OMIT, EditRequest, ImageInput, Omittable, ResponseFormat

__all__ = ["ApiOptions", "EditParams"]


@dataclass(frozen=True, slots=True)
class ApiOptions:
    """The endpoint's fields as the user chose them. ``size`` None/"auto" lets the model table
    decide; ``response_format`` is a profile's own word (a gateway may know more than the
    spec's two); ``stream`` asks for server-sent events with ``partial_images`` (0–3)
    previews per variant."""

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
        # Same names and types on both sides (tests/core/test_params.py holds them equal), so
        # the options go over as they are instead of one line per field.
        chosen: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in dataclasses.fields(ApiOptions)
        }
        chosen.update(size=size, response_format=response_format)
        if not self.stream:
            chosen["partial_images"] = None
        return EditRequest(images=images, mask=mask, markup=markup, **chosen)


@dataclass(frozen=True, slots=True)
class EditParams:
    """What the user chose for one round: the API options and how the answer comes back."""

    api: ApiOptions
    composite: bool = True
    feather: int | None = None
    profile_sizes: tuple[tuple[int, int], ...] = ()
    # The profile's gateway model names → the known model each stands for (editor.core.aliases).
    aliases: tuple[tuple[str, str], ...] = ()
    # "auto" | "whole" | "crop" (editor.core.context); margin: context per side, × the mask box.
    context: str = "auto"
    context_margin: float = 0.5
    # Off by default so a bare EditParams keeps the old output bit for bit; front-ends turn it
    # on for remote services (the local engines' fill has no cast).
    color_match: bool = False
    color_match_strength: float = 1.0
    color_method: str | None = None  # None = editor.core.color_match.DEFAULT_METHOD
    # Sent after the edited image as "image 2", "image 3", … (editor.core.references); the mask
    # and the context crop apply to the edited image only.
    references: tuple[Reference, ...] = field(default=())
