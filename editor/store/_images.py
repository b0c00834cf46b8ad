"""Encoding what the store saves: variants as PNG, mask snapshots as API-convention PNGs."""

from __future__ import annotations

import hashlib
import io

import numpy as np
from PIL import Image

from editor.core.deferred_imports import cv2
from editor.core.imageio import encode_png, load_image, mask_to_api_png

from ._errors import StoreReadError

__all__ = [
    "PNG_MAGIC",
    "THUMBNAIL_EDGE",
    "decode_mask_png",
    "encode_mask_png",
    "encode_proxy",
    "image_suffix",
    "mask_digest",
    "shrink_to",
    "thumbnail_png",
    "to_png_bytes",
]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
THUMBNAIL_EDGE = 256

_SUFFIXES = {
    "PNG": ".png",
    "JPEG": ".jpg",
    "MPO": ".jpg",
    "WEBP": ".webp",
    "TIFF": ".tif",
    "BMP": ".bmp",
    "GIF": ".gif",
}


def image_suffix(fmt: str | None) -> str:
    return _SUFFIXES.get(fmt or "", ".img")


def to_png_bytes(image: np.ndarray | bytes) -> bytes:
    """Pixels → lossless PNG; PNG bytes pass through untouched; other encodings are converted."""
    if isinstance(image, np.ndarray):
        return encode_png(image)
    data = bytes(image)
    if data.startswith(PNG_MAGIC):
        return data
    return encode_png(load_image(data, name="the variant").pixels)


def mask_digest(mask: np.ndarray) -> str:
    """Short content hash of an edit mask (shape included): names its snapshot file."""
    h = hashlib.blake2b(digest_size=12)
    h.update(f"{mask.shape[0]}x{mask.shape[1]}:".encode())
    h.update(np.ascontiguousarray(mask, dtype=np.uint8).data)
    return h.hexdigest()


def decode_mask_png(data: bytes, label: str) -> np.ndarray:
    """An API-convention mask PNG (alpha 0 = edit) → the 2-D edit array, exactly as saved."""
    try:
        with Image.open(io.BytesIO(data), formats=("PNG",)) as im:
            alpha = np.asarray(im.convert("RGBA").getchannel("A"), dtype=np.uint8)
    except (OSError, ValueError, SyntaxError) as e:
        raise StoreReadError(f"Could not read {label}: the file is damaged") from e
    return np.ascontiguousarray(255 - alpha)


def encode_mask_png(mask: np.ndarray) -> bytes:
    if mask.ndim != 2 or mask.dtype != np.uint8:
        raise ValueError(f"a mask is a 2-D uint8 array, got {mask.dtype} {mask.shape}")
    return mask_to_api_png(mask)


def thumbnail_png(pixels: np.ndarray, edge: int = THUMBNAIL_EDGE) -> bytes:
    im = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8))
    im.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def shrink_to(pixels: np.ndarray, side: int) -> np.ndarray:
    """``pixels`` scaled down (area average) so the longer side is at most ``side``."""
    h, w = pixels.shape[:2]
    if max(w, h) <= side:
        return pixels
    scale = side / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    step = max(1, int(1 / scale) // 2)  # a strided pre-shrink keeps the area pass cheap
    source = pixels[::step, ::step] if step > 1 else pixels
    return np.asarray(cv2.resize(source, size, interpolation=cv2.INTER_AREA))


def encode_proxy(pixels: np.ndarray, side: int) -> bytes:
    """A screen-sized copy for showing at once: JPEG (PNG when there is alpha)."""
    small = shrink_to(pixels, side)
    if small.ndim == 3 and small.shape[2] == 4:
        return encode_png(small)
    buf = io.BytesIO()
    mode = "L" if small.ndim == 2 else "RGB"
    Image.fromarray(np.ascontiguousarray(small), mode).save(buf, "JPEG", quality=90)
    return buf.getvalue()
