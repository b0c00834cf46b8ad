"""Joining a selection into the mask (add, subtract, replace), modifiers, transparency."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from editor.core.imageio import encode_png, load_image
from editor.core.mask_document import MaskDocument
from editor.core.selection import (
    NoTransparencyError,
    Selection,
    SelectionMode,
    apply_selection,
    combine,
    mask_from_transparency,
    mode_for_modifiers,
    prepare_selection,
)

masks = arrays(np.uint8, (6, 7))


@given(masks, masks)
def test_add_subtract_replace_on_whole_masks(edit: np.ndarray, chosen: np.ndarray) -> None:
    sel = Selection.full(chosen)
    added = combine(edit, sel, SelectionMode.ADD)
    removed = combine(edit, sel, SelectionMode.SUBTRACT)
    np.testing.assert_array_equal(added, np.maximum(edit, chosen))
    np.testing.assert_array_equal(removed, np.minimum(edit, 255 - chosen))
    np.testing.assert_array_equal(combine(edit, sel, SelectionMode.REPLACE), chosen)
    # A fully selected pixel is always edited after add and never after subtract.
    assert (added[chosen == 255] == 255).all() and (removed[chosen == 255] == 0).all()


@given(masks, st.integers(0, 6), st.integers(0, 5), st.integers(0, 7), st.integers(0, 6))
def test_a_boxed_selection_leaves_everything_outside_its_box(
    edit: np.ndarray, x0: int, y0: int, x1: int, y1: int
) -> None:
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    sel = Selection((7, 6), (x0, y0, x1, y1), np.full((y1 - y0, x1 - x0), 255, np.uint8))
    for mode in (SelectionMode.ADD, SelectionMode.SUBTRACT):
        out = combine(edit, sel, mode)
        outside = np.ones(edit.shape, bool)
        outside[y0:y1, x0:x1] = False
        np.testing.assert_array_equal(out[outside], edit[outside])
        assert (out[~outside] == (255 if mode is SelectionMode.ADD else 0)).all()


def test_a_selection_for_another_image_size_is_refused() -> None:
    with pytest.raises(ValueError, match="selection is for a 5×5 image"):
        combine(
            np.zeros((6, 7), np.uint8), Selection.full(np.ones((5, 5), bool)), SelectionMode.ADD
        )
    with pytest.raises(ValueError, match="outside"):
        Selection((5, 5), (0, 0, 6, 5), np.zeros((5, 6), np.uint8))


def test_each_applied_selection_is_one_undo_step() -> None:
    doc = MaskDocument(20, 10)
    first = np.zeros((10, 20), bool)
    first[2:5, 2:8] = True
    second = np.zeros((10, 20), bool)
    second[3:9, 5:15] = True
    apply_selection(doc, Selection.full(first), SelectionMode.ADD)
    apply_selection(doc, Selection.full(second), SelectionMode.ADD)
    apply_selection(doc, Selection.full(first), SelectionMode.SUBTRACT)
    assert not (doc.edit[first] > 0).any() and (doc.edit[second & ~first] == 255).all()
    doc.undo()
    np.testing.assert_array_equal(doc.edit > 0, first | second)
    doc.undo()
    np.testing.assert_array_equal(doc.edit > 0, first)
    doc.undo()
    assert not doc.edit.any() and not doc.can_undo
    # Subtracting from an empty mask changes nothing and adds no step.
    apply_selection(doc, Selection.full(first), SelectionMode.SUBTRACT)
    assert not doc.can_undo


@pytest.mark.parametrize(
    ("shift", "alt", "ctrl", "toolbar", "mode"),
    [
        (False, False, False, SelectionMode.ADD, SelectionMode.ADD),
        (False, False, False, SelectionMode.SUBTRACT, SelectionMode.SUBTRACT),
        (True, False, False, SelectionMode.SUBTRACT, SelectionMode.ADD),
        (False, True, False, SelectionMode.ADD, SelectionMode.SUBTRACT),
        (False, False, True, SelectionMode.ADD, SelectionMode.SUBTRACT),
        (True, True, False, SelectionMode.REPLACE, SelectionMode.SUBTRACT),
    ],
)
def test_modifier_keys_choose_the_mode(
    shift: bool, alt: bool, ctrl: bool, toolbar: SelectionMode, mode: SelectionMode
) -> None:
    assert mode_for_modifiers(shift=shift, alt=alt, ctrl=ctrl, toolbar=toolbar) is mode


def test_transparent_pixels_of_a_loaded_png_become_the_mask() -> None:
    rgba = np.full((30, 40, 4), 200, np.uint8)
    rgba[:, :, 3] = 255
    rgba[5:15, 10:30, 3] = 0  # a hole
    rgba[20, 3, 3] = 128  # a half-transparent pixel stays half selected
    pixels = load_image(encode_png(rgba)).pixels
    sel = mask_from_transparency(pixels)
    full = sel.to_full()
    assert (full[5:15, 10:30] == 255).all() and full[20, 3] == 127
    assert full.sum() == 255 * 200 + 127
    assert sel.box == (3, 5, 30, 21)
    doc = MaskDocument(40, 30)
    apply_selection(doc, sel, SelectionMode.ADD)
    np.testing.assert_array_equal(doc.edit, full)


def test_an_opaque_image_has_no_transparency_to_take() -> None:
    opaque = load_image(encode_png(np.full((8, 8, 4), 255, np.uint8))).pixels
    with pytest.raises(NoTransparencyError, match="no transparency"):
        mask_from_transparency(opaque)
    rgba = np.full((8, 8, 4), 255, np.uint8)
    with pytest.raises(NoTransparencyError, match="no transparent pixels"):
        mask_from_transparency(rgba)


@given(masks, arrays(np.uint8, (3, 4)), st.sampled_from(list(SelectionMode)))
def test_prepared_selection_joins_as_the_whole_frame_combine_does(
    edit: np.ndarray, values: np.ndarray, mode: SelectionMode
) -> None:
    sel = Selection((7, 6), (2, 1, 6, 4), values)
    doc = MaskDocument(7, 6, edit)
    prepared = prepare_selection(doc, sel, mode)
    np.testing.assert_array_equal(doc.edit, edit)  # nothing changes until it is committed
    assert doc.commit(prepared)
    np.testing.assert_array_equal(doc.edit, combine(edit, sel, mode))
    doc.undo()
    np.testing.assert_array_equal(doc.edit, edit)
    assert not doc.can_undo
