"""Small real images for the streaming and fan-out tests."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from editor.core.request import EditRequest, ImageInput

W, H = 160, 96


def photo_array(size: tuple[int, int] = (W, H)) -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)


def png_of(pixels: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "PNG")
    return buf.getvalue()


def mask_png(size: tuple[int, int] = (W, H)) -> bytes:
    """Alpha 0 (edit) in a box in the middle."""
    alpha = np.full((size[1], size[0], 4), 255, np.uint8)
    alpha[size[1] // 3 : 2 * size[1] // 3, size[0] // 3 : 2 * size[0] // 3, 3] = 0
    return png_of(alpha)


def edit_array(size: tuple[int, int] = (W, H)) -> np.ndarray:
    """The same box as an editor mask (255 = edit)."""
    edit = np.zeros((size[1], size[0]), np.uint8)
    edit[size[1] // 3 : 2 * size[1] // 3, size[0] // 3 : 2 * size[0] // 3] = 255
    return edit


def stream_request(
    n: int = 1, partial_images: int | None = 2, model: str = "patchmatch"
) -> EditRequest:
    return EditRequest(
        prompt="fill",
        images=(ImageInput(png_of(photo_array())),),
        mask=ImageInput(mask_png(), filename="mask.png"),
        model=model,
        n=n,
        stream=True,
        partial_images=partial_images,
    )
