"""Zoomed out, the mask overlay is drawn from a reduced copy: it matches the full-size overlay
scaled down, and stays in step as the mask changes."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from editor.ui.common.overlay import MaskOverlay


def _bytes(image: QImage) -> np.ndarray:
    h, w = image.height(), image.width()
    raw = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h)
    return raw.reshape(h, image.bytesPerLine())[:, : w * 4].reshape(h, w, 4).copy()


def _mask() -> np.ndarray:
    mask = np.zeros((400, 600), np.uint8)
    cv2.circle(mask, (200, 150), 90, 255, -1, cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (0, 0), 6)  # soft edges, every value 0..255
    mask[300:380, 420:580] = 255
    return mask


def _scaled_down(full: QImage, k: int) -> np.ndarray:
    f = 2**k
    pixels = _bytes(full)
    h, w = pixels.shape[:2]
    return cv2.resize(pixels, (-(-w // f), -(-h // f)), interpolation=cv2.INTER_AREA)


def test_the_reduced_overlay_is_the_full_one_scaled_down(qapp: object) -> None:
    mask = _mask()
    overlay = MaskOverlay(mask, QColor("#ff2d6e"), 0.5)
    for k in (1, 2, 3):
        small = _bytes(overlay.level_image(k))
        expected = _scaled_down(overlay.image, k)
        assert small.shape == expected.shape
        assert np.abs(small.astype(int) - expected).max() <= 2, k


def test_the_reduced_overlay_follows_the_mask(qapp: object) -> None:
    mask = _mask()
    overlay = MaskOverlay(mask, QColor("#2d9cff"), 0.6)
    overlay.level_image(2)  # built before the change
    mask[20:90, 30:250] = 255
    overlay.refresh((30, 20, 250, 90))
    mask[:] = 0
    mask[100:300, 100:300] = 128
    overlay.refresh_later((0, 0, 600, 400))
    while overlay.refresh_next(20_000) is not None:
        pass
    expected = _scaled_down(overlay.image, 2)
    assert np.abs(_bytes(overlay.level_image(2)).astype(int) - expected).max() <= 2


def test_drawing_zoomed_out_reads_the_reduced_copy(qapp: object) -> None:
    mask = _mask()
    overlay = MaskOverlay(mask, QColor("#ff2d6e"), 0.5)
    assert MaskOverlay.level_for(1.0) == 0 and MaskOverlay.level_for(0.6) == 0
    assert MaskOverlay.level_for(0.25) == 2 and MaskOverlay.level_for(0.01) == 4
    out = {}
    for zoom in (0.25, 1.0):
        target = QImage(150, 100, QImage.Format.Format_ARGB32_Premultiplied)
        target.fill(Qt.GlobalColor.transparent)
        p = QPainter(target)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.scale(0.25, 0.25)
        overlay.draw(p, (0, 0, 600, 400), zoom)
        p.end()
        out[zoom] = _bytes(target).astype(int)
    # The picture drawn from the quarter-size copy is the one drawn from the full overlay.
    assert np.abs(out[0.25] - out[1.0]).mean() < 3
    assert out[0.25][..., 3].max() > 100  # and it shows the mask
