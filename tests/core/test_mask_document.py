"""MaskDocument: brush strokes, whole-mask steps and undo, with exact pixel checks (no Qt)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editor.core.mask_document import MaskDocument, Rect, capsule_footprint


class Recorder:
    def __init__(self, doc: MaskDocument) -> None:
        self.rects: list[Rect] = []
        self.undo_events = 0
        doc.changed.connect(self.rects.append)
        doc.undo_state_changed.connect(self._on_undo)

    def _on_undo(self) -> None:
        self.undo_events += 1

    def covers(self, before: np.ndarray, after: np.ndarray) -> bool:
        """Every changed pixel lies inside one of the emitted rects."""
        covered = np.zeros(before.shape, bool)
        for x0, y0, x1, y1 in self.rects:
            covered[y0:y1, x0:x1] = True
        return bool(np.all(covered[before != after]))


def hard_dot(doc: MaskDocument, x: float, y: float, r: float, erase: bool = False) -> None:
    doc.begin_stroke(x, y, radius=r, hardness=1.0, erase=erase)
    doc.end_stroke()


# --- footprint ----------------------------------------------------------------------------------


@pytest.mark.parametrize("r", [3.0, 10.0, 25.0, 50.0])
def test_hard_stamp_covers_pi_r_squared(r: float) -> None:
    doc = MaskDocument(200, 200)
    hard_dot(doc, 100.0, 100.0, r)
    count = int(np.count_nonzero(doc.edit))
    assert set(np.unique(doc.edit)) == {0, 255}
    # Lattice points in a disc: |N - πr²| is O(r); 2πr is a generous bound.
    assert abs(count - math.pi * r * r) <= 2 * math.pi * r
    # Centred on the corner between pixels 99 and 100, the disc is symmetric about it.
    ys, xs = np.nonzero(doc.edit)
    assert xs.min() + xs.max() == 199 and ys.min() + ys.max() == 199


def test_hard_stamp_exact_small_disc() -> None:
    # Radius 1 at a pixel centre covers the centre and its 4 neighbours (distance exactly 1).
    doc = MaskDocument(9, 9)
    hard_dot(doc, 4.5, 4.5, 1.0)
    expected = np.zeros((9, 9), np.uint8)
    expected[4, 3:6] = 255
    expected[3:6, 4] = 255
    np.testing.assert_array_equal(doc.edit, expected)


def test_soft_stamp_falls_off() -> None:
    doc = MaskDocument(101, 101)
    doc.begin_stroke(50.5, 50.5, radius=40, hardness=0.25, erase=False)
    doc.end_stroke()
    row = doc.edit[50, 50:]
    assert row[0] == 255
    assert row[10] == 255  # inside hardness * radius
    assert np.all(np.diff(row.astype(int)) <= 0)  # monotone outward
    assert 0 < row[25] < 255
    assert row[41] == 0


def test_footprint_outside_image_is_none() -> None:
    assert capsule_footprint((10, 10), (-50.0, -50.0), (-40.0, -40.0), 5.0, 5.0, 1.0) is None


def test_stamp_at_edge_is_clipped() -> None:
    doc = MaskDocument(50, 40)
    hard_dot(doc, 0.0, 0.0, 10.0)
    quarter = int(np.count_nonzero(doc.edit))
    assert abs(quarter - math.pi * 100 / 4) <= 2 * math.pi * 10


# --- strokes --------------------------------------------------------------------------------------


def test_fast_move_paints_a_continuous_band() -> None:
    doc = MaskDocument(600, 40)
    doc.begin_stroke(10.0, 10.0, radius=4.0, hardness=1.0, erase=False)
    doc.stroke_to(500.0, 10.0)
    doc.end_stroke()
    # Every column between the two ends is painted on the centre row and ±3 rows around it.
    assert np.all(doc.edit[7:14, 10:501] == 255)
    assert not doc.edit[:, 506:].any()
    assert not doc.edit[15:, :].any()


def test_diagonal_move_has_no_gaps() -> None:
    doc = MaskDocument(400, 400)
    doc.begin_stroke(5.5, 5.5, radius=2.0, hardness=1.0, erase=False)
    doc.stroke_to(390.5, 390.5)
    doc.end_stroke()
    diag = doc.edit[np.arange(5, 391), np.arange(5, 391)]
    assert np.all(diag == 255)


def test_soft_fast_stroke_is_uniform_along_its_length() -> None:
    """Exactly the limit of dense stamping: the cross-section is the same everywhere."""
    doc = MaskDocument(600, 60)
    doc.begin_stroke(20.5, 30.5, radius=12.0, hardness=0.3, erase=False)
    doc.stroke_to(560.5, 30.5)
    doc.end_stroke()
    cross = doc.edit[:, 100]
    for x in range(40, 540, 37):
        np.testing.assert_array_equal(doc.edit[:, x], cross)


def test_erase_removes_paint() -> None:
    doc = MaskDocument(100, 100)
    doc.fill_all()
    hard_dot(doc, 50.5, 50.5, 5.0, erase=True)
    erased = int(np.count_nonzero(doc.edit == 0))
    assert abs(erased - math.pi * 25) <= 2 * math.pi * 5
    assert doc.edit[50, 50] == 0
    assert doc.edit[0, 0] == 255


def test_soft_erase_takes_min() -> None:
    doc = MaskDocument(100, 100)
    doc.fill_all()
    doc.begin_stroke(50.5, 50.5, radius=30, hardness=0.0, erase=True)
    doc.end_stroke()
    assert doc.edit[50, 50] == 0
    assert 0 < doc.edit[50, 70] < 255
    assert doc.edit[50, 90] == 255


def test_paint_takes_max_and_never_lowers() -> None:
    doc = MaskDocument(100, 100)
    doc.fill_all()
    doc.begin_stroke(50, 50, radius=30, hardness=0.0, erase=False)
    doc.end_stroke()
    assert np.all(doc.edit == 255)
    # The no-op stroke added no undo step: one undo goes back to empty.
    doc.undo()
    assert doc.is_empty()


def test_pressure_scales_radius() -> None:
    full, half = MaskDocument(100, 100), MaskDocument(100, 100)
    full.begin_stroke(50.5, 50.5, radius=20, pressure=1.0)
    half.begin_stroke(50.5, 50.5, radius=20, pressure=0.5)
    ratio = np.count_nonzero(half.edit) / np.count_nonzero(full.edit)
    assert 0.2 < ratio < 0.3


def test_changed_rects_cover_every_modified_pixel() -> None:
    doc = MaskDocument(300, 200)
    rec = Recorder(doc)
    before = doc.edit.copy()
    doc.begin_stroke(10, 10, radius=7, hardness=0.6, erase=False)
    for x, y in [(40, 30), (41, 31), (200, 180), (299, 0), (-20, 100)]:
        doc.stroke_to(x, y)
    doc.end_stroke()
    assert rec.covers(before, doc.edit)
    # And they are small: each step's rect is at most the segment box plus the brush.
    assert all((x1 - x0) * (y1 - y0) <= 30 * 30 for x0, y0, x1, y1 in rec.rects)

    rec.rects.clear()
    painted = doc.edit.copy()
    doc.undo()
    assert rec.covers(painted, doc.edit)


# --- undo ---------------------------------------------------------------------------------------


def test_one_stroke_is_one_undo_step() -> None:
    doc = MaskDocument(200, 100)
    rec = Recorder(doc)
    doc.begin_stroke(10, 10, radius=5, erase=False)
    for x in range(10, 190, 3):
        doc.stroke_to(x, 50)
    assert not doc.can_undo  # recorded when the stroke ends
    doc.end_stroke()
    assert doc.can_undo and not doc.can_redo
    assert rec.undo_events == 1
    painted = doc.edit.copy()
    doc.undo()
    assert doc.is_empty() and not doc.can_undo and doc.can_redo
    doc.redo()
    np.testing.assert_array_equal(doc.edit, painted)


def test_undo_redo_byte_identical() -> None:
    rng = np.random.default_rng(1)
    start = rng.integers(0, 256, (120, 160), dtype=np.uint8)
    doc = MaskDocument(160, 120, start)
    states = [doc.edit.copy()]
    doc.begin_stroke(20, 20, radius=9, hardness=0.4, erase=False)
    doc.stroke_to(140, 100)
    doc.end_stroke()
    states.append(doc.edit.copy())
    doc.begin_stroke(150, 10, radius=12, hardness=1.0, erase=True)
    doc.stroke_to(10, 110)
    doc.end_stroke()
    states.append(doc.edit.copy())
    doc.invert()
    states.append(doc.edit.copy())
    doc.fill_rect(100, 90, 10, 5)
    states.append(doc.edit.copy())
    doc.fill_rect(30, 30, 60, 60, erase=True)
    states.append(doc.edit.copy())
    doc.replace(np.zeros((120, 160), np.uint8) + 7)
    states.append(doc.edit.copy())
    doc.clear()
    states.append(doc.edit.copy())
    doc.fill_all()
    states.append(doc.edit.copy())
    for expected in reversed(states[:-1]):
        doc.undo()
        np.testing.assert_array_equal(doc.edit, expected)
    assert not doc.can_undo
    for expected in states[1:]:
        doc.redo()
        np.testing.assert_array_equal(doc.edit, expected)
    assert not doc.can_redo


def test_new_step_drops_redo() -> None:
    doc = MaskDocument(50, 50)
    doc.fill_all()
    doc.undo()
    assert doc.can_redo
    doc.fill_rect(0, 0, 10, 10)
    assert not doc.can_redo


def test_noop_operations_record_nothing() -> None:
    doc = MaskDocument(50, 50)
    rec = Recorder(doc)
    doc.clear()
    doc.fill_rect(10, 10, 10, 40)  # empty
    doc.fill_rect(-30, -30, -1, -1)  # outside
    doc.replace(np.zeros((50, 50), np.uint8))
    doc.begin_stroke(-100, -100, radius=5)
    doc.end_stroke()
    assert not doc.can_undo and rec.rects == [] and rec.undo_events == 0


def test_stroke_stores_only_touched_tiles() -> None:
    doc = MaskDocument(6000, 4000)
    doc.begin_stroke(3000, 2000, radius=25, erase=False)
    doc.stroke_to(3100, 2000)
    doc.end_stroke()
    assert doc.history_nbytes <= 2 * 6 * 64 * 64 * 2  # a handful of 64×64 tiles, not 24 MB


def test_invert_is_stored_without_arrays() -> None:
    doc = MaskDocument(1000, 1000)
    doc.invert()
    assert doc.history_nbytes == 0
    assert np.all(doc.edit == 255)
    doc.undo()
    assert doc.is_empty()


def test_clear_and_fill_store_constants() -> None:
    doc = MaskDocument(1000, 1000)
    doc.fill_all()
    doc.clear()
    assert doc.history_nbytes == 0


def test_history_budget_drops_oldest() -> None:
    doc = MaskDocument(100, 100, history_bytes=25_000)
    rng = np.random.default_rng(0)
    for _ in range(5):  # each replace stores 2 × 10 000 bytes
        doc.replace(rng.integers(0, 256, (100, 100), dtype=np.uint8))
    assert doc.history_nbytes <= 25_000
    doc.undo()
    assert not doc.can_undo  # only the newest step survived


def test_replace_checks_shape_and_accepts_bool() -> None:
    doc = MaskDocument(4, 3)
    with pytest.raises(ValueError):
        doc.replace(np.zeros((4, 3), np.uint8))
    with pytest.raises(ValueError):
        doc.replace(np.zeros((3, 4), np.float32))
    doc.replace(np.eye(3, 4, dtype=bool))
    assert doc.edit[1, 1] == 255 and doc.edit[0, 1] == 0


def test_edit_view_is_read_only() -> None:
    doc = MaskDocument(10, 10)
    with pytest.raises(ValueError):
        doc.edit[0, 0] = 1


def test_undo_during_stroke_ends_it_first() -> None:
    doc = MaskDocument(50, 50)
    doc.begin_stroke(25, 25, radius=5)
    doc.undo()
    assert doc.is_empty() and not doc.stroke_active and doc.can_redo


def test_grow_and_feather_are_undoable() -> None:
    pytest.importorskip("editor.core.masks")
    doc = MaskDocument(100, 100)
    doc.fill_rect(40, 40, 60, 60)
    base = doc.edit.copy()
    doc.grow(5)
    assert np.count_nonzero(doc.edit) > np.count_nonzero(base)
    doc.feather(4)
    assert np.any((doc.edit > 0) & (doc.edit < 255))
    doc.undo()
    doc.undo()
    np.testing.assert_array_equal(doc.edit, base)


# --- property: any strokes then undo all → original -----------------------------------------------

point = st.tuples(st.floats(-20, 100), st.floats(-20, 80))
stroke = st.tuples(
    st.lists(point, min_size=1, max_size=6),
    st.floats(0.5, 15),
    st.floats(0, 1),
    st.booleans(),
    st.floats(0.05, 1),
)


@settings(max_examples=60, deadline=None)
@given(strokes=st.lists(stroke, min_size=1, max_size=6), seed=st.integers(0, 2**16))
def test_random_strokes_then_undo_all_restore_original(
    strokes: list[tuple[list[tuple[float, float]], float, float, bool, float]], seed: int
) -> None:
    start = np.random.default_rng(seed).integers(0, 256, (60, 80), dtype=np.uint8)
    doc = MaskDocument(80, 60, start)
    rec = Recorder(doc)
    for points, radius, hardness, erase, pressure in strokes:
        before = doc.edit.copy()
        rec.rects.clear()
        (x, y), *rest = points
        doc.begin_stroke(x, y, radius=radius, hardness=hardness, erase=erase, pressure=pressure)
        for x, y in rest:
            doc.stroke_to(x, y, pressure)
        doc.end_stroke()
        assert rec.covers(before, doc.edit)
    final = doc.edit.copy()
    while doc.can_undo:
        doc.undo()
    np.testing.assert_array_equal(doc.edit, start)
    while doc.can_redo:
        doc.redo()
    np.testing.assert_array_equal(doc.edit, final)


def test_stroke_opacity_scales_each_dab_and_can_change_along_the_stroke() -> None:
    doc = MaskDocument(100, 60)
    doc.begin_stroke(20, 30, radius=8, hardness=1.0, opacity=0.5)
    doc.stroke_to(80, 30, opacity=0.25)  # the pen eased off: later dabs are lighter
    doc.end_stroke()
    assert doc.edit[30, 20] == 128
    assert doc.edit[30, 80] == 64
    doc.undo()
    assert doc.is_empty()


def _ring(doc: MaskDocument) -> None:
    """Some paint already in the mask, partly inside the boxes the tests below change."""
    doc.begin_stroke(20, 20, radius=6)
    doc.stroke_to(70, 45)
    doc.end_stroke()


def test_step_prepared_on_another_thread_equals_apply() -> None:
    from concurrent.futures import ThreadPoolExecutor

    box = (10, 15, 60, 50)

    def op(region: np.ndarray) -> np.ndarray:
        return np.maximum(region, np.uint8(200))

    direct, threaded = MaskDocument(90, 70), MaskDocument(90, 70)
    for doc in (direct, threaded):
        _ring(doc)
    before = direct.edit.copy()
    direct.apply(op, within=box)
    rects: list[Rect] = []
    threaded.changed.connect(rects.append)
    with ThreadPoolExecutor(1) as pool:
        prepared = pool.submit(threaded.prepare, op, box).result()
    assert np.array_equal(threaded.edit, before)  # preparing changes nothing
    assert threaded.commit(prepared)
    assert np.array_equal(threaded.edit, direct.edit)
    assert rects == [(10, 15, 60, 50)]
    threaded.undo()
    assert np.array_equal(threaded.edit, before)  # one undo step
    threaded.undo()
    assert threaded.is_empty()
    threaded.redo()
    threaded.redo()
    assert np.array_equal(threaded.edit, direct.edit)


def test_stale_prepared_step_is_refused() -> None:
    doc = MaskDocument(90, 70)
    prepared = doc.prepare(lambda region: np.full_like(region, 255), (0, 0, 30, 30))
    _ring(doc)  # the mask changes after the step was worked out
    painted = doc.edit.copy()
    assert not doc.commit(prepared)
    assert np.array_equal(doc.edit, painted)
    doc.undo()
    assert doc.is_empty() and not doc.can_undo  # only the stroke was recorded
    # A step worked out on one document never lands on another.
    other = MaskDocument(90, 70)
    assert not other.commit(doc.prepare(lambda region: np.full_like(region, 255)))
    assert other.is_empty() and not other.can_undo


def test_prepare_within_checks_the_rectangle_and_shape() -> None:
    doc = MaskDocument(40, 30)
    with pytest.raises(ValueError, match="outside"):
        doc.prepare(lambda region: region.copy(), (0, 0, 41, 30))
    with pytest.raises(ValueError, match="mask is"):
        doc.prepare(lambda region: np.zeros((3, 3), np.uint8), (0, 0, 10, 10))
    nothing = doc.prepare(lambda region: region.copy(), (5, 5, 10, 10))
    assert doc.commit(nothing) and not doc.can_undo  # no change, no step


def test_a_snapshot_keeps_the_mask_as_it_was_sent() -> None:
    doc = MaskDocument(64, 48)
    assert doc.snapshot() is None  # nothing masked: nothing to send
    doc.fill_rect(10, 10, 20, 20)
    sent = doc.snapshot()
    assert sent is not None and not sent.flags.writeable
    assert doc.snapshot() is sent  # unchanged since: the same copy, not another
    hard_dot(doc, 40.5, 30.5, 4.0)
    doc.invert()
    assert int(np.count_nonzero(sent)) == 100 and sent[30, 40] == 0  # later edits left it
    now = doc.snapshot()
    assert now is not sent and np.array_equal(now, doc.edit)
    doc.undo()
    assert np.array_equal(doc.snapshot(), 255 - now)
