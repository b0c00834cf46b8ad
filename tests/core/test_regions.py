"""Variants of separate regions combine into one frame; the rest stays bit-identical."""

from __future__ import annotations

import numpy as np

from editor.core.regions import combine_variants, overlap


def test_each_region_lands_and_nothing_else_changes() -> None:
    rng = np.random.default_rng(1)
    original = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    first, second = original.copy(), original.copy()
    first[5:20, 5:20] = (255, 0, 0)
    second[30:50, 40:70] = (0, 255, 0)
    out = combine_variants(original, [first, second])
    assert (out[5:20, 5:20] == (255, 0, 0)).all()
    assert (out[30:50, 40:70] == (0, 255, 0)).all()
    untouched = np.ones((60, 80), bool)
    untouched[5:20, 5:20] = untouched[30:50, 40:70] = False
    assert np.array_equal(out[untouched], original[untouched])


def test_overlap_names_the_pair_and_the_shared_pixels() -> None:
    a = np.zeros((10, 10), np.uint8)
    b = np.zeros((10, 10), np.uint8)
    c = np.zeros((10, 10), np.uint8)
    a[0:4, 0:4] = 255
    b[6:, 6:] = 255
    c[3:5, 3:5] = 255
    assert overlap([a, b]) is None
    assert overlap([a, b, c]) == (0, 2, 1)
