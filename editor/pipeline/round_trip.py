"""Prepare → send → composite: the path both the CLI and the window drive."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from editor.client import (
    APIStatusError,
    EditError,
    EditResult,
    EditsClient,
    PartialImage,
    Progress,
)
from editor.core.color_match import DEFAULT_METHOD, fit_color
from editor.core.composite import default_feather, take_variant
from editor.core.context import plan_with_context
from editor.core.deferred_imports import cv2
from editor.core.imageio import decode_result, encode_png, mask_to_api_png
from editor.core.leak import leak_map, leak_stats
from editor.core.markup import has_marks, markup_region
from editor.core.markup_layer import render_shapes
from editor.core.models import ModelSpec
from editor.core.params import EditParams
from editor.core.references import reference_inputs
from editor.core.request import EditRequest, ImageInput
from editor.core.sent_view import sent_view
from editor.core.sizing import SendPlan, apply_plan, apply_plan_to_mask, apply_plan_to_overlay
from editor.pipeline.embedded import is_own_engine
from editor.pipeline.errors import InputError
from editor.pipeline.fanout import (
    DEFAULT_CONCURRENCY,
    CapabilityMemory,
    FanOut,
    RequestRecord,
    failure_summary,
    merge_results,
    send_fanned,
)
from editor.pipeline.job_input import JobInput
from editor.pipeline.resolve import check, resolve

log = logging.getLogger(__name__)
STREAM_FALLBACK_NOTE = (
    "the service could not stream previews for this model, so the images were asked for "
    "without streaming (no previews)."
)
MARKUP_AS_MASK_NOTE = (
    "this service can't pass markup on to the model, so the marks were sent as a mask instead "
    "(shapes filled, strokes widened)."
)
# The response fields that say what the service did; a gateway may drop what was asked.
REPORTED_FIELDS = ("size", "quality", "output_format", "background")


@dataclass(frozen=True, slots=True)
class PreparedEdit:
    request: EditRequest
    plan: SendPlan
    spec: ModelSpec
    prepare_s: float
    # Said once in the job's row and the sidecar: options left out, markup sent as a mask.
    notes: tuple[str, ...] = ()
    # The mask the result is blended through (the marks' region when they went as a mask);
    # None: the result is taken whole.
    blend_mask: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Variant:
    index: int
    pixels: np.ndarray
    data: bytes | bytearray
    mime_type: str
    revised_prompt: str | None
    # What the service changed outside the mask: {"changed_fraction", "mean_delta"}; None
    # without a mask (editor.core.leak).
    leak: dict[str, float] | None = None
    # The same as a heat map for the compare view: HxW uint8 max-channel delta in levels, the
    # original's aspect, longest side ≤ editor.core.leak.LEAK_MAP_SIDE; None without a mask.
    leak_map: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class PartialPreview:
    """A streamed preview of variant ``index`` (0-based, the same number its final will have),
    already brought to the original's frame (see :func:`preview_from_partial`)."""

    index: int
    partial_index: int
    pixels: np.ndarray  # the original's size, or smaller (``scale`` < 1) for a cheap preview
    scale: float
    description: str | None
    data: bytes
    mime_type: str


@dataclass(slots=True)
class EditOutcome:
    """One round. With fan-out ``result`` is the merged answer of every request that worked,
    ``requests`` has each request's timings, and ``failures`` the errors of those that failed
    (``failure_message`` says it in one sentence); a variant's ``index`` is its slot, so a
    failed request leaves a gap."""

    variants: list[Variant]
    result: EditResult
    plan: SendPlan
    timings: dict[str, float] = field(default_factory=dict)
    failures: list[EditError] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    asked: int = 0  # variants asked for
    learned_limit: int | None = None  # most images per request, learned from a rejection
    stream_fallback: bool = False  # the service could not stream: sent without, no previews
    notes: tuple[str, ...] = ()  # what was changed from what was asked, in plain words
    # What the service says it did where that differs from what was asked:
    # {"quality": {"asked": "max", "got": "high"}, …} (gateways drop parameters silently).
    service_did: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def failed_variants(self) -> int:
        return sum(r.n for r in self.requests if not r.ok)

    @property
    def failure_message(self) -> str | None:
        """E.g. "2 of 4 variants failed: The service is rate-limiting requests (429)…"."""
        return failure_summary(self.failures, self.failed_variants, self.asked)


