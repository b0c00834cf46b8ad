"""One edit request, start to finish, as plain blocking code (run in a worker thread)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image

from editor.core.markup import markup_region
from editor.server.engines import Variant, inpaint_any_size, plan_variants
from editor.server.errors import bad_request, invalid_image
from editor.server.imaging import (
    Pixels,
    alpha_of,
    edit_region,
    encode,
    has_alpha,
    open_image,
    resize,
    to_pixels,
)
from editor.server.parsing import ReceivedEdit
from editor.server.previews import preview_stages

# Decoders, cv2.inpaint, PatchMatch (a ctypes call) and encoders release the GIL: independent
# steps of one request (image and mask decoding, the n variants) run side by side on this pool.
_POOL = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="engine")

NOTHING_TO_FILL = (
    "The local engine fills masked areas only: send a mask, markup, or an image with transparent "
    "areas"
)


class Cancelled(Exception):
    """The request was cancelled (its client is gone): the remaining variants were skipped."""


@dataclass(frozen=True, slots=True)
class EditedImage:
    data: bytes
    revised_prompt: str


@dataclass(frozen=True, slots=True)
class EditResult:
    images: list[EditedImage]
    size: str
    background: str  # what the output is: "transparent" or "opaque"


class StreamHooks(Protocol):
    """Told about each stage as it is ready (``stream=true``); called from worker threads."""

    @property
    def partial_images(self) -> int: ...

    def partial(self, index: int, stage: int, data: bytes, description: str) -> None:
        """Preview ``stage`` (0-based) of variant ``index`` (0-based), encoded like the final."""
        ...

    def image(self, index: int, image: EditedImage, transparent: bool) -> None:
        """Variant ``index``'s final image."""
        ...


PREVIEW_MAX_SIDE = 1024


def run_edit(
    params: ReceivedEdit,
    *,
    max_pixels: int,
    cancel: threading.Event | None = None,
    hooks: StreamHooks | None = None,
) -> EditResult:
    """Decode, fill n variants, encode. Setting ``cancel`` skips the variants not yet started
    (one fill is one uninterruptible native call) and raises Cancelled. With ``hooks``, each
    variant's preview stages (editor.server.previews) are rendered and reported before its
    fill, and each final image is reported as soon as it is encoded."""
    stop = cancel or threading.Event()
    mask_job: Future[Image.Image] | None = None
    if params.mask is not None:
        mask_job = _POOL.submit(open_image, params.mask, "mask", "mask", max_pixels)
    image = open_image(params.images[0], "image", "image 1", max_pixels)
    for index, extra in enumerate(params.images[1:], start=2):
        # Reference images are not used by the local engine, but must be valid like upstream.
        open_image(extra, "image", f"image {index}", max_pixels)
    pixels = to_pixels(image)
    size = image.size
    del image  # the decoded copy: 288 MB at 96 MP, and pixels hold the same
    marks = None
    if params.markup is not None and params.mask is None:
        marks = open_image(params.markup, "markup", "markup", max_pixels)
    region = _region(mask_job.result() if mask_job else None, pixels, size, marks)

    notes = ""
    if len(params.images) > 1:
        notes += f" Reference images 2–{len(params.images)} were not used."
    out_size = params.size or size
    if out_size != size:
        notes += f" Resized from {size[0]}x{size[1]} to {out_size[0]}x{out_size[1]}."

    def finish(filled: Pixels) -> tuple[bytes, bool]:
        if params.background == "opaque" or params.output_format == "jpeg":
            filled = _flatten(filled)
        filled = resize(filled, out_size)
        transparent = filled.shape[2] == 4 and bool((filled[:, :, 3] < 255).any())
        return encode(filled, params.output_format, params.output_compression), transparent

    def preview(frame: Pixels) -> bytes:
        # At most PREVIEW_MAX_SIDE on the long side: a partial of a native-size (say 24 MP)
        # frame would cost tens of MB of base64 per event; clients scale any returned size.
        if params.background == "opaque" or params.output_format == "jpeg":
            frame = _flatten(frame)
        scale = min(1.0, PREVIEW_MAX_SIDE / max(out_size))
        size = (max(1, round(out_size[0] * scale)), max(1, round(out_size[1] * scale)))
        return encode(resize(frame, size), params.output_format, params.output_compression)

    def render(item: tuple[int, Variant]) -> tuple[bytes, bool, str]:
        index, variant = item
        if hooks is not None:
            stages = preview_stages(pixels, region, variant, hooks.partial_images)
            for stage, (frame, description) in enumerate(stages):
                if stop.is_set():
                    raise Cancelled
                hooks.partial(index, stage, preview(frame), description)
        if stop.is_set():
            raise Cancelled
        filled, scaled = inpaint_any_size(pixels, region, variant)
        data, transparent = finish(filled)
        del filled
        if hooks is not None:
            hooks.image(index, EditedImage(data, variant.describe() + scaled + notes), transparent)
        return data, transparent, scaled

    variants = plan_variants(params.model, params.n)
    if stop.is_set():
        raise Cancelled
    items = list(enumerate(variants))
    rendered = list(_POOL.map(render, items)) if len(items) > 1 else [render(items[0])]
    if stop.is_set():
        raise Cancelled  # nobody is waiting for the encoded images
    images = [
        EditedImage(data, v.describe() + scaled + notes)
        for v, (data, _, scaled) in zip(variants, rendered, strict=True)
    ]
    background = "transparent" if any(t for _, t, _ in rendered) else "opaque"
    return EditResult(images, f"{out_size[0]}x{out_size[1]}", background)


def _region(
    mask: Image.Image | None,
    pixels: Pixels,
    image_size: tuple[int, int],
    marks: Image.Image | None = None,
) -> Pixels:
    if mask is None and marks is not None:
        if marks.size != image_size:
            raise invalid_image(
                "Invalid markup: the markup must be the same size as the image "
                f"(image {image_size[0]}x{image_size[1]}, markup {marks.width}x{marks.height}).",
                "markup",
            )
        # The engines can't read arrows: they fill what the marks enclose (editor.core.markup).
        region = markup_region(np.asarray(marks.convert("RGBA")))
    elif mask is not None:
        if not has_alpha(mask):
            raise invalid_image("Invalid mask image: mask must have an alpha channel.", "mask")
        if mask.size != image_size:
            raise invalid_image(
                "Invalid mask: the mask must be the same size as the image "
                f"(image {image_size[0]}x{image_size[1]}, mask {mask.width}x{mask.height}).",
                "mask",
            )
        region = edit_region(alpha_of(mask))
    elif pixels.shape[2] == 4:
        # No mask: OpenAI edits the image's own fully transparent pixels.
        region = np.where(pixels[:, :, 3] == 0, np.uint8(255), np.uint8(0))
    else:
        region = np.zeros(pixels.shape[:2], np.uint8)
    if not region.any():
        raise bad_request(NOTHING_TO_FILL, param="mask")
    return region


def _flatten(pixels: Pixels) -> Pixels:
    """Composite RGBA over white (for opaque/jpeg output); RGB passes through."""
    if pixels.shape[2] == 3:
        return pixels
    alpha = pixels[:, :, 3:4].astype(np.float32) / 255.0
    rgb = pixels[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
    return np.asarray(np.clip(rgb + 0.5, 0, 255), dtype=np.uint8)
