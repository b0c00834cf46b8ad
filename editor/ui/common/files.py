"""File boundaries of the window: dialog filters, save formats, recent files, clipboard images."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import numpy as np
from PySide6.QtCore import QMimeData, QSettings
from PySide6.QtGui import QImage

__all__ = [
    "IMAGE_FILTER",
    "MASK_FILTER",
    "SAVE_FILTERS",
    "RecentFiles",
    "image_source",
    "qimage_to_pixels",
    "save_format",
]

SaveFormat = Literal["png", "jpeg", "webp"]

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp *.gif);;All files (*)"
MASK_FILTER = "Mask images (*.png *.webp *.tif *.tiff *.bmp);;All files (*)"
SAVE_FILTERS: dict[str, str] = {
    "PNG image (*.png)": ".png",
    "JPEG image (*.jpg *.jpeg)": ".jpg",
    "WebP image (*.webp)": ".webp",
}
_EXTENSIONS: dict[str, SaveFormat] = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".webp": "webp",
}
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp", ".gif"}


def save_format(path: Path, chosen_filter: str = "") -> tuple[Path, SaveFormat]:
    """The format from the extension; without a known one, the filter's (extension added)."""
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is not None:
        return path, fmt
    ext = SAVE_FILTERS.get(chosen_filter, ".png")
    return path.with_name(path.name + ext), _EXTENSIONS[ext]


def qimage_to_pixels(image: QImage) -> np.ndarray:
    """``H×W×3`` (opaque) or ``H×W×4`` uint8 pixels of any QImage (a copy)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = rgba.height(), rgba.width()
    buf = np.frombuffer(rgba.constBits(), np.uint8, count=rgba.sizeInBytes())
    pixels = buf.reshape(h, rgba.bytesPerLine())[:, : w * 4].reshape(h, w, 4).copy()
    if bool((pixels[:, :, 3] == 255).all()):
        return np.ascontiguousarray(pixels[:, :, :3])
    return pixels


def image_source(mime: QMimeData) -> str | QImage | None:
    """A local image path or an image from a drop or the clipboard; None if neither."""
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile():
            path = url.toLocalFile()
            if Path(path).suffix.lower() in _IMAGE_SUFFIXES or os.path.isfile(path):
                return path
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            return image
    return None


class RecentFiles:
    """The last few opened paths, newest first, kept in QSettings."""

    KEY = "recent_files"
    LIMIT = 10

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def paths(self) -> list[str]:
        value = self._settings.value(self.KEY, [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-item list
            return [value]
        return [str(p) for p in value] if isinstance(value, list) else []

    def add(self, path: str | os.PathLike[str]) -> None:
        text = os.path.abspath(os.fspath(path))
        paths = [p for p in self.paths() if p != text]
        self._settings.setValue(self.KEY, [text, *paths][: self.LIMIT])

    def clear(self) -> None:
        self._settings.remove(self.KEY)