def _left_out(params: EditParams, spec: ModelSpec) -> tuple[EditParams, list[str]]:
    """Options the model is known to refuse, dropped before sending, each with a note."""
    if not spec.known:
        return params, []  # a gateway's own name: it may take what we can't check
    notes: list[str] = []
    api = params.api
    if api.input_fidelity is not None and not spec.input_fidelity:
        api = replace(api, input_fidelity=None)
        notes.append(f"input_fidelity was left out: {spec.name} does not take it.")
    if api.complexity is not None and not spec.complexities:
        api = replace(api, complexity=None)
        notes.append(f"complexity was left out: {spec.name} does not take it.")
    return (replace(params, api=api) if api is not params.api else params), notes


def _reach(params: EditParams, size: tuple[int, int]) -> int:
    return params.feather if params.feather is not None else default_feather(size)


def _plan(
    original: np.ndarray, mask: np.ndarray | None, params: EditParams, spec: ModelSpec
) -> SendPlan:
    height, width = original.shape[:2]
    # Without compositing the user keeps the service's whole frame: only crop when asked to.
    mode = "whole" if params.context == "auto" and not params.composite else params.context
    return plan_with_context(
        (width, height),
        mask,
        spec,
        mode=mode,
        margin=params.context_margin,
        reach=_reach(params, (width, height)),
    )


def prepare_edit(
    original: np.ndarray,
    mask: np.ndarray | None,
    params: EditParams,
    *,
    own_engine: bool = False,
    markup: np.ndarray | None = None,
    markup_carried: bool = True,
) -> PreparedEdit:
    """Scale and pad image and mask for the model, encode both, build the request (CPU work).
    ``own_engine``: our own engine answers (in-process or the window's child), so result links
    are fetched from it too.

    ``markup`` (RGBA at the image's size) goes as the request's ``markup``, cropped and scaled
    like the image; with a mask the request carries the markup only (the API refuses both) and
    the result is blended through the mask. ``markup_carried`` False (a service that loses
    markup): the marks become the mask instead."""
    started = time.perf_counter()
    params = resolve(params, sending=True, own_engine=own_engine)
    spec = check(params, marked=has_marks(markup))
    params, notes = _left_out(params, spec)
    height, width = original.shape[:2]
    if mask is not None and mask.shape != (height, width):
        raise InputError(
            f"The mask is {mask.shape[1]} × {mask.shape[0]} but the image is {width} × {height}."
        )
    marks = markup if has_marks(markup) else None
    send_mask = mask
    if marks is not None:
        if marks.shape[:2] != (height, width):
            raise InputError("The markup layer is not the size of the image.")
        if markup_carried:
            send_mask = None  # the API refuses mask and markup together; the mask still blends
        else:
            region = markup_region(marks)
            mask = region if mask is None else np.maximum(mask, region)
            send_mask, marks = mask, None
            notes.append(MARKUP_AS_MASK_NOTE)
    plan = _plan(original, mask, params, spec)
    image_png = encode_png(apply_plan(original, plan))
    mask_part = markup_part = None
    if send_mask is not None:
        mask_part = ImageInput(
            data=mask_to_api_png(apply_plan_to_mask(send_mask, plan)), filename="mask.png"
        )
    if marks is not None:
        markup_part = ImageInput(
            data=encode_png(apply_plan_to_overlay(marks, plan)), filename="markup.png"
        )
    # Sent where the model takes one, or where nothing is known of the model (a profile's
    # explicit choice is then the best guess); never to a model that answers base64 only.
    takes_format = bool(spec.response_formats) or not spec.known
    response_format = params.api.response_format if takes_format else None
    references = reference_inputs(params.references, spec)
    request = params.api.request(
        (ImageInput(data=image_png, filename="image.png"), *references),
        mask_part,
        size=plan.size_field,
        # A profile's own word passes through unchecked: a gateway may know formats we don't.
        response_format=response_format,  # type: ignore[arg-type]
        markup=markup_part,
    )
    return PreparedEdit(
        request, plan, spec, time.perf_counter() - started, tuple(notes), blend_mask=mask
    )


