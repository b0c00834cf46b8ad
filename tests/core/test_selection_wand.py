"""The magic wand: a flat region inside noise, tolerance, contiguity, and one undo step."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from editor.core.mask_document import MaskDocument
from editor.core.selection import (
    Cancelled,
    SelectionMode,
    apply_selection,
    magic_wand,
)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def noisy_with_disks(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Uniform noise with two separate flat disks of the same colour."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    left = np.zeros((300, 400), np.uint8)
    right = np.zeros((300, 400), np.uint8)
    cv2.circle(left, (110, 150), 70, 255, -1)
    cv2.circle(right, (310, 150), 50, 255, -1)
    image[left > 0] = (40, 160, 90)
    image[right > 0] = (40, 160, 90)
    return image, left > 0, right > 0


def test_a_click_selects_the_flat_disk_inside_noise() -> None:
    image, left, _ = noisy_with_disks()
    got = magic_wand(image, 110, 150, tolerance=32).to_full() > 0
    assert iou(got, left) >= 0.9


def test_contiguous_keeps_to_the_clicked_disk_and_a_colour_range_takes_both() -> None:
    image, left, right = noisy_with_disks()
    near = magic_wand(image, 110, 150, tolerance=10, contiguous=True).to_full() > 0
    everywhere = magic_wand(image, 110, 150, tolerance=10, contiguous=False).to_full() > 0
    assert not (near & right).any()
    assert iou(everywhere & (left | right), left | right) == 1.0
    assert (everywhere & right).sum() == right.sum()


def test_tolerance_decides_how_far_the_colour_may_differ() -> None:
    # A ramp of grey levels: the wand takes the columns within tolerance of the clicked one.
    ramp = np.repeat(
        np.repeat(np.arange(256, dtype=np.uint8)[None, :], 20, axis=0)[:, :, None], 3, 2
    )
    for tol in (0, 5, 32):
        sel = magic_wand(ramp, 100, 10, tolerance=tol).to_full() > 0
        cols = np.flatnonzero(sel.any(axis=0))
        assert (cols.min(), cols.max()) == (100 - tol, 100 + tol)
        assert sel[:, cols].all()


def test_alpha_takes_no_part_and_a_click_outside_is_refused() -> None:
    image, left, _ = noisy_with_disks()
    rgba = np.dstack([image, np.random.default_rng(1).integers(0, 256, image.shape[:2], np.uint8)])
    assert iou(magic_wand(rgba, 110, 150).to_full() > 0, left) >= 0.9
    with pytest.raises(ValueError, match="outside"):
        magic_wand(image, 400, 10)


def test_a_wand_click_is_one_undo_step_and_subtract_removes() -> None:
    image, left, _ = noisy_with_disks()
    doc = MaskDocument(400, 300)
    apply_selection(doc, magic_wand(image, 110, 150), SelectionMode.ADD)
    assert iou(doc.edit > 0, left) >= 0.9
    doc.fill_rect(0, 0, 400, 300)
    apply_selection(doc, magic_wand(image, 110, 150), SelectionMode.SUBTRACT)
    assert not (doc.edit[left] > 0).any() and (doc.edit[~left] == 255).mean() > 0.95
    doc.undo()
    assert (doc.edit == 255).all()
    doc.undo()
    doc.undo()
    assert not doc.edit.any() and not doc.can_undo


def test_a_set_cancel_event_abandons_the_wand() -> None:
    image, _, _ = noisy_with_disks()
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        magic_wand(image, 110, 150, cancel=stop)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.uint8, st.tuples(st.integers(1, 12), st.integers(1, 12), st.just(3))),
    st.integers(0, 255),
    st.data(),
)
def test_the_contiguous_region_is_the_connected_part_of_the_colour_range(
    image: np.ndarray, tolerance: int, data: st.DataObject
) -> None:
    h, w = image.shape[:2]
    x = data.draw(st.integers(0, w - 1))
    y = data.draw(st.integers(0, h - 1))
    near = magic_wand(image, x, y, tolerance=tolerance).to_full() > 0
    similar = magic_wand(image, x, y, tolerance=tolerance, contiguous=False).to_full() > 0
    # The clicked colour is the 5 × 5 average around the click; the colour range is exactly
    # the pixels within tolerance of it on every channel ...
    patch = image[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3].reshape(-1, 3)
    clicked = np.rint(patch.mean(axis=0)).astype(int)
    diff = np.abs(image.astype(int) - clicked).max(axis=2)
    np.testing.assert_array_equal(similar, diff <= tolerance)
    # ... and the contiguous region is the part of it 4-connected through the click.
    reach = similar.copy()
    reach[y, x] = True
    _, parts = cv2.connectedComponents(reach.astype(np.uint8), connectivity=4)
    np.testing.assert_array_equal(near, (parts == parts[y, x]) & similar)


def test_a_click_on_the_sample_photos_saucer_takes_the_saucer_not_a_speck() -> None:
    from PIL import Image

    from editor.resources_path import resource_path

    photo = np.asarray(Image.open(resource_path("samples", "coffee.png")).convert("RGB"))
    # Lit rim, shadowed side and the far edge of the saucer, each a click a designer makes.
    for x, y in ((120, 260), (440, 250), (150, 330), (420, 300)):
        share = (magic_wand(photo, x, y).to_full() > 0).mean()
        assert 0.03 < share < 0.2, (x, y, share)
