"""The engine's masked copy writes only where the mask is set, into views of a bigger frame."""

from __future__ import annotations

import numpy as np

from editor.server.imaging import paste_where


def test_masked_copy_into_a_crop_of_the_frame() -> None:
    rng = np.random.default_rng(3)
    frame = rng.integers(0, 256, (60, 80, 3), np.uint8)
    expected = frame.copy()
    src = rng.integers(0, 256, (30, 40, 3), np.uint8)
    mask = np.zeros((30, 40), np.uint8)
    mask[5:20, 10:30] = 255
    mask[25, 3] = 1  # any non-zero value counts
    paste_where(frame[10:40, 20:60], src, mask)
    view = expected[10:40, 20:60]
    view[mask > 0] = src[mask > 0]
    assert np.array_equal(frame, expected)


def test_masked_copy_into_the_colour_of_an_rgba_frame() -> None:
    rng = np.random.default_rng(4)
    frame = rng.integers(0, 256, (20, 20, 4), np.uint8)
    expected = frame.copy()
    src = rng.integers(0, 256, (20, 20, 3), np.uint8)
    mask = np.zeros((20, 20), np.uint8)
    mask[2:9, 4:16] = 255
    paste_where(frame[:, :, :3], src, mask)  # a layout OpenCV cannot write into
    expected[:, :, :3][mask > 0] = src[mask > 0]
    assert np.array_equal(frame, expected)