def service_did(request: EditRequest, meta: dict[str, str]) -> dict[str, dict[str, str]]:
    """The response's own word on size, quality, format and background, where it differs from
    what was asked ("auto" and unasked fields leave the service free to choose)."""
    out: dict[str, dict[str, str]] = {}
    for name in REPORTED_FIELDS:
        asked, got = getattr(request, name), meta.get(name)
        if asked is None or asked == "auto" or got is None or got == "auto":
            continue
        if str(got).lower() != str(asked).lower():
            out[name] = {"asked": str(asked), "got": str(got)}
    return out


def finish_variants(
    original: np.ndarray,
    mask: np.ndarray | None,
    result: EditResult,
    plan: SendPlan,
    params: EditParams,
    indices: list[int] | None = None,
    *,
    whole_leak: bool = False,
) -> list[Variant]:
    """Bring every returned frame back to the original's resolution, blended through the mask,
    colour-matched when asked, with its leak numbers. ``indices`` numbers the variants (their
    slots; default 0, 1, …). ``whole_leak``: without a mask, still measure the leak (every
    changed pixel counts), so the Leak view shows what a markup edit changed."""
    height, width = original.shape[:2]
    reach = _reach(params, (width, height))
    do_composite = params.composite and mask is not None
    editable = mask if mask is not None else np.zeros((height, width), np.uint8)
    view = None
    if mask is not None or whole_leak:
        view = sent_view(original, editable, plan, reach)
    if params.api.background == "transparent" and original.shape[2] == 3:
        # The alpha the service returns must survive the blend (and the save) inside the mask.
        original = np.dstack([original, np.full((height, width), 255, np.uint8)])
    variants = []
    numbers = indices if indices is not None else list(range(len(result.images)))
    for index, image in zip(numbers, result.images, strict=True):
        returned = decode_result(image.data, name=f"The service's result #{index + 1}")
        leak = color = heat = None
        if view is not None:
            leak = leak_stats(view, returned, plan)
            heat = leak_map(view, returned, plan)
            if do_composite and params.color_match:
                color = fit_color(
                    view,
                    returned,
                    plan,
                    strength=params.color_match_strength,
                    method=params.color_method or DEFAULT_METHOD,
                )
        pixels = take_variant(
            original, returned, plan, editable, reach=reach, composite_on=do_composite, color=color
        )
        variants.append(
            Variant(index, pixels, image.data, image.mime_type, image.revised_prompt, leak, heat)
        )
    return variants


