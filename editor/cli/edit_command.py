"""`inpaint-editor edit`: one headless round trip, results written beside a JSON sidecar."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from editor.cli.output import write_matrix, write_outcome, write_regions
from editor.cli.progress import ProgressLine
from editor.client import EditError, EditsClient, Endpoint
from editor.core.expand import (
    ANCHORS,
    ExpandedCanvas,
    Expansion,
    drop_opaque_alpha,
    expand_canvas,
    expand_to_aspect,
    parse_anchor,
    parse_aspect,
    parse_expand,
)
from editor.core.imageio import ImageLoadError, load_image, load_mask
from editor.core.markup import has_marks
from editor.core.models import DEFAULT_REMOTE_MODEL
from editor.core.prompt_matrix import expand_all
from editor.core.references import Reference, load_reference
from editor.core.request import OMIT
from editor.pipeline import (
    STREAM_FALLBACK_NOTE,
    ApiOptions,
    EditParams,
    embedded_client,
    send_prompts,
    send_round,
)
from editor.pipeline.embedded import EMBEDDED_DEFAULT_MODEL
from editor.pipeline.errors import InputError
from editor.pipeline.regions import Region, check_regions, send_regions

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_SERVICE, EXIT_CANCELLED = 0, 1, 2, 3, 130
REMOTE_DEFAULT_MODEL = DEFAULT_REMOTE_MODEL


def edit_parser(batch: bool = False) -> argparse.ArgumentParser:
    """``edit``'s options; with ``batch``, ``batch``'s: a folder instead of an image, a mask
    for every image or a folder of masks, how many at once, a JSON summary."""
    if batch:
        p = argparse.ArgumentParser(
            prog="inpaint-editor batch",
            description="One edit over every image of a folder (PNG, JPEG, WebP), resumable: "
            "run the same command again to go on where it stopped. Without --endpoint the "
            "offline local engine runs in-process.",
        )
        p.add_argument("folder", help="the folder of images to edit")
        masks = p.add_mutually_exclusive_group()
        masks.add_argument("--mask", help="one mask PNG for every image of its size")
        masks.add_argument(
            "--mask-dir",
            help="a folder of masks matched by name: photo.png ↔ photo.png or photo.mask.png",
        )
        p.add_argument(
            "--jobs",
            type=int,
            help="images edited at once (default: 2 on the local engine, 4 on a service)",
        )
        p.add_argument("--json", action="store_true", help="print the summary as JSON")
    else:
        p = argparse.ArgumentParser(
            prog="inpaint-editor edit",
            description="Send an image, a mask and a prompt to an edits service and save the "
            "variants, composited into the original at full resolution. Without --endpoint "
            "the offline local engine runs in-process: no key, no network.",
        )
        p.add_argument("image", help="the image to edit")
        p.add_argument("--mask", help="mask PNG: alpha 0 = edit (or white = edit on black)")
    p.add_argument(
        "--region",
        nargs=2,
        action="append",
        default=[],
        metavar=("MASK", "PROMPT"),
        help="a region with its own mask and prompt (repeatable, instead of --mask); each is "
        "sent at its own crop and variant k of every region lands in result k. An empty "
        "PROMPT uses --prompt",
    )
    p.add_argument("--invert-mask", action="store_true", help="swap the mask's edit/keep areas")
    p.add_argument(
        "--prompt",
        action="append",
        default=[],
        help='what to change. Repeat it, or write {a|b|c} alternatives ("a {red|blue} '
        'cube"), to send every prompt with -n variants each: a prompt matrix',
    )
    p.add_argument("-n", type=int, default=1, help="number of variants (0 is sent as 1)")
    p.add_argument("--out", default="results", help="folder for the results (default: results)")
    p.add_argument(
        "--model",
        help=f"model name (default: patchmatch locally, {DEFAULT_REMOTE_MODEL} remotely)",
    )
    p.add_argument("--size", help="WIDTHxHEIGHT or auto (default: chosen from the model table)")
    p.add_argument(
        "--quality", help="low / medium / high / auto; xhigh and max on the 2.5 and 2.6 models"
    )
    p.add_argument(
        "--complexity",
        choices=["low", "medium", "high"],
        help="how much the model plans before rendering (2.6 models; left out for others)",
    )
    p.add_argument(
        "--markup",
        metavar="PATH",
        help="a transparent PNG of marks (arrows, circles) the size of the image, showing the "
        "2.6 models where to edit; with --mask only the markup is sent and the result is "
        "blended through the mask",
    )
    p.add_argument(
        "--markup-as-mask",
        action="store_true",
        help="send the marks as a mask (closed shapes filled, strokes widened), for a service "
        "that can't pass markup on",
    )
    wm = p.add_mutually_exclusive_group()
    wm.add_argument("--watermark", dest="watermark", action="store_true", default=None)
    wm.add_argument("--no-watermark", dest="watermark", action="store_false")
    p.add_argument("--response-format", choices=["url", "b64_json"])
    p.add_argument("--background", choices=["transparent", "opaque", "auto"])
    p.add_argument("--output-format", choices=["png", "jpeg", "webp"])
    p.add_argument("--output-compression", type=int)
    p.add_argument(
        "--input-fidelity",
        choices=["high", "low"],
        help="how closely the model keeps the input images' details (models that take it)",
    )
    p.add_argument(
        "--ref",
        action="append",
        default=[],
        metavar="PATH",
        help="a reference image sent after the edited one (repeatable); the prompt can name "
        "them image 2, image 3, …",
    )
    grow = p.add_mutually_exclusive_group()
    grow.add_argument(
        "--expand",
        metavar="LEFT,TOP,RIGHT,BOTTOM",
        help="expand the canvas by these pixels per side and fill the new area",
    )
    grow.add_argument(
        "--aspect",
        metavar="W:H",
        help="expand the canvas to this aspect (e.g. 16:9) and fill the new area",
    )
    p.add_argument(
        "--anchor",
        metavar="WHERE",
        help=f"where the original sits with --aspect: {', '.join(ANCHORS)} (default center)",
    )
    p.add_argument(
        "--endpoint",
        help="base URL in the OpenAI SDK convention, e.g. https://api.openai.com/v1 "
        "(the route is appended); 'env' takes OPENAI_BASE_URL. Key: OPENAI_API_KEY",
    )
    p.add_argument(
        "--route",
        choices=["images/edits", "edits"],
        default="images/edits",
        help="edits route on the endpoint (edits = the gateway alias /v1/edits)",
    )
    p.add_argument("--json-body", action="store_true", help="send JSON instead of multipart")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per attempt")
    p.add_argument("--retries", type=int, default=2, help="retries on transient errors")
    p.add_argument(
        "--no-composite",
        action="store_true",
        help="keep the service's whole frame instead of blending through the mask",
    )
    p.add_argument(
        "--feather",
        type=int,
        help="blend reach past the mask edge in px (default 1%% of the shorter side)",
    )
    p.add_argument(
        "--context",
        choices=["auto", "whole", "crop"],
        default="auto",
        help="send the whole frame, or only the mask's area with some context at the model's "
        "best size (auto: crop when that sends the masked area sharper; default)",
    )
    p.add_argument(
        "--context-margin",
        type=float,
        default=0.5,
        help="context on each side of the mask's box, as a fraction of its size (default 0.5)",
    )
    p.add_argument(
        "--color-match",
        choices=["on", "off"],
        help="match the variant's colour and tone to the original around the mask "
        "(default: on for --endpoint, off for the local engine)",
    )
    p.add_argument(
        "--color-strength",
        type=float,
        default=1.0,
        help="how much of the colour correction to apply, 0..1 (default 1)",
    )
    p.add_argument(
        "--strip-metadata",
        action="store_true",
        help="save pixels only: no ICC profile, EXIF, DPI or provenance text",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        help="ask for server-sent events: previews show in the progress line as they arrive",
    )
    p.add_argument(
        "--partial-images",
        type=int,
        choices=range(0, 4),
        metavar="N",
        help="previews per variant while streaming, 0–3 (default: the service's; needs --stream)",
    )
    p.add_argument(
        "--max-n-per-request",
        type=int,
        metavar="K",
        help="most images one request may ask for; more are sent as parallel requests "
        "(default: from the model table; a service that rejects n>1 is retried with 1)",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="parallel requests when fanning out (default 4)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress line")
    return p


def _client_for(options: argparse.Namespace) -> tuple[EditsClient, str]:
    if not options.endpoint:
        return embedded_client(), EMBEDDED_DEFAULT_MODEL
    overrides: dict[str, object] = {
        "route": options.route,
        "body": "json" if options.json_body else "multipart",
        "timeout": options.timeout,
        "max_retries": options.retries,
    }
    if options.endpoint != "env":
        overrides["base_url"] = options.endpoint
    return EditsClient(Endpoint.from_env(**overrides)), REMOTE_DEFAULT_MODEL


def _params(
    options: argparse.Namespace, default_model: str, references: tuple[Reference, ...] = ()
) -> EditParams:
    return EditParams(
        ApiOptions(
            prompt=options.prompt,
            model=options.model or default_model,
            n=options.n,
            size=options.size,
            quality=options.quality,
            watermark=OMIT if options.watermark is None else options.watermark,
            response_format=options.response_format,
            background=options.background,
            output_format=options.output_format,
            output_compression=options.output_compression,
            input_fidelity=options.input_fidelity,
            complexity=options.complexity,
            stream=options.stream,
            partial_images=options.partial_images,
        ),
        composite=not options.no_composite,
        feather=options.feather,
        context=options.context,
        context_margin=options.context_margin,
        # The embedded engine only fills the mask: its output has no cast to correct.
        color_match=(
            options.color_match == "on"
            if options.color_match is not None
            else bool(options.endpoint)
        ),
        color_match_strength=options.color_strength,
        references=references,
    )


def _expansion(options: argparse.Namespace, size: tuple[int, int]) -> Expansion | None:
    """The canvas expansion asked for, or None; InputError with a plain reason if malformed."""
    if options.anchor is not None and options.aspect is None:
        raise InputError("--anchor goes with --aspect (--expand gives each side itself).")
    try:
        if options.expand is not None:
            expansion = parse_expand(options.expand)
        elif options.aspect is not None:
            anchor = parse_anchor(options.anchor or "center")
            expansion = expand_to_aspect(size, parse_aspect(options.aspect), anchor)
        else:
            return None
    except ValueError as exc:
        raise InputError(f"{exc}.") from exc
    if expansion.is_empty:
        what = f"already {options.aspect}" if options.aspect else "zero on every side"
        raise InputError(f"Nothing to expand: the image is {what}.")
    return expansion


def _expand_record(options: argparse.Namespace, canvas: ExpandedCanvas) -> dict[str, object]:
    return {
        "pixels": canvas.expansion.as_list(),  # left, top, right, bottom
        "aspect": options.aspect,
        "anchor": parse_anchor(options.anchor or "center") if options.aspect else None,
        "original_size": list(canvas.original_size),
        "expanded_size": list(canvas.size),
        "seam_band": canvas.seam_band,
        "original_box": list(canvas.original_box),
    }


def _markup(
    options: argparse.Namespace, size: tuple[int, int], canvas: ExpandedCanvas | None
) -> tuple[np.ndarray | None, dict[str, object] | None]:
    """The --markup layer as RGBA at the edited canvas's size (placed over the original on an
    expanded canvas), and its sidecar record."""
    if not options.markup:
        return None, None
    loaded = load_image(options.markup, name="The markup")
    if not loaded.has_alpha:
        raise InputError(
            "The markup must be a transparent PNG: marks on a clear layer, not a picture."
        )
    if loaded.size != size:
        raise InputError(
            f"The markup is {loaded.size[0]} × {loaded.size[1]} but the image is "
            f"{size[0]} × {size[1]}."
        )
    marks = loaded.pixels
    if canvas is not None:
        w, h = canvas.size
        x0, y0, x1, y1 = canvas.original_box
        grown = np.zeros((h, w, 4), np.uint8)
        grown[y0:y1, x0:x1] = marks
        marks = grown
    if not has_marks(marks):
        raise InputError("The markup has no marks: every pixel is transparent.")
    return marks, {"file": str(options.markup), "size": list(size)}


def _prompts(options: argparse.Namespace) -> list[str]:
    """Every prompt asked for, expanded; InputError when there is none or too many."""
    try:
        prompts = expand_all(options.prompt)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if not prompts and not options.region:
        raise InputError("--prompt is needed (or --region MASK PROMPT).")
    if options.region and len(prompts) > 1:
        raise InputError("A prompt matrix goes with one --mask; with --region give each its own.")
    if options.region and options.mask:
        raise InputError("--region replaces --mask: give each region its own mask.")
    if options.region and not prompts and not all(p.strip() for _, p in options.region):
        raise InputError("A region without a prompt needs --prompt.")
    return prompts or [""]


def _service(options: argparse.Namespace) -> tuple[EditsClient, EditParams]:
    """The client the options point at and what they ask (references read)."""
    client, default_model = _client_for(options)
    return client, _params(options, default_model, tuple(load_reference(p) for p in options.ref))


def _written(options: argparse.Namespace, started: float) -> dict[str, Any]:
    """What every writer of results takes from the options."""
    return {
        "endpoint": options.endpoint or "local engine (in-process)",
        "total_s": time.perf_counter() - started,
        "strip_metadata": options.strip_metadata,
        "stem": getattr(options, "stem", None),
    }


def _regions(options: argparse.Namespace, size: tuple[int, int]) -> list[Region]:
    regions = []
    for path, prompt in options.region:
        mask = load_mask(path, size=size, invert=options.invert_mask)
        regions.append(Region(mask, prompt.strip(), name=Path(path).name))
    return regions


async def _run_regions(options: argparse.Namespace, progress: ProgressLine) -> list[Path]:
    image = load_image(options.image)
    if options.expand or options.aspect or options.markup or options.stream:
        raise InputError("--region goes without --expand, --aspect, --markup and --stream.")
    regions = _regions(options, image.size)
    check_regions(regions, image.size)
    client, params = _service(options)
    started = time.perf_counter()
    async with client:
        outcome = await send_regions(
            client,
            image.pixels,
            regions,
            params,
            on_progress=lambda _i, p: progress.update(p),
            max_n_per_request=options.max_n_per_request,
            concurrency=options.concurrency,
        )
    progress.finish()
    if outcome.missing:
        print(f"warning: {outcome.missing}", file=sys.stderr)
    masks = [path for path, _ in options.region]
    out, image_path = Path(options.out), Path(options.image)
    return write_regions(out, image_path, params, outcome, masks, **_written(options, started))


async def _run_matrix(
    options: argparse.Namespace, progress: ProgressLine, prompts: list[str]
) -> list[Path]:
    image = load_image(options.image)
    if options.expand or options.aspect or options.markup:
        raise InputError("A prompt matrix goes without --expand, --aspect and --markup.")
    edit = None
    if options.mask:
        edit = load_mask(options.mask, size=image.size, invert=options.invert_mask)
    client, params = _service(options)
    started = time.perf_counter()
    async with client:
        outcomes = await send_prompts(
            client,
            image.pixels,
            edit,
            params,
            prompts,
            on_progress=lambda _i, p: progress.update(p),
            max_n_per_request=options.max_n_per_request,
            concurrency=options.concurrency,
        )
    progress.finish()
    failed = [o for o in outcomes if isinstance(o, EditError)]
    if len(failed) == len(outcomes):
        raise failed[0]
    for prompt, outcome in zip(prompts, outcomes, strict=True):
        if isinstance(outcome, EditError):
            print(f"warning: “{prompt}” failed: {outcome.user_message}", file=sys.stderr)
    out, image_path = Path(options.out), Path(options.image)
    return write_matrix(out, image_path, params, prompts, outcomes, **_written(options, started))


async def _run(options: argparse.Namespace, progress: ProgressLine) -> int:
    for path in await edit_one(options, progress):
        print(path)
    return EXIT_OK


async def edit_one(options: argparse.Namespace, progress: ProgressLine) -> list[Path]:
    """One ``edit`` as its options ask (one prompt, a prompt matrix or regions): the files it
    wrote, the sidecar last. ``options.stem`` (when set) names them instead of a time stamp."""
    prompts = _prompts(options)
    if options.concurrency < 1:
        raise InputError("--concurrency is at least 1.")
    options.prompt = prompts[0]  # each request's own prompt replaces it in a matrix
    if options.region:
        return await _run_regions(options, progress)
    if len(prompts) > 1:
        return await _run_matrix(options, progress, prompts)
    image = load_image(options.image)
    for note in image.notes:
        print(f"note: {note}", file=sys.stderr)
    edit = None
    if options.mask:
        edit = load_mask(options.mask, size=image.size, invert=options.invert_mask)
    pixels = image.pixels
    expand_record = None
    canvas: ExpandedCanvas | None = None
    expansion = _expansion(options, image.size)
    if expansion is not None:
        try:
            canvas = expand_canvas(pixels, expansion, edit=edit)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        # Without --mask the new area (and its seam band) is the mask.
        pixels, edit = canvas.pixels, canvas.mask
        expand_record = _expand_record(options, canvas)
    markup, markup_record = _markup(options, image.size, canvas)
    client, params = _service(options)
    started = time.perf_counter()
    if options.partial_images is not None and not options.stream:
        raise InputError("--partial-images needs --stream.")
    if options.max_n_per_request is not None and options.max_n_per_request < 1:
        raise InputError("--max-n-per-request is at least 1.")
    progress.expect_partials(options.partial_images)
    async with client:
        outcome = await send_round(
            client,
            pixels,
            edit,
            params,
            on_progress=progress.update,
            on_partial=progress.partial if options.stream else None,
            max_n_per_request=options.max_n_per_request,
            concurrency=options.concurrency,
            preview_max_side=256,  # only counted in the progress line
            markup=markup,
            markup_carried=False if options.markup_as_mask else None,
        )
    progress.finish()
    if expansion is not None and not image.has_alpha:
        # An opaque photo stays RGB once its new area is filled.
        for i, variant in enumerate(outcome.variants):
            outcome.variants[i] = replace(variant, pixels=drop_opaque_alpha(variant.pixels))
    if outcome.failure_message:
        print(f"warning: {outcome.failure_message}", file=sys.stderr)
    if outcome.stream_fallback:
        print(f"note: {STREAM_FALLBACK_NOTE}", file=sys.stderr)
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    for name, said in outcome.service_did.items():
        print(
            f"note: the service says it used {name} {said['got']} (asked {said['asked']}).",
            file=sys.stderr,
        )
    if markup_record is not None:
        markup_record["sent_as"] = (
            "mask" if any("as a mask" in n for n in outcome.notes) else ("markup")
        )
    return write_outcome(
        Path(options.out),
        Path(options.image),
        params,
        outcome,
        expand=expand_record,
        markup=markup_record,
        **_written(options, started),
    )


def run_edit_command(argv: Sequence[str]) -> int:
    options = edit_parser().parse_args(list(argv))
    progress = ProgressLine(enabled=not options.quiet and sys.stderr.isatty())
    try:
        return asyncio.run(_run(options, progress))
    except (ImageLoadError, InputError) as exc:
        progress.finish()
        print(f"inpaint-editor edit: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EditError as exc:
        progress.finish()
        print(f"inpaint-editor edit: {exc.user_message}", file=sys.stderr)
        if exc.details:
            print(f"  details: {exc.details}", file=sys.stderr)
        return EXIT_SERVICE
    except OSError as exc:
        progress.finish()
        print(f"inpaint-editor edit: could not write the results: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        progress.finish()
        print("inpaint-editor edit: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
