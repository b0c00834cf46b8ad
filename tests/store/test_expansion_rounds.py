"""An Expand Canvas round on disk: recorded as an expansion, its grown mask accepted, read back."""

from __future__ import annotations

import numpy as np
import pytest

from editor.core.expand import Expansion, expand_canvas
from editor.core.params import ApiOptions, EditParams
from editor.store import ExpansionRecord, RoundState, SessionStore

from .conftest import make_image


def test_an_expansion_round_keeps_its_grown_frame_and_mask(store: SessionStore) -> None:
    original = make_image(120, 80)
    session = store.create(original, original_name="photo.png")
    grown = expand_canvas(original, Expansion(30, 0, 10, 20))
    record = ExpansionRecord((30, 0, 10, 20), grown.seam_band, grown.size)
    started = session.start_round(
        EditParams(ApiOptions("Expand canvas")), mask=grown.mask, expansion=record
    )
    session.add_variant(started.id, 0, grown.pixels)
    session.finish_round(started.id, RoundState.SUCCEEDED)
    # The current mask of the grown canvas autosaves; a mask of any other size is refused.
    edit = grown.mask.copy()
    edit[:5, -5:] = 255
    ref = session.save_mask(edit)
    with pytest.raises(ValueError, match="the mask is"):
        session.save_mask(np.zeros((81, 120), np.uint8))
    session_id = session.id
    session.close()

    again = store.open(session_id)
    (read,) = again.rounds
    assert read.expansion == record
    np.testing.assert_array_equal(again.load_variant(read.id, 0), grown.pixels)
    np.testing.assert_array_equal(again.load_mask(read.mask), grown.mask)
    np.testing.assert_array_equal(again.load_mask(ref), edit)
    # An ordinary round is no expansion.
    plain = again.start_round(EditParams(ApiOptions("p")))
    assert plain.expansion is None and again.round(plain.id).expansion is None
    again.close()