def preview_from_partial(
    original: np.ndarray,
    mask: np.ndarray | None,
    data: bytes,
    plan: SendPlan,
    params: EditParams,
    *,
    max_side: int | None = None,
) -> tuple[np.ndarray, float]:
    """A streamed partial in the original's frame: the same un-plan and mask blend as the final
    (without colour matching), so the canvas can show it in place. With ``max_side`` the
    result is downscaled to fit (cheap to hand to a view); returns (pixels, scale)."""
    height, width = original.shape[:2]
    returned = decode_result(data, name="preview")
    reach = _reach(params, (width, height))
    scale = 1.0
    if max_side is not None and max(width, height) > max_side:
        # Work at preview size from the start: compositing a 24 MP frame per preview and then
        # shrinking it would keep worker threads busy (and the window waiting) for nothing.
        scale = max_side / max(width, height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        original = np.asarray(cv2.resize(original, size, interpolation=cv2.INTER_AREA))
        if mask is not None:
            mask = np.asarray(cv2.resize(mask, size, interpolation=cv2.INTER_AREA))
        plan = _scaled_plan(plan, size)
        reach = max(1, round(reach * scale))
    editable = mask if mask is not None else np.zeros(original.shape[:2], np.uint8)
    pixels = take_variant(
        original,
        returned,
        plan,
        editable,
        reach=reach,
        composite_on=params.composite and mask is not None,
    )
    return pixels, scale


def _scaled_plan(plan: SendPlan, size: tuple[int, int]) -> SendPlan:
    """The same request seen from an original shrunk to ``size`` (previews only)."""
    if plan.crop is None:
        return replace(plan, original_size=size)
    fx, fy = size[0] / plan.original_size[0], size[1] / plan.original_size[1]
    x0, y0, x1, y1 = plan.crop
    left, top = min(size[0] - 1, int(x0 * fx)), min(size[1] - 1, int(y0 * fy))
    right = max(left + 1, min(size[0], round(x1 * fx)))
    bottom = max(top + 1, min(size[1], round(y1 * fy)))
    crop = (left, top, right, bottom)
    return replace(plan, original_size=size, crop=crop)


class _PreviewPump:
    """Turns the client's partials into PartialPreviews in a worker thread, one at a time and
    in arrival order, without blocking the event loop."""

    def __init__(
        self,
        make: Callable[[PartialImage], PartialPreview],
        deliver: Callable[[PartialPreview], None],
    ) -> None:
        self._make = make
        self._deliver = deliver
        self._queue: asyncio.Queue[PartialImage | None] = asyncio.Queue()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="previews")

    def push(self, partial: PartialImage) -> None:
        self._queue.put_nowait(partial)

    async def _run(self) -> None:
        while (partial := await self._queue.get()) is not None:
            try:
                preview = await asyncio.to_thread(self._make, partial)
            except Exception as exc:  # a broken preview must not fail the round
                log.warning("preview %s could not be shown: %s", partial, exc)
                continue
            self._deliver(preview)

    def cancel(self) -> None:
        self._task.cancel()

    async def close(self) -> None:
        """Deliver what has arrived, then stop (also when the round failed)."""
        self._queue.put_nowait(None)
        try:
            await asyncio.shield(self._task)
        except asyncio.CancelledError:
            self._task.cancel()
            raise


async def run_edit(
    client: EditsClient,
    job: JobInput,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    on_partial: Callable[[PartialPreview], None] | None = None,
) -> EditOutcome:
    """One round as a job asked it: its markup drawn off the loop, then :func:`send_round`
    with the job's fan-out, learned memory and service. ``on_partial`` hears previews only
    when the round streams."""
    if len(job.regions) > 1:
        from editor.pipeline.regions import as_round, send_regions  # it builds on this module

        regions = await send_regions(
            client,
            job.image,
            job.regions,
            job.params,
            on_progress=(lambda _i, p: on_progress(p)) if on_progress else None,
            max_n_per_request=job.max_n_per_request,
            concurrency=job.concurrency,
            memory=job.memory,
            profile=job.profile,
        )
        return await asyncio.to_thread(as_round, regions)
    if len(job.params.prompts) > 1:
        return await _run_matrix(client, job, on_progress=on_progress, on_partial=on_partial)
    markup = None
    if job.markup:
        height, width = job.image.shape[:2]
        markup = await asyncio.to_thread(render_shapes, (width, height), job.markup)
    return await send_round(
        client,
        job.image,
        job.mask,
        job.params,
        on_progress=on_progress,
        on_partial=on_partial if job.params.api.stream else None,
        max_n_per_request=job.max_n_per_request,
        concurrency=job.concurrency,
        memory=job.memory,
        profile=job.profile,
        preview_max_side=job.preview_max_side,
        markup=markup,
        markup_carried=job.markup_carried,
    )


async def _run_matrix(
    client: EditsClient,
    job: JobInput,
    *,
    on_progress: Callable[[Progress], None] | None,
    on_partial: Callable[[PartialPreview], None] | None,
) -> EditOutcome:
    """A prompt-matrix job as one round: prompt r's variant k is the round's variant
    r × n + k (:meth:`EditParams.prompt_of`)."""
    params = job.params
    per_prompt = params.per_prompt

    def moved(row: int, preview: PartialPreview) -> None:
        if on_partial is not None:
            on_partial(replace(preview, index=row * per_prompt + preview.index))

    outcomes = await send_prompts(
        client,
        job.image,
        job.mask,
        params,
        params.prompts,
        on_progress=(lambda _row, p: on_progress(p)) if on_progress else None,
        on_partial=moved if on_partial is not None and params.api.stream else None,
        max_n_per_request=job.max_n_per_request,
        concurrency=job.concurrency,
        memory=job.memory,
        profile=job.profile,
        preview_max_side=job.preview_max_side,
    )
    return merge_matrix(outcomes, per_prompt)


