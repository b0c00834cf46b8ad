"""Strict server-side decoding and encoding (Pillow in, OpenCV out).

Kept inside the server on purpose: these checks are service semantics (which files the real API
refuses, and with which error), not the editor's own image handling.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from editor.server.errors import invalid_image, too_large
from editor.server.parsing import RawFile

Pixels = NDArray[np.uint8]
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
# Below this alpha a mask pixel counts as "edit here": OpenAI means alpha == 0, and soft brush
# edges from painting tools should not leave a one-pixel seam of untouched pixels.
SOFT_ALPHA = 128


def mime_for(output_format: str) -> str:
    return _MIME[output_format]


def open_image(raw: RawFile, param: str, label: str, max_pixels: int) -> Image.Image:
    """Decode one upload fully, or raise the error the real service would."""
    try:
        with warnings.catch_warnings():
            # We enforce our own pixel limit below; Pillow's bomb warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw.data))
            if image.format not in ACCEPTED_FORMATS:
                raise invalid_image(
                    f"Invalid image file or mode for {label}: {image.format or 'unknown'} is not "
                    "supported; send png, jpeg or webp.",
                    param,
                )
            width, height = image.size
            if width * height > max_pixels:
                raise too_large(
                    f"The {label} is too large: {width}x{height} exceeds {max_pixels} pixels.",
                    param,
                )
            image.load()
    except Image.DecompressionBombError as exc:
        raise too_large(f"The {label} is too large.", param) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise invalid_image(
            f"Invalid image file or mode for {label}, please check your image file.", param
        ) from exc
    return image


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )


def to_pixels(image: Image.Image) -> Pixels:
    """RGB or RGBA uint8 array: the editor keeps transparency when the input had it."""
    mode = "RGBA" if has_alpha(image) else "RGB"
    return np.asarray(image.convert(mode) if image.mode != mode else image, dtype=np.uint8)


def alpha_of(image: Image.Image) -> Pixels:
    if image.mode == "RGBA":
        return np.asarray(image.getchannel("A"), dtype=np.uint8)
    return np.asarray(image.convert("RGBA").getchannel("A"), dtype=np.uint8)


def edit_region(mask_alpha: Pixels) -> Pixels:
    """255 where the mask allows editing (transparent), 0 elsewhere, as cv2.inpaint wants."""
    return np.where(mask_alpha < SOFT_ALPHA, np.uint8(255), np.uint8(0))


def paste_where(dst: Pixels, src: Pixels, mask: NDArray[Any]) -> None:
    """``dst[mask > 0] = src[mask > 0]`` in place. OpenCV's masked copy where the layout allows
    (two orders of magnitude faster than NumPy's boolean indexing on a 9 MP crop, which kept a
    core busy for 0.4 s beside the window), a masked NumPy copy otherwise (RGBA channel views)."""
    try:
        cv2.copyTo(src, mask, dst)
    except cv2.error:
        where = mask > 0
        np.copyto(dst, src, where=where[..., None] if dst.ndim == 3 else where)


def resize(pixels: Pixels, size: tuple[int, int]) -> Pixels:
    width, height = size
    if pixels.shape[1] == width and pixels.shape[0] == height:
        return pixels
    shrinking = width * height < pixels.shape[0] * pixels.shape[1]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(pixels, (width, height), interpolation=interpolation))


def encode(pixels: Pixels, output_format: str, compression: int) -> bytes:
    """Encode RGB(A) pixels; OpenCV's encoders are several times faster than Pillow's."""
    channels = pixels.shape[2]
    if output_format == "jpeg" and channels == 4:
        pixels = pixels[:, :, :3]  # JPEG has no alpha
        channels = 3
    code = cv2.COLOR_RGBA2BGRA if channels == 4 else cv2.COLOR_RGB2BGR
    bgr = cv2.cvtColor(pixels, code)
    quality = max(1, compression)  # output_compression 100 (the default) = best quality
    params = {
        # Huffman-only deflate after PNG's row filters: ~30 % faster than level 1 and smaller
        # on photographic content, which is what comes back from an inpaint.
        "png": [
            cv2.IMWRITE_PNG_COMPRESSION,
            1,
            cv2.IMWRITE_PNG_STRATEGY,
            cv2.IMWRITE_PNG_STRATEGY_HUFFMAN_ONLY,
        ],
        "jpeg": [cv2.IMWRITE_JPEG_QUALITY, quality],
        "webp": [cv2.IMWRITE_WEBP_QUALITY, quality],
    }[output_format]
    ok, buffer = cv2.imencode("." + output_format.replace("jpeg", "jpg"), bgr, params)
    if not ok:
        raise RuntimeError(f"could not encode {output_format}")
    return buffer.tobytes()
