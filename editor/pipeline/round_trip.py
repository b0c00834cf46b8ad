"""Prepare → send → composite: the path both the CLI and the window drive."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from editor.client import EditResult, EditsClient, Progress
from editor.core.color_match import COLOR_METHODS, DEFAULT_METHOD, fit_color
from editor.core.composite import default_feather, take_variant
from editor.core.context import CONTEXT_MODES, plan_with_context
from editor.core.imageio import encode_png, load_image, mask_to_api_png
from editor.core.leak import leak_stats
from editor.core.models import ModelSpec, model_spec, parse_size
from editor.core.request import OMIT, EditRequest, ImageInput, Omittable
from editor.core.sent_view import sent_view
from editor.core.sizing import SendPlan, apply_plan, apply_plan_to_mask


class InputError(ValueError):
    """A request that cannot be sent as asked; str() is the plain reason."""


@dataclass(frozen=True, slots=True)
class EditParams:
    """What the user chose for one round. ``size`` None/"auto" lets the model table decide."""

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
    composite: bool = True
    feather: int | None = None
    profile_sizes: tuple[tuple[int, int], ...] = ()
    # "auto" | "whole" | "crop" (editor.core.context); margin: context per side, × the mask box.
    context: str = "auto"
    context_margin: float = 0.5
    # Off by default so a bare EditParams keeps the old output bit for bit; front-ends turn it
    # on for remote services (the local engines' fill has no cast).
    color_match: bool = False
    color_match_strength: float = 1.0
    color_method: str | None = None  # None = editor.core.color_match.DEFAULT_METHOD


@dataclass(frozen=True, slots=True)
class PreparedEdit:
    request: EditRequest
    plan: SendPlan
    spec: ModelSpec
    prepare_s: float


@dataclass(frozen=True, slots=True)
class Variant:
    index: int
    pixels: np.ndarray
    data: bytes
    mime_type: str
    revised_prompt: str | None
    # What the service changed outside the mask: {"changed_fraction", "mean_delta"}; None
    # without a mask (editor.core.leak).
    leak: dict[str, float] | None = None


@dataclass(slots=True)
class EditOutcome:
    variants: list[Variant]
    result: EditResult
    plan: SendPlan
    timings: dict[str, float] = field(default_factory=dict)


def _spec_for(params: EditParams) -> ModelSpec:
    spec = model_spec(params.model, profile_sizes=params.profile_sizes)
    if params.size and params.size != "auto":
        try:
            wanted = parse_size(params.size)
        except ValueError as exc:
            raise InputError(
                f"The size {params.size!r} is not WIDTHxHEIGHT, e.g. 1024x1024."
            ) from exc
        spec = replace(spec, sizes=(wanted,), free_size=False, native=False)
    return spec


def _check(params: EditParams, spec: ModelSpec) -> None:
    if not params.prompt.strip():
        raise InputError("Type a prompt: the service needs words describing the change.")
    if len(params.prompt) > spec.max_prompt:
        raise InputError(
            f"The prompt has {len(params.prompt)} characters; {spec.name} takes at most "
            f"{spec.max_prompt}."
        )
    n = params.n or 1
    if not 1 <= n <= spec.max_n:
        raise InputError(f"Ask for 1 to {spec.max_n} variants ({n} asked).")
    if params.context not in CONTEXT_MODES:
        raise InputError(f"Context is one of {', '.join(CONTEXT_MODES)} ({params.context!r}).")
    if params.color_method is not None and params.color_method not in COLOR_METHODS:
        raise InputError(f"Colour match method is one of {', '.join(COLOR_METHODS)}.")
    if not 0.0 <= params.color_match_strength <= 1.0:
        raise InputError("Colour match strength is between 0 and 1.")


def _reach(params: EditParams, size: tuple[int, int]) -> int:
    return params.feather if params.feather is not None else default_feather(size)


def _plan(
    original: np.ndarray, edit: np.ndarray | None, params: EditParams, spec: ModelSpec
) -> SendPlan:
    height, width = original.shape[:2]
    # Without compositing the user keeps the service's whole frame: only crop when asked to.
    mode = "whole" if params.context == "auto" and not params.composite else params.context
    return plan_with_context(
        (width, height),
        edit,
        spec,
        mode=mode,
        margin=params.context_margin,
        reach=_reach(params, (width, height)),
    )


def prepare_edit(original: np.ndarray, edit: np.ndarray | None, params: EditParams) -> PreparedEdit:
    """Scale and pad image and mask for the model, encode both, build the request (CPU work)."""
    started = time.perf_counter()
    spec = _spec_for(params)
    _check(params, spec)
    height, width = original.shape[:2]
    if edit is not None and edit.shape != (height, width):
        raise InputError(
            f"The mask is {edit.shape[1]} × {edit.shape[0]} but the image is {width} × {height}."
        )
    plan = _plan(original, edit, params, spec)
    image_png = encode_png(apply_plan(original, plan))
    mask = None
    if edit is not None:
        mask = ImageInput(data=mask_to_api_png(apply_plan_to_mask(edit, plan)), filename="mask.png")
    response_format = params.response_format if spec.response_formats else None
    request = EditRequest(
        prompt=params.prompt,
        images=(ImageInput(data=image_png, filename="image.png"),),
        mask=mask,
        model=params.model,
        n=params.n,
        size=plan.size_field,
        quality=params.quality,
        watermark=params.watermark,
        response_format=response_format,  # type: ignore[arg-type]
        background=params.background,
        output_format=params.output_format,
        output_compression=params.output_compression,
        input_fidelity=params.input_fidelity,
    )
    return PreparedEdit(request, plan, spec, time.perf_counter() - started)


def finish_variants(
    original: np.ndarray,
    edit: np.ndarray | None,
    result: EditResult,
    plan: SendPlan,
    params: EditParams,
) -> list[Variant]:
    """Bring every returned frame back to the original's resolution, blended through the mask,
    colour-matched when asked, with its leak numbers."""
    height, width = original.shape[:2]
    reach = _reach(params, (width, height))
    do_composite = params.composite and edit is not None
    keep = edit if edit is not None else np.zeros((height, width), np.uint8)
    view = sent_view(original, edit, plan, reach) if edit is not None else None
    variants = []
    for index, image in enumerate(result.images):
        returned = load_image(image.data, name=f"result #{index + 1}").pixels
        leak = color = None
        if view is not None:
            leak = leak_stats(view, returned, plan)
            if do_composite and params.color_match:
                color = fit_color(
                    view,
                    returned,
                    plan,
                    strength=params.color_match_strength,
                    method=params.color_method or DEFAULT_METHOD,
                )
        pixels = take_variant(
            original, returned, plan, keep, reach=reach, composite_on=do_composite, color=color
        )
        variants.append(
            Variant(index, pixels, image.data, image.mime_type, image.revised_prompt, leak)
        )
    return variants


async def run_edit(
    client: EditsClient,
    original: np.ndarray,
    edit: np.ndarray | None,
    params: EditParams,
    *,
    on_progress: Callable[[Progress], None] | None = None,
) -> EditOutcome:
    """One round trip; pixel work runs in a worker thread so the event loop stays free."""
    prepared = await asyncio.to_thread(prepare_edit, original, edit, params)
    sent = time.perf_counter()
    result = await client.edit(prepared.request, on_progress=on_progress)
    received = time.perf_counter()
    variants = await asyncio.to_thread(
        finish_variants, original, edit, result, prepared.plan, params
    )
    timings = {
        "prepare_s": prepared.prepare_s,
        "service_s": received - sent,
        "composite_s": time.perf_counter() - received,
    }
    return EditOutcome(variants, result, prepared.plan, timings)
