"""Object select: GrabCut finds an object in a box, a "not this" stroke removes a part."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from editor.core.mask_document import MaskDocument
from editor.core.selection import (
    Cancelled,
    HintStroke,
    SelectionMode,
    apply_selection,
    object_select,
)


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def scene(w: int = 640, h: int = 480) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A textured grey-green background; a red disk with a blue handle attached to it."""
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:h, 0:w]
    stripes = (40 * np.sin(xx / 7.0) * np.cos(yy / 11.0)).astype(np.int16)
    base = np.stack([110 + stripes, 130 + stripes, 100 + stripes], axis=2)
    base += rng.normal(0, 12, (h, w, 3)).astype(np.int16)
    image = np.clip(base, 0, 255).astype(np.uint8)
    disk = np.zeros((h, w), np.uint8)
    handle = np.zeros((h, w), np.uint8)
    cv2.circle(disk, (300, 240), 90, 255, -1)
    cv2.rectangle(handle, (385, 215), (470, 265), 255, -1)
    handle[disk > 0] = 0
    noise = rng.normal(0, 6, (h, w, 3))
    image[disk > 0] = np.clip(np.array([200, 40, 40]) + noise[disk > 0], 0, 255)
    image[handle > 0] = np.clip(np.array([40, 60, 210]) + noise[handle > 0], 0, 255)
    return image, disk > 0, handle > 0


BOX = (185, 125, 500, 355)


@pytest.mark.parametrize("work_pixels", [1_000_000, 20_000])
def test_object_select_finds_the_object_in_the_box(work_pixels: int) -> None:
    image, disk, handle = scene()
    got = object_select(image, BOX, work_pixels=work_pixels).to_full() > 127
    assert iou(got, disk | handle) >= 0.8
    x0, y0, x1, y1 = BOX
    outside = np.ones(got.shape, bool)
    outside[y0:y1, x0:x1] = False
    assert not got[outside].any()


def test_a_not_this_stroke_removes_a_part() -> None:
    image, disk, handle = scene()
    stroke = HintStroke([(420, 240), (450, 240)], radius=6, keep=False)
    got = object_select(image, BOX, [stroke]).to_full() > 127
    assert iou(got, disk) >= 0.8
    assert (got & handle).sum() < 0.1 * handle.sum()


def test_a_keep_stroke_keeps_what_the_box_alone_leaves_out() -> None:
    image, disk, handle = scene()
    corner = [(200, 140), (230, 140)]  # background inside the box, left out by the box alone
    assert not (object_select(image, BOX).to_full()[140, 200:231] > 127).any()
    keep = HintStroke(corner, radius=5, keep=True)
    got = object_select(image, BOX, [keep]).to_full() > 127
    assert got[140, 200:231].all()
    assert iou(got, disk | handle) >= 0.8


def test_the_edge_comes_back_close_and_soft_at_full_resolution() -> None:
    image, disk, handle = scene()
    # About 1/5 scale: the small copy's pixels are 5 × 5 blocks of the original.
    values = object_select(image, BOX, work_pixels=20_000).to_full()
    truth = (disk | handle).astype(np.uint8)
    outline = cv2.morphologyEx(truth, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    to_outline = cv2.distanceTransform((outline == 0).astype(np.uint8), cv2.DIST_L2, 5)
    soft = (values > 0) & (values < 255)
    assert soft.sum() > 0.5 * outline.sum()  # an anti-aliased rim all round
    assert np.percentile(to_outline[soft], 95) <= 3.0  # hugging the true outline
    assert len(np.unique(values)) > 10


def test_object_select_is_one_undo_step_and_subtract_removes() -> None:
    image, disk, handle = scene()
    doc = MaskDocument(640, 480)
    doc.fill_all()
    apply_selection(doc, object_select(image, BOX), SelectionMode.SUBTRACT)
    assert iou(doc.edit < 128, disk | handle) >= 0.8
    doc.undo()
    assert (doc.edit == 255).all()


def test_bad_boxes_are_refused_and_cancel_stops_it() -> None:
    image, _, _ = scene()
    with pytest.raises(ValueError, match="at least 4"):
        object_select(image, (10, 10, 12, 40))
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        object_select(image, BOX, cancel=stop)


def test_cancel_between_iterations_is_honoured() -> None:
    image, _, _ = scene()
    calls = []

    def stop_after_first() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        object_select(image, BOX, iterations=4, cancel=stop_after_first)
    assert len(calls) == 2  # checked again before the second iteration
