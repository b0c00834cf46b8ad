"""A contact sheet: results as labelled thumbnails on one page, what a designer sends a client
to choose from. Written as PNG, or as PDF by the file's suffix."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = ["SheetCell", "encode_sheet", "render_sheet"]

_PAPER = (250, 250, 248)
_INK = (30, 30, 32)
_QUIET = (110, 110, 116)
_FRAME = (214, 214, 218)


@dataclass(frozen=True, slots=True)
class SheetCell:
    """One thumbnail: the pixels (any size: scaled to fit) and the lines under it, the first
    in bold ink (e.g. the words of its prompt), the rest quieter (round, variant, model, cost)."""

    pixels: np.ndarray
    lines: tuple[str, ...]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans where the system has it (it covers most scripts), else Pillow's own."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        return ImageFont.load_default(size=size)


def _fit(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, width: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _thumbnail(pixels: np.ndarray, side: int) -> Image.Image:
    image = Image.fromarray(pixels[..., :3] if pixels.ndim == 3 else pixels).convert("RGB")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    return image


def render_sheet(
    cells: Sequence[SheetCell], *, thumb: int = 256, columns: int | None = None, title: str = ""
) -> Image.Image:
    """The sheet as an RGB image: ``columns`` per row (default: near-square), each cell a
    ``thumb``-px box with its picture centred and its lines below."""
    if not cells:
        raise ValueError("a contact sheet needs at least one result")
    columns = max(1, min(columns or math.ceil(math.sqrt(len(cells))), len(cells)))
    rows = math.ceil(len(cells) / columns)
    size = max(11, min(20, thumb // 16))
    font, bold = _font(size), _font(size, bold=True)
    line_h = size + 5
    lines = max(len(c.lines) for c in cells)
    gap = max(12, thumb // 12)
    cell_w, cell_h = thumb, thumb + 6 + lines * line_h
    head = (size * 2 + gap) if title else 0
    sheet = Image.new(
        "RGB",
        (gap + columns * (cell_w + gap), gap + head + rows * (cell_h + gap)),
        _PAPER,
    )
    draw = ImageDraw.Draw(sheet)
    if title:
        draw.text((gap, gap), _fit(title, bold, sheet.width - 2 * gap), font=bold, fill=_INK)
    for i, cell in enumerate(cells):
        x = gap + (i % columns) * (cell_w + gap)
        y = gap + head + (i // columns) * (cell_h + gap)
        picture = _thumbnail(cell.pixels, thumb)
        draw.rectangle((x - 1, y - 1, x + thumb, y + thumb), outline=_FRAME)
        sheet.paste(picture, (x + (thumb - picture.width) // 2, y + (thumb - picture.height) // 2))
        for n, text in enumerate(cell.lines):
            draw.text(
                (x, y + thumb + 6 + n * line_h),
                _fit(text, bold if n == 0 else font, cell_w),
                font=bold if n == 0 else font,
                fill=_INK if n == 0 else _QUIET,
            )
    return sheet


def encode_sheet(sheet: Image.Image, path: Path | str) -> bytes:
    """The sheet's file bytes: PDF for a ``.pdf`` path (one page at 150 dpi), PNG otherwise."""
    out = io.BytesIO()
    if str(path).lower().endswith(".pdf"):
        sheet.save(out, "PDF", resolution=150.0)
    else:
        sheet.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()