def combined_outcome(
    parts: Sequence[tuple[int, EditOutcome]],
    variants: list[Variant],
    *,
    asked: int,
    errors: Sequence[EditError] = (),
    notes: tuple[str, ...] = (),
) -> EditOutcome:
    """One round's outcome from several that ran side by side (a matrix's prompts, a round's
    regions), each with its first variant's slot: ``variants`` as given; usage, requests,
    failures (and ``errors`` of parts that failed outright) added up; the slowest timings."""
    first = parts[0][1]
    total = max(o.result.timings.total_s or 0.0 for _, o in parts)
    return EditOutcome(
        variants,
        merge_results([(slot, o.result) for slot, o in parts], total),
        first.plan,
        {k: max(o.timings.get(k, 0.0) for _, o in parts) for k in first.timings},
        failures=[f for _, o in parts for f in o.failures] + list(errors),
        requests=[r for _, o in parts for r in o.requests],
        asked=asked,
        learned_limit=next((o.learned_limit for _, o in parts if o.learned_limit), None),
        stream_fallback=any(o.stream_fallback for _, o in parts),
        notes=tuple(dict.fromkeys(n for _, o in parts for n in o.notes)) + notes,
        service_did=first.service_did,
    )


def merge_matrix(outcomes: Sequence[EditOutcome | EditError], per_prompt: int) -> EditOutcome:
    """One outcome for a matrix round from each prompt's (in order); a prompt that failed
    leaves its row empty and its error in ``failures``. Raises the first error when every
    prompt failed."""
    done = [(row * per_prompt, o) for row, o in enumerate(outcomes) if isinstance(o, EditOutcome)]
    errors = [o for o in outcomes if isinstance(o, EditError)]
    if not done:
        raise errors[0]
    # Requests of a prompt that failed outright are not in ``requests``: said in a note.
    failed = (
        (f"{len(errors)} of {len(outcomes)} prompts failed: {errors[0].user_message}",)
        if errors
        else ()
    )
    return combined_outcome(
        done,
        [replace(v, index=slot + v.index) for slot, o in done for v in o.variants],
        asked=per_prompt * len(outcomes),
        errors=errors,
        notes=failed,
    )


async def send_round(
    client: EditsClient,
    original: np.ndarray,
    mask: np.ndarray | None,
    params: EditParams,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    on_partial: Callable[[PartialPreview], None] | None = None,
    max_n_per_request: int | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    memory: CapabilityMemory | None = None,
    profile: str = "",
    preview_max_side: int | None = None,
    markup: np.ndarray | None = None,
    markup_carried: bool | None = None,
) -> EditOutcome:
    """One round trip; pixel work runs in a worker thread so the event loop stays free.

    More variants than one request may carry (``max_n_per_request``, else what ``memory``
    learned for this profile and model, else the model table's ``max_n``) go out as parallel
    requests, at most ``concurrency`` at once (editor.pipeline.fanout). With ``params.api.stream``
    each preview reaches ``on_partial`` as it arrives, in the original's frame. When some
    requests fail the others' variants are kept and the outcome's ``failures`` say why; when
    all fail, the first error is raised.

    ``markup``: see :func:`prepare_edit`. Whether the service passes markup on is
    ``markup_carried`` when given, else what ``memory`` learned for the profile, else asked once
    (:func:`probe_markup`)."""
    own_engine = is_own_engine(client.endpoint)
    params = resolve(params, learned=memory, profile_name=profile, own_engine=own_engine)
    carried = True
    if has_marks(markup):
        carried = (
            markup_carried
            if markup_carried is not None
            else await probe_markup(client, memory, profile)
        )

    async def prepare(carried: bool) -> PreparedEdit:
        return await asyncio.to_thread(
            functools.partial(
                prepare_edit,
                original,
                mask,
                params,
                own_engine=own_engine,
                markup=markup,
                markup_carried=carried,
            )
        )

    send = functools.partial(
        _send_prepared,
        client,
        original,
        params,
        on_progress=on_progress,
        on_partial=on_partial,
        max_n_per_request=max_n_per_request,
        concurrency=concurrency,
        memory=memory,
        profile=profile,
        preview_max_side=preview_max_side,
    )
    prepared = await prepare(carried)
    return await _complete(
        prepared, prepare, send, original, params, markup_carried, memory, profile
    )


