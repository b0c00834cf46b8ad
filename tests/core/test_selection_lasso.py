"""The lasso: editing the outline, 45° snapping, closing, and the anti-aliased fill."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.core.mask_document import MaskDocument
from editor.core.selection import (
    LassoPath,
    SelectionMode,
    apply_selection,
    fill_polygon,
    snap_45,
)


def shoelace(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def clip_to_frame(points: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Sutherland–Hodgman: the polygon cut to ``[0, w] × [0, h]``."""
    return clip_to_box(points, (0, 0, size[0], size[1]))


def clip_to_box(points: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Sutherland–Hodgman: the polygon cut to ``[x0, x1] × [y0, y1]``."""
    x0, y0, x1, y1 = box
    poly = [tuple(p) for p in points]
    for axis, limit, sign in ((0, x0, 1), (0, x1, -1), (1, y0, 1), (1, y1, -1)):
        # Signed distance to the edge, >= 0 inside.
        dist = [sign * (p[axis] - limit) for p in poly]
        out: list[tuple[float, float]] = []
        for i, cur in enumerate(poly):
            prev, d0, d1 = poly[i - 1], dist[i - 1], dist[i]
            if (d0 >= 0) != (d1 >= 0):
                t = d0 / (d0 - d1)
                out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
            if d1 >= 0:
                out.append(cur)
        poly = out
        if not poly:
            return np.zeros((0, 2))
    return np.array(poly, np.float64)


def supersampled(points: np.ndarray, size: tuple[int, int], factor: int = 16) -> np.ndarray:
    """Reference coverage: OpenCV's fill on a fine grid, averaged down (it includes the fine
    pixels the outline touches, so it runs about half a fine pixel large)."""
    w, h = size
    fine = np.zeros((h * factor, w * factor), np.uint8)
    pts = np.round((points * factor - 0.5) * 256).astype(np.int32)
    cv2.fillPoly(fine, [pts], 1, cv2.LINE_8, 8)
    return fine.reshape(h, factor, w, factor).mean(axis=(1, 3))


def test_four_clicks_and_a_click_on_the_start_fill_a_square() -> None:
    lasso = LassoPath()
    for x, y in [(10, 10), (50, 10), (50, 50), (10, 50)]:
        assert not lasso.click(x, y, close_tolerance=3)
    assert lasso.click(11.5, 9, close_tolerance=3)  # near the start: closes
    assert lasso.closed and len(lasso.points) == 4
    mask = lasso.fill((80, 60)).to_full()
    expected = np.zeros((60, 80), np.uint8)
    expected[10:50, 10:50] = 255
    np.testing.assert_array_equal(mask, expected)


def test_a_click_far_from_the_start_adds_a_point_instead_of_closing() -> None:
    lasso = LassoPath()
    for x, y in [(10, 10), (50, 10), (50, 50)]:
        lasso.click(x, y, close_tolerance=3)
    assert not lasso.click(14, 10, close_tolerance=3)
    assert not lasso.closed and len(lasso.points) == 4


def test_backspace_removes_the_last_point_and_esc_forgets_the_outline() -> None:
    lasso = LassoPath()
    for x, y in [(1, 1), (5, 1), (5, 5)]:
        lasso.add_point(x, y)
    assert lasso.remove_last()
    assert lasso.points == ((1.0, 1.0), (5.0, 1.0))
    assert not lasso.close()  # two points are no shape
    lasso.cancel()
    assert lasso.points == () and not lasso.remove_last()


def test_dragging_adds_freehand_points_but_not_jitter() -> None:
    lasso = LassoPath(min_step=1.0)
    lasso.drag_to(0, 0)
    lasso.drag_to(0.3, 0.2)
    lasso.drag_to(3, 0)
    lasso.drag_to(3, 4)
    assert lasso.points == ((0.0, 0.0), (3.0, 0.0), (3.0, 4.0))


def test_a_closed_lasso_takes_no_more_points_and_an_open_one_does_not_fill() -> None:
    lasso = LassoPath()
    with pytest.raises(ValueError, match="not closed"):
        lasso.fill((10, 10))
    for x, y in [(1, 1), (5, 1), (5, 5)]:
        lasso.add_point(x, y)
    lasso.close()
    with pytest.raises(ValueError, match="already closed"):
        lasso.add_point(2, 2)


@given(
    st.floats(-500, 500),
    st.floats(-500, 500),
    st.floats(-500, 500),
    st.floats(-500, 500),
)
def test_snapping_gives_a_multiple_of_45_degrees_and_moves_the_point_least(
    ax: float, ay: float, px: float, py: float
) -> None:
    sx, sy = snap_45((ax, ay), (px, py))
    dx, dy = sx - ax, sy - ay
    if math.hypot(dx, dy) > 1e-6:
        angle = math.degrees(math.atan2(dy, dx))
        assert abs(angle / 45 - round(angle / 45)) < 1e-6
    # Of the eight directions, the snapped point is the closest projection of the cursor.
    best = min(
        math.dist(
            (px, py),
            (
                ax + ((px - ax) * math.cos(a) + (py - ay) * math.sin(a)) * math.cos(a),
                ay + ((px - ax) * math.cos(a) + (py - ay) * math.sin(a)) * math.sin(a),
            ),
        )
        for a in (k * math.pi / 4 for k in range(8))
    )
    assert math.dist((px, py), (sx, sy)) <= best + 1e-6


def test_shift_snaps_the_segment_being_placed() -> None:
    lasso = LassoPath()
    lasso.add_point(10, 10)
    lasso.add_point(30, 12, snap=True)
    lasso.add_point(41, 23, snap=True)
    assert lasso.points[1] == pytest.approx((30.0, 10.0))
    assert lasso.points[2] == pytest.approx((42.0, 22.0))  # (11, 13) projected on the diagonal


def test_the_fill_is_antialiased_along_a_diagonal() -> None:
    tri = np.array([(0, 0), (40, 0), (0, 40)], float)
    values = fill_polygon(tri, (40, 40)).to_full()
    assert values[5, 5] == 255 and values[35, 35] == 0
    # Pixels the hypotenuse cuts in half are half covered.
    assert values[10, 29] == pytest.approx(128, abs=2)
    assert len(np.unique(values)) > 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-20, 120), st.floats(-20, 90)), min_size=3, max_size=12))
def test_fill_matches_a_fine_reference_and_touches_only_its_box(
    raw: list[tuple[float, float]],
) -> None:
    # The convex hull of the points: a simple polygon, possibly running off the image.
    found = cv2.convexHull(np.array(raw, np.float32))
    if found is None:  # OpenCV gives up on some all-equal inputs
        return
    hull = found.reshape(-1, 2).astype(np.float64)
    if len(hull) < 3 or shoelace(hull) < 1:
        return
    size = (100, 70)
    sel = fill_polygon(hull, size)
    got = sel.to_full().astype(np.float64) / 255
    ref = supersampled(hull, size)
    # Coverage agrees pixel by pixel within the reference's own sampling error. The reference
    # runs large along the outline, so on slivers thinner than a pixel it can be off by more:
    # there the pixel's exact coverage (the polygon clipped to it) decides, within the fill's
    # own sampling of 16 scanlines per pixel.
    for y, x in zip(*np.nonzero(np.abs(got - ref) > 0.16), strict=True):
        exact = shoelace(clip_to_box(hull, (x, y, x + 1, y + 1)))
        assert abs(got[y, x] - exact) <= 2 / 16, (x, y, got[y, x], exact)
    # The total is the exact area of the polygon clipped to the image, up to sub-scanline
    # sampling along the outline.
    area = shoelace(clip_to_frame(hull, size))
    perimeter = cv2.arcLength(hull.astype(np.float32), True)
    assert got.sum() == pytest.approx(area, abs=0.01 + perimeter / 32)
    x0, y0, x1, y1 = sel.box
    outside = np.ones(got.shape, bool)
    outside[y0:y1, x0:x1] = False
    assert not got[outside].any()


def test_a_shape_that_loops_over_itself_stays_filled() -> None:
    # Twice round the same square: the non-zero rule keeps the inside selected.
    square = [(10, 10), (30, 10), (30, 30), (10, 30)]
    values = fill_polygon(square + square, (40, 40)).to_full()
    assert values[20, 20] == 255 and values[5, 5] == 0


def test_a_lasso_fill_is_one_undo_step_and_subtract_removes_it() -> None:
    doc = MaskDocument(80, 60)
    doc.fill_rect(0, 0, 80, 60)
    lasso = LassoPath()
    for x, y in [(10, 10), (50, 10), (50, 50), (10, 50)]:
        lasso.add_point(x, y)
    lasso.close()
    apply_selection(doc, lasso.fill((80, 60)), SelectionMode.SUBTRACT)
    assert not doc.edit[10:50, 10:50].any()
    assert (doc.edit[:10] == 255).all()
    doc.undo()
    assert (doc.edit == 255).all()
    doc.undo()
    assert not doc.edit.any()
