"""Small generated images for the server tests."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from PIL import Image

W, H = 64, 48


def photo(size: tuple[int, int] = (W, H), mode: str = "RGB") -> Image.Image:
    """A smooth gradient with texture, so inpainting variants visibly differ."""
    width, height = size
    yy, xx = np.mgrid[0:height, 0:width]
    rgb = np.stack(
        [xx * 255 // max(1, width - 1), yy * 255 // max(1, height - 1), (xx * 7 + yy * 13) % 256],
        axis=-1,
    ).astype(np.uint8)
    image = Image.fromarray(rgb, "RGB")
    return image.convert(mode) if mode != "RGB" else image


def mask(
    size: tuple[int, int] = (W, H), box: tuple[int, int, int, int] | None = None
) -> Image.Image:
    """Opaque with a transparent (alpha 0 = edit) box, by default the middle quarter."""
    width, height = size
    box = box or (width // 4, height // 4, 3 * width // 4, 3 * height // 4)
    image = Image.new("RGBA", size, (0, 0, 0, 255))
    image.paste((0, 0, 0, 0), box)
    return image


def encode(image: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()


def png(image: Image.Image | None = None) -> bytes:
    return encode(image if image is not None else photo())


def mask_png(size: tuple[int, int] = (W, H)) -> bytes:
    return encode(mask(size))


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def decode_b64(text: str) -> Image.Image:
    return decode(base64.b64decode(text))


def multipart(
    image: bytes | None = None,
    mask_data: bytes | None = None,
    **fields: str,
) -> dict[str, Any]:
    """httpx kwargs for a standard multipart edit (image.png + mask.png + fields)."""
    files: list[tuple[str, tuple[str, bytes, str]]] = [
        ("image", ("image.png", image if image is not None else png(), "image/png"))
    ]
    if mask_data is not None:
        files.append(("mask", ("mask.png", mask_data, "image/png")))
    data = {"prompt": "fill it", "model": "telea", **fields}
    return {"files": files, "data": data}