async def send_prompts(
    client: EditsClient,
    original: np.ndarray,
    mask: np.ndarray | None,
    params: EditParams,
    prompts: Sequence[str],
    *,
    on_progress: Callable[[int, Progress], None] | None = None,
    on_partial: Callable[[int, PartialPreview], None] | None = None,
    max_n_per_request: int | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    memory: CapabilityMemory | None = None,
    profile: str = "",
    preview_max_side: int | None = None,
) -> list[EditOutcome | EditError]:
    """A prompt matrix: ``params`` once per prompt, ``params.api.n`` variants each, from one
    prepared image and mask (scaled and encoded once). Requests go out at most ``concurrency``
    at once across all prompts, each fanned out as :func:`send_round` does. One outcome per
    prompt, in order; a prompt whose every request failed gives its error in its place, and
    the others are kept. Callbacks get the prompt's index first."""
    if not prompts:
        raise InputError("No prompt to send.")
    own_engine = is_own_engine(client.endpoint)
    params = resolve(params, learned=memory, profile_name=profile, own_engine=own_engine)
    prepared = await asyncio.to_thread(
        functools.partial(prepare_edit, original, mask, params, own_engine=own_engine)
    )
    slots = asyncio.Semaphore(max(1, concurrency))
    per_prompt = max(1, concurrency // len(prompts))

    async def one(index: int, prompt: str) -> EditOutcome | EditError:
        asked = replace(params, api=replace(params.api, prompt=prompt))
        request = replace(prepared.request, prompt=prompt)
        send = functools.partial(
            _send_prepared,
            client,
            original,
            asked,
            on_progress=functools.partial(on_progress, index) if on_progress else None,
            on_partial=functools.partial(on_partial, index) if on_partial else None,
            max_n_per_request=max_n_per_request,
            concurrency=per_prompt,
            memory=memory,
            profile=profile,
            preview_max_side=preview_max_side,
        )
        async with slots:
            try:
                return await _complete(
                    replace(prepared, request=request),
                    None,
                    send,
                    original,
                    asked,
                    False,
                    memory,
                    profile,
                )
            except EditError as exc:
                return exc

    return list(await asyncio.gather(*(one(i, p) for i, p in enumerate(prompts))))


async def _complete(
    prepared: PreparedEdit,
    prepare: Callable[[bool], Awaitable[PreparedEdit]] | None,
    send: Callable[[PreparedEdit], Awaitable[tuple[FanOut, float, float]]],
    original: np.ndarray,
    params: EditParams,
    markup_carried: bool | None,
    memory: CapabilityMemory | None,
    profile: str,
) -> EditOutcome:
    """Send a prepared round, learn whether a gateway lost its markup (and, when that failed
    it and ``prepare`` is given, send it again as a mask), composite the variants."""
    fan, sent, received = await send(prepared)
    lost = _markup_lost(prepared, fan)
    said: tuple[str, ...] = ()
    if lost is not None and fan.results:
        said = (
            f"{lost} passed the markup on as text, so the model did not see the marks; "
            "markup edits through this service now go as a mask.",
        )
    if lost is not None:
        # A gateway took the markup as text: learned, and (when it failed) sent as a mask now.
        if memory is not None:
            memory.learn_markup(profile, False, f"{lost} forwards markup as text")
        if not fan.results and markup_carried is None and prepare is not None:
            prepared = await prepare(False)
            fan, sent, received = await send(prepared)
    mask = prepared.blend_mask
    if not fan.results:
        raise fan.failures[0]
    result = merge_results(fan.results, received - sent)
    indices = [offset + i for offset, part in fan.results for i in range(len(part.images))]
    variants = await asyncio.to_thread(
        functools.partial(
            finish_variants,
            original,
            mask,
            result,
            prepared.plan,
            params,
            indices,
            whole_leak=prepared.request.markup is not None,
        )
    )
    timings = {
        "prepare_s": prepared.prepare_s,
        "service_s": received - sent,
        "composite_s": time.perf_counter() - received,
    }
    return EditOutcome(
        variants,
        result,
        prepared.plan,
        timings,
        failures=fan.failures,
        requests=fan.records,
        asked=prepared.request.n_to_send,
        learned_limit=fan.learned_limit,
        stream_fallback=fan.stream_fallback,
        notes=prepared.notes + said,
        service_did=service_did(prepared.request, result.meta),
    )


async def _send_prepared(
    client: EditsClient,
    original: np.ndarray,
    params: EditParams,
    prepared: PreparedEdit,
    *,
    on_progress: Callable[[Progress], None] | None,
    on_partial: Callable[[PartialPreview], None] | None,
    max_n_per_request: int | None,
    concurrency: int,
    memory: CapabilityMemory | None,
    profile: str,
    preview_max_side: int | None,
) -> tuple[FanOut, float, float]:
    """Send a prepared round (fanned out), its streamed previews to ``on_partial``."""
    mask = prepared.blend_mask
    per_request = (
        max_n_per_request
        or (memory.limit(profile, params.api.model) if memory is not None else None)
        or prepared.spec.max_n
    )
    pump: _PreviewPump | None = None
    if on_partial is not None:

        def make(partial: PartialImage) -> PartialPreview:
            pixels, scale = preview_from_partial(
                original, mask, partial.data, prepared.plan, params, max_side=preview_max_side
            )
            return PartialPreview(
                partial.index,
                partial.partial_index,
                pixels,
                scale,
                partial.description,
                partial.data,
                partial.mime_type,
            )

        pump = _PreviewPump(make, on_partial)
    sent = time.perf_counter()
    try:
        fan = await send_fanned(
            client,
            prepared.request,
            per_request=per_request,
            concurrency=concurrency,
            on_progress=on_progress,
            on_partial=pump.push if pump is not None else None,
            memory=memory,
            profile=profile,
        )
    except BaseException:
        if pump is not None:
            pump.cancel()  # cancelled (or a bug): no more previews for this round
        raise
    if pump is not None:
        await pump.close()  # previews that arrived are delivered, even when requests failed
    return fan, sent, time.perf_counter()


def _markup_lost(prepared: PreparedEdit, fan: FanOut) -> str | None:
    """The gateway that answered a request carrying markup (it forwards it as text), if any."""
    if prepared.request.markup is None:
        return None
    for _, result in fan.results:
        if result.gateway is not None:
            return result.gateway
    for err in fan.failures:
        if isinstance(err, APIStatusError) and err.status < 500 and err.details.get("gateway"):
            return str(err.details["gateway"])
    return None


async def probe_markup(client: EditsClient, memory: CapabilityMemory | None, profile: str) -> bool:
    """Whether the service passes markup on to the model. Learned per profile: our own engine
    does; a service whose answers name a gateway that forwards file fields it doesn't know as
    text (LiteLLM) does not. Unknown kinds are asked once with a free ``GET /models``."""
    known = memory.carries_markup(profile) if memory is not None else None
    if known is not None:
        return known
    if is_own_engine(client.endpoint):
        return True
    try:
        listing = await client.list_model_info()
    except EditError as exc:
        log.info("markup probe: the model list could not be read (%s); sending markup", exc)
        return True  # unknown: the request itself will tell
    carries = listing.gateway is None
    reason = f"{listing.gateway} forwards markup as text" if listing.gateway else ""
    if memory is not None:
        memory.learn_markup(profile, carries, reason)
    return carries
