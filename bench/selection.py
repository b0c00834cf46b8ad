"""Selection tools on a 24 MP photo: magic wand, object select, lasso fill, each against its peer.

Run: .venv/bin/python -m bench --only T1,T2,T3. Each figure is click (or close) → mask updated:
the tool plus joining its result into a MaskDocument as one undo step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import cv2
import numpy as np

from bench.pixels import _stats, photo_like
from editor.core.mask_document import MaskDocument
from editor.core.selection import (
    SelectionMode,
    apply_selection,
    fill_polygon,
    magic_wand,
    object_select,
)
from editor.core.selection.object_select import DEFAULT_WORK_PIXELS

W, H = 6000, 4000
Stats = dict[str, float]


def _fresh_runs(setup: Callable[[], object], fn: Callable[[object], object], runs: int) -> Stats:
    """Median/p95 of ``fn(setup())`` with the setup outside the clock (a fresh mask each run)."""
    fn(setup())
    times = []
    for _ in range(runs):
        state = setup()
        t = time.perf_counter()
        fn(state)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "median_ms": float(np.median(times)),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
    }


def _scene() -> tuple[np.ndarray, np.ndarray]:
    """A photo-like frame with a flat-ish red object in the upper-left quarter-frame box."""
    image = photo_like(W, H)
    truth = np.zeros((H, W), np.uint8)
    cv2.ellipse(truth, (1500, 1000), (1100, 750), 0, 0, 360, 255, -1)
    noise = np.random.default_rng(5).normal(0, 6, (int(truth.sum() // 255), 3))
    image[truth > 0] = np.clip(np.array([205, 45, 40]) + noise, 0, 255).astype(np.uint8)
    return image, truth > 0


def measure_wand(runs: int) -> dict[str, object]:
    image, truth = _scene()
    click = (1500, 1000)

    def ours(doc: object, contiguous: bool = True) -> object:
        assert isinstance(doc, MaskDocument)
        sel = magic_wand(image, *click, tolerance=32, contiguous=contiguous)
        apply_selection(doc, sel, SelectionMode.ADD)
        return doc

    def peer() -> object:
        mask = np.zeros((H + 2, W + 2), np.uint8)
        flags = 4 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (255 << 8)
        return cv2.floodFill(image, mask, click, 0, (32,) * 3, (32,) * 3, flags)

    sel = magic_wand(image, *click, tolerance=32)
    got = sel.to_full() > 0
    return {
        "contiguous": _fresh_runs(lambda: MaskDocument(W, H), ours, runs),
        "range": _fresh_runs(lambda: MaskDocument(W, H), lambda d: ours(d, False), runs),
        "peer": _stats(peer, runs),
        "iou": float((got & truth).sum() / (got | truth).sum()),
    }


def measure_object(runs: int) -> dict[str, object]:
    image, truth = _scene()
    box = (0, 0, W // 2, H // 2)  # a quarter of the frame

    def ours(doc: object) -> object:
        assert isinstance(doc, MaskDocument)
        apply_selection(doc, object_select(image, box), SelectionMode.ADD)
        return doc

    # Peer: OpenCV's GrabCut as documented (rectangle start, same iterations) on the same
    # small copy of the box and its margin, without our colour models or the way back up.
    m = max(8, round(0.1 * max(box[2], box[3])))
    crop = image[: box[3] + m, : box[2] + m]
    scale = math.sqrt(DEFAULT_WORK_PIXELS / (crop.shape[0] * crop.shape[1]))
    small = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    rect = (1, 1, round(box[2] * scale) - 1, round(box[3] * scale) - 1)

    def peer() -> object:
        labels = np.zeros(small.shape[:2], np.uint8)
        bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
        return cv2.grabCut(small, labels, rect, bgd, fgd, 3, cv2.GC_INIT_WITH_RECT)

    got = object_select(image, box).to_full() > 127
    return {
        "ours": _fresh_runs(lambda: MaskDocument(W, H), ours, runs),
        "peer": _stats(peer, max(1, runs // 2)),
        "iou": float((got & truth).sum() / (got | truth).sum()),
        "work": small.shape[1] * small.shape[0],
    }


def lasso_points(n: int = 200) -> np.ndarray:
    """A hand-drawn-like outline around a large object: a wobbly ellipse of ``n`` points."""
    rng = np.random.default_rng(0)
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = 1 + 0.08 * np.sin(5 * angle) + rng.normal(0, 0.01, n)
    return np.c_[3000 + 2400 * r * np.cos(angle), 2000 + 1700 * r * np.sin(angle)]


def measure_lasso(runs: int) -> dict[str, object]:
    pts = lasso_points()

    def ours(doc: object) -> object:
        assert isinstance(doc, MaskDocument)
        apply_selection(doc, fill_polygon(pts, (W, H)), SelectionMode.ADD)
        return doc

    def fill_only() -> object:
        return fill_polygon(pts, (W, H))

    def peer() -> object:  # the whole frame, OpenCV's anti-aliased edge, integer points
        mask = np.zeros((H, W), np.uint8)
        return cv2.fillPoly(mask, [np.round(pts).astype(np.int32)], 255, cv2.LINE_AA)

    sel = fill_polygon(pts, (W, H))
    x0, y0, x1, y1 = sel.box
    return {
        "ours": _fresh_runs(lambda: MaskDocument(W, H), ours, runs),
        "fill": _stats(fill_only, runs),
        "peer": _stats(peer, runs),
        "box_mp": (x1 - x0) * (y1 - y0) / 1e6,
    }
