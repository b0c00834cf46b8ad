"""The lasso (free select): a point list edited click by click or by dragging, then filled.

One tool for both shapes, as GIMP's free select: drag adds freehand points, a click adds a
straight segment's end (optionally snapped to 45°), a click near the start closes the shape.

The fill is exact in x and sampled on ``subsamples`` sub-scanlines per pixel row in y, the way
font rasterisers accumulate signed area: every crossing of the outline with a sub-scanline adds
an area-weighted step (+1 going down, -1 going up) to a difference array, one running sum turns
the steps into the winding number per pixel, and its absolute value clamped to 1 is the coverage
(the non-zero rule, so a shape that loops over itself stays filled). No sorting; the work is the
crossings plus one pass over the polygon's bounding box, which is all the result holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from editor.core.deferred_imports import cv2
from editor.core.selection.combine import Selection

__all__ = ["LassoPath", "fill_polygon", "snap_45"]

Point = tuple[float, float]


def snap_45(anchor: Point, point: Point) -> Point:
    """``point`` moved onto the nearest line through ``anchor`` at a multiple of 45°.

    The point is projected onto that line, so the segment keeps its extent along it.
    """
    dx, dy = point[0] - anchor[0], point[1] - anchor[1]
    if dx == 0 and dy == 0:
        return point
    angle = round(math.atan2(dy, dx) / (math.pi / 4)) * (math.pi / 4)
    ux, uy = math.cos(angle), math.sin(angle)
    along = dx * ux + dy * uy
    # Exact zeros for the axis-aligned directions (cos(π/2) is 6e-17, not 0).
    ux, uy = round(ux, 12), round(uy, 12)
    return (anchor[0] + along * ux, anchor[1] + along * uy)


class LassoPath:
    """The outline being drawn, in image pixel coordinates (pixel ``i`` spans ``[i, i+1)``)."""

    def __init__(self, *, min_step: float = 0.5) -> None:
        self._points: list[Point] = []
        self._closed = False
        self._min_step = min_step

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(self._points)

    @property
    def closed(self) -> bool:
        return self._closed

    def segment_end(self, x: float, y: float, *, snap: bool = False) -> Point:
        """Where a click at ``(x, y)`` would put the next point (for the rubber-band line)."""
        if snap and self._points:
            return snap_45(self._points[-1], (float(x), float(y)))
        return (float(x), float(y))

    def add_point(self, x: float, y: float, *, snap: bool = False) -> None:
        """End a straight segment at ``(x, y)``; with ``snap`` its angle is a multiple of 45°."""
        self._check_open()
        self._points.append(self.segment_end(x, y, snap=snap))

    def drag_to(self, x: float, y: float) -> None:
        """Freehand: follow the pointer, skipping moves shorter than ``min_step`` pixels."""
        self._check_open()
        p = (float(x), float(y))
        if not self._points or math.dist(self._points[-1], p) >= self._min_step:
            self._points.append(p)

    def near_start(self, x: float, y: float, tolerance: float) -> bool:
        """Whether ``(x, y)`` lies within ``tolerance`` image pixels of the first point."""
        return bool(self._points) and math.dist(self._points[0], (x, y)) <= tolerance

    def click(self, x: float, y: float, *, close_tolerance: float, snap: bool = False) -> bool:
        """A click: closes the shape when it lands near the start, else adds a point.

        ``close_tolerance`` is in image pixels (the window converts its on-screen radius).
        Returns whether the shape is now closed.
        """
        if len(self._points) >= 3 and self.near_start(x, y, close_tolerance):
            return self.close()
        self.add_point(x, y, snap=snap)
        return False

    def remove_last(self) -> bool:
        """Backspace: drop the newest point; returns whether there was one."""
        if self._closed or not self._points:
            return False
        self._points.pop()
        return True

    def close(self) -> bool:
        """Return / double-click: close the shape; needs three points (returns whether it did)."""
        if len(self._points) < 3:
            return False
        self._closed = True
        return True

    def cancel(self) -> None:
        """Esc: forget the outline."""
        self._points.clear()
        self._closed = False

    def fill(self, size: tuple[int, int], *, subsamples: int = 16) -> Selection:
        """The closed shape's anti-aliased coverage in an image of ``size = (width, height)``."""
        if not self._closed:
            raise ValueError("the lasso is not closed yet")
        return fill_polygon(self._points, size, subsamples=subsamples)

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError("the lasso is already closed; cancel it to start another")


def _empty(size: tuple[int, int]) -> Selection:
    return Selection(size, (0, 0, 0, 0), np.zeros((0, 0), np.uint8))


