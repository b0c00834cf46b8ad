"""Mask operations with exact pixel counts."""

from __future__ import annotations

import numpy as np
import pytest

from editor.core.masks import bbox, coverage, disc, feather, grow, invert


def dot(h: int = 21, w: int = 21, y: int = 10, x: int = 10) -> np.ndarray:
    e = np.zeros((h, w), np.uint8)
    e[y, x] = 255
    return e


def disc_count(r: int) -> int:
    return sum(1 for y in range(-r, r + 1) for x in range(-r, r + 1) if x * x + y * y <= r * r)


def test_invert() -> None:
    e = np.array([[0, 255, 100]], np.uint8)
    assert invert(e).tolist() == [[255, 0, 155]]


@pytest.mark.parametrize("r", [1, 2, 3, 5, 8])
def test_grow_single_pixel_is_a_disc(r: int) -> None:
    g = grow(dot(), r)
    assert int(np.count_nonzero(g)) == disc_count(r)
    assert set(np.unique(g).tolist()) == {0, 255}
    assert bbox(g) == (10 - r, 10 - r, 11 + r, 11 + r)
    assert np.array_equal(g[10 - r : 11 + r, 10 - r : 11 + r] > 0, disc(r) > 0)


def test_grow_by_3_has_29_pixels() -> None:
    assert int(np.count_nonzero(grow(dot(), 3))) == 29


def test_grow_soft_mask_keeps_values() -> None:
    e = dot()
    e[10, 10] = 120
    g = grow(e, 2)
    assert int(np.count_nonzero(g)) == disc_count(2)
    assert set(np.unique(g).tolist()) == {0, 120}


def test_grow_zero_is_exact_copy() -> None:
    rng = np.random.default_rng(0)
    e = rng.integers(0, 256, (30, 40), dtype=np.uint8)
    g = grow(e, 0)
    assert np.array_equal(g, e) and g is not e


def test_shrink_square() -> None:
    e = np.zeros((30, 30), np.uint8)
    e[5:25, 5:25] = 255
    s = grow(e, -3)
    assert bbox(s) == (8, 8, 22, 22)
    assert int(np.count_nonzero(s)) == 14 * 14


def test_shrink_away_from_image_border() -> None:
    e = np.full((10, 10), 255, np.uint8)
    assert bbox(grow(e, -2)) == (2, 2, 8, 8)


def test_grow_then_shrink_restores_square() -> None:
    e = np.zeros((40, 40), np.uint8)
    e[10:30, 12:25] = 255
    assert np.array_equal(grow(grow(e, 4), -4), e)


def test_grow_large_radius_binary_is_fast_path_and_exact() -> None:
    g = grow(dot(101, 101, 50, 50), 40)
    assert int(np.count_nonzero(g)) == disc_count(40)


def test_bbox_and_coverage() -> None:
    e = np.zeros((10, 20), np.uint8)
    assert bbox(e) is None and coverage(e) == 0.0
    e[2, 3] = 1
    e[7, 15] = 255
    assert bbox(e) == (3, 2, 16, 8)
    assert coverage(e) == pytest.approx(2 / 200)


def test_feather_softens_edge_within_radius() -> None:
    e = np.zeros((60, 60), np.uint8)
    e[20:40, 20:40] = 255
    f = feather(e, 4)
    assert int(f[30, 30]) == 255
    assert 0 < int(f[30, 20]) < 255
    assert int(f[30, 10]) == 0  # more than 2·radius + 1 away
    assert np.array_equal(feather(e, 0), e)
    assert bbox(feather(np.zeros((5, 5), np.uint8), 3)) is None


def test_non_2d_rejected() -> None:
    with pytest.raises(ValueError):
        grow(np.zeros((3, 3, 3), np.uint8), 1)
