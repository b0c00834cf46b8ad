"""Named masks of a session: kept with the session, listed newest last, robust to damage."""

from __future__ import annotations

import numpy as np
import pytest

from editor.store import SessionStore
from editor.store.mask_names import NAMES_FILE, mask_names, name_mask
from tests.store.conftest import make_image, make_mask


def test_named_masks_survive_reopening(store: SessionStore) -> None:
    saucer, cup = make_mask(seed=1), make_mask(seed=2)
    with store.create(make_image()) as s:
        first = name_mask(s, saucer, "  saucer  ")
        second = name_mask(s, cup, "cup")
        s.save_mask(make_mask(seed=3))  # the painting moves on
        session_id = s.id
    with store.open(session_id) as s:
        assert mask_names(s) == {first: "saucer", second: "cup"}
        np.testing.assert_array_equal(s.load_mask(first), saucer)


def test_a_new_name_for_the_same_mask_replaces_the_old(store: SessionStore) -> None:
    with store.create(make_image()) as s:
        ref = name_mask(s, make_mask(), "left")
        assert name_mask(s, make_mask(), "right") == ref
        assert mask_names(s) == {ref: "right"}


def test_a_blank_name_is_refused(store: SessionStore) -> None:
    with store.create(make_image()) as s, pytest.raises(ValueError, match="needs a name"):
        name_mask(s, make_mask(), "   ")


def test_a_damaged_names_file_lists_nothing_and_is_rewritten(store: SessionStore) -> None:
    with store.create(make_image()) as s:
        name_mask(s, make_mask(), "saucer")
        s.mask_path(NAMES_FILE).write_text("{ not json")
        assert mask_names(s) == {}
        ref = name_mask(s, make_mask(seed=5), "cup")
        assert mask_names(s) == {ref: "cup"}