def fill_polygon(
    points: Sequence[Point] | np.ndarray, size: tuple[int, int], *, subsamples: int = 16
) -> Selection:
    """Anti-aliased coverage of the closed polygon ``points`` (non-zero winding rule).

    Only the polygon's bounding box (clipped to the ``(width, height)`` image) is computed and
    returned. Pixel ``i`` spans ``[i, i+1)``, so a square with integer corners fills whole pixels.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    w, h = size
    if len(pts) < 3 or not np.isfinite(pts).all():
        return _empty(size)
    bx0 = max(0, math.floor(pts[:, 0].min()))
    by0 = max(0, math.floor(pts[:, 1].min()))
    bx1 = min(w, math.ceil(pts[:, 0].max()))
    by1 = min(h, math.ceil(pts[:, 1].max()))
    if bx0 >= bx1 or by0 >= by1:
        return _empty(size)
    s = int(subsamples)
    a, b = pts, np.roll(pts, -1, axis=0)
    ya, yb = a[:, 1], b[:, 1]
    slanted = ya != yb  # horizontal edges cross no sub-scanline
    a, b, ya, yb = a[slanted], b[slanted], ya[slanted], yb[slanted]
    # Sub-scanline k runs at y = (k + 0.5) / s; an edge crosses those with y in [ymin, ymax).
    k0 = np.ceil(np.minimum(ya, yb) * s - 0.5).astype(np.int64)
    k1 = np.ceil(np.maximum(ya, yb) * s - 0.5).astype(np.int64) - 1
    np.maximum(k0, by0 * s, out=k0)
    np.minimum(k1, by1 * s - 1, out=k1)
    counts = np.maximum(k1 - k0 + 1, 0)
    total = int(counts.sum())
    if total == 0:
        return _empty(size)
    edge = np.repeat(np.arange(len(a)), counts)
    starts = np.cumsum(counts) - counts
    k = k0[edge] + (np.arange(total) - starts[edge])
    y = (k + 0.5) / s
    ax, ay = a[edge, 0], ya[edge]
    x = ax + (y - ay) * ((b[edge, 0] - ax) / (yb[edge] - ay))
    direction = np.where(yb[edge] > ay, 1.0, -1.0) / s
    # Crossings left of the box still count for the winding; those right of it only touch the
    # two spare columns.
    local = np.clip(x, bx0, bx1) - bx0
    col = np.floor(local).astype(np.int64)
    frac = local - col
    width, height = bx1 - bx0, by1 - by0
    stride = width + 2
    row = k // s - by0
    cols = np.concatenate((col, col + 1))
    rows = np.concatenate((row, row))
    deltas = np.concatenate((direction * (1.0 - frac), direction * frac)).astype(np.float32)
    # Strips of rows keep the working arrays in cache and reuse them: one whole-box float array
    # and its running sum would cost more in page faults than in arithmetic on 24 MP.
    strip = max(8, (1 << 20) // stride)
    band = (rows // strip).astype(np.int16 if height // strip < 32000 else np.int64)
    order = np.argsort(band, kind="stable")  # a radix sort for int16
    cols, rows, deltas, band = cols[order], rows[order], deltas[order], band[order]
    bounds = np.searchsorted(band, np.arange(height // strip + 2))
    acc = np.zeros((strip + 1, stride), np.float32)
    flat = acc.reshape(-1)
    summed = np.empty((strip + 2, stride + 1), np.float32)
    values = np.zeros((height, width), np.uint8)
    for n in range(len(bounds) - 1):
        lo, hi = bounds[n], bounds[n + 1]
        if lo == hi:
            continue  # no crossing: every row of the strip is outside
        r0 = n * strip
        r1 = min(height, r0 + strip)
        at = (rows[lo:hi] - r0) * stride + cols[lo:hi]
        acc.fill(0.0)
        # Each step is cancelled again on the next row, so the 2-D running sum (cv2.integral,
        # far faster than a row-wise np.cumsum) leaves each row's own signed coverage. float32
        # values keep np.add.at on its fast path (mixed dtypes are ~30x slower).
        np.add.at(
            flat, np.concatenate((at, at + stride)), np.concatenate((deltas[lo:hi], -deltas[lo:hi]))
        )
        cv2.integral(acc, summed, sdepth=cv2.CV_32F)
        # |winding| clamped to 1 is the non-zero rule: convertScaleAbs takes the absolute
        # value, rounds and saturates in one pass (float noise around 0 rounds to 0).
        values[r0:r1] = cv2.convertScaleAbs(summed[1 : r1 - r0 + 1, 1 : width + 1], alpha=255.0)
    return Selection(size, (bx0, by0, bx1, by1), values)
