"""Gallery with real mouse and keyboard events on a shown widget (offscreen platform)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from editor.ui.common.qimage import thumbnail_array, thumbnail_image
from editor.ui.gallery.gallery import THUMB, Gallery
from editor.ui.gallery.tile import JobSection, ThumbTile

LEFT = Qt.MouseButton.LeftButton


def solid(w: int, h: int, rgb: tuple[int, int, int] = (200, 30, 30)) -> np.ndarray:
    img = np.empty((h, w, 3), np.uint8)
    img[:] = rgb
    return img


@pytest.fixture
def gallery(qtbot: QtBot) -> Iterator[Gallery]:
    g = Gallery()
    qtbot.addWidget(g)
    # 400 px wide: two 156 px tiles fit in a row, three do not (with or without a scroll bar).
    g.resize(400, 900)
    g.show()
    qtbot.waitExposed(g)
    g.activateWindow()
    g.setFocus()
    yield g


def sections(g: Gallery) -> dict[str, JobSection]:
    return {s.job_id: s for s in g.findChildren(JobSection)}


def tile(g: Gallery, job_id: str, index: int) -> ThumbTile:
    t = sections(g)[job_id].tile(index)
    assert t is not None
    return t


def fill(g: Gallery, qtbot: QtBot) -> None:
    """j1 (2 variants) then j2 (3 variants): j2 shows first, rows [0 1] [2] then j1's [0 1]."""
    g.add_job("j1", "a red bicycle", "Prompt: a red bicycle")
    g.add_job("j2", "a stormy sky", "Prompt: a stormy sky")
    for job_id, n in (("j1", 2), ("j2", 3)):
        for i in range(n):
            g.add_variant(job_id, i, solid(64, 48), f"{job_id} variant {i}")
    qtbot.wait(1)  # let the layouts settle so tiles have their geometry


def test_empty_state_until_a_job_arrives(gallery: Gallery) -> None:
    hint = next(w for w in gallery.findChildren(QLabel) if w.text() == "Variants appear here")
    assert hint.isVisible()
    assert gallery.job_count() == 0 and gallery.selected() is None
    gallery.add_job("j1", "t", "tip")
    assert not hint.isVisible()
    gallery.remove_job("j1")
    assert hint.isVisible()


def test_newest_job_first(gallery: Gallery, qtbot: QtBot) -> None:
    for n in (1, 2, 3):
        gallery.add_job(f"j{n}", f"prompt {n}", f"tip {n}")
    qtbot.wait(1)
    assert gallery.job_ids() == ["j3", "j2", "j1"]
    s = sections(gallery)
    assert s["j3"].y() < s["j2"].y() < s["j1"].y()
    assert gallery.job_count() == 3


def test_variants_grouped_under_their_job_in_index_order(gallery: Gallery, qtbot: QtBot) -> None:
    gallery.add_job("a", "A", "A")
    gallery.add_job("b", "B", "B")
    gallery.add_variant("a", 2, solid(30, 20), "a2")
    gallery.add_variant("b", 0, solid(30, 20), "b0")
    gallery.add_variant("a", 0, solid(30, 20), "a0")
    assert gallery.variant_count("a") == 2 and gallery.variant_count("b") == 1
    assert gallery.variant_indices("a") == [0, 2]
    assert gallery.variant_count("nope") == 0
    qtbot.wait(1)
    s = sections(gallery)
    for job_id in ("a", "b"):
        for t in s[job_id].tiles:
            assert t.job_id == job_id
            assert s[job_id].isAncestorOf(t)
    a0, a2 = tile(gallery, "a", 0), tile(gallery, "a", 2)
    assert a0.x() < a2.x() and a0.y() == a2.y()  # index order, same row
    # Replacing a variant keeps one tile.
    gallery.add_variant("a", 2, solid(30, 20), "a2 again")
    assert gallery.variant_count("a") == 2
    assert tile(gallery, "a", 2).toolTip() == "a2 again"


def test_header_shows_title_and_status(gallery: Gallery) -> None:
    gallery.add_job("j", "a cat on a windowsill", "Prompt: a cat on a windowsill")
    gallery.set_job_status("j", "running 45 % · 3.2 s")
    s = sections(gallery)["j"]
    assert s.title.full_text() == "a cat on a windowsill"
    assert s.status.full_text() == "running 45 % · 3.2 s"
    assert s.title.toolTip() == "Prompt: a cat on a windowsill"
    gallery.set_job_status("j", "2 variants · 4.1 s")
    assert s.status.full_text() == "2 variants · 4.1 s"
    with pytest.raises(KeyError):
        gallery.set_job_status("unknown", "x")
    with pytest.raises(KeyError):
        gallery.add_variant("unknown", 0, solid(4, 4), "x")


def test_click_selects_and_emits(gallery: Gallery, qtbot: QtBot) -> None:
    fill(gallery, qtbot)
    seen: list[tuple[str, int]] = []
    gallery.variant_selected.connect(lambda j, i: seen.append((j, i)))
    t = tile(gallery, "j1", 1)
    qtbot.mouseClick(t, LEFT)
    assert seen == [("j1", 1)]
    assert gallery.selected() == ("j1", 1)
    assert t.selected and not tile(gallery, "j1", 0).selected
    assert gallery.hasFocus()  # so the arrow keys work next
    qtbot.mouseClick(t, LEFT)  # the highlighted tile too: a click always shows it
    assert seen == [("j1", 1), ("j1", 1)]
    qtbot.mouseClick(tile(gallery, "j2", 0), LEFT)
    assert seen == [("j1", 1), ("j1", 1), ("j2", 0)]
    assert not t.selected


def test_double_click_activates(gallery: Gallery, qtbot: QtBot) -> None:
    fill(gallery, qtbot)
    activated: list[tuple[str, int]] = []
    gallery.variant_activated.connect(lambda j, i: activated.append((j, i)))
    qtbot.mouseDClick(tile(gallery, "j2", 2), LEFT)
    assert activated == [("j2", 2)]
    assert gallery.selected() == ("j2", 2)


def test_arrow_keys_move_selection(gallery: Gallery, qtbot: QtBot) -> None:
    fill(gallery, qtbot)
    seen: list[tuple[str, int]] = []
    gallery.variant_selected.connect(lambda j, i: seen.append((j, i)))
    K = Qt.Key
    qtbot.keyClick(gallery, K.Key_Right)  # nothing selected: the first (newest) one
    assert gallery.selected() == ("j2", 0)
    steps = [
        (K.Key_Right, ("j2", 1)),
        (K.Key_Right, ("j2", 2)),  # wraps to the next row
        (K.Key_Right, ("j1", 0)),  # and into the older job
        (K.Key_Left, ("j2", 2)),
        (K.Key_Up, ("j2", 0)),  # same column, row above
        (K.Key_Down, ("j2", 2)),
        (K.Key_Down, ("j1", 0)),  # rows span jobs
        (K.Key_Right, ("j1", 1)),
        (K.Key_Up, ("j2", 2)),  # the row above has one tile: take it
        (K.Key_End, ("j1", 1)),
        (K.Key_Home, ("j2", 0)),
    ]
    for key, expected in steps:
        qtbot.keyClick(gallery, key)
        assert gallery.selected() == expected, key
    assert seen == [("j2", 0), *(e for _, e in steps)]
    # At the edges nothing moves and nothing is emitted.
    qtbot.keyClick(gallery, K.Key_Left)
    qtbot.keyClick(gallery, K.Key_Up)
    assert gallery.selected() == ("j2", 0) and len(seen) == len(steps) + 1
    activated: list[tuple[str, int]] = []
    gallery.variant_activated.connect(lambda j, i: activated.append((j, i)))
    qtbot.keyClick(gallery, K.Key_Return)
    assert activated == [("j2", 0)]


def test_select_highlights_without_emitting(gallery: Gallery, qtbot: QtBot) -> None:
    fill(gallery, qtbot)
    seen: list[tuple[str, int]] = []
    gallery.variant_selected.connect(lambda j, i: seen.append((j, i)))
    gallery.select("j1", 1)
    assert gallery.selected() == ("j1", 1) and tile(gallery, "j1", 1).selected
    gallery.select("j1", 7)  # unknown: clears
    assert gallery.selected() is None and not tile(gallery, "j1", 1).selected
    assert seen == []


def test_tooltips_carry_the_revised_prompt(gallery: Gallery) -> None:
    gallery.add_job("j", "a cat", "Prompt: a cat")
    tip = "Prompt: a cat\n1024×1024 · quality high\nRevised prompt: a tabby cat, soft light"
    gallery.add_variant("j", 0, solid(32, 32), tip)
    assert tile(gallery, "j", 0).toolTip() == tip
    assert "Revised prompt: a tabby cat, soft light" in tile(gallery, "j", 0).toolTip()


def test_thumbnail_is_small_for_a_huge_variant(gallery: Gallery) -> None:
    big = np.zeros((4000, 6000, 3), np.uint8)
    big[:, :3000] = (255, 0, 0)
    big[:, 3000:] = (0, 0, 255)
    refs = sys.getrefcount(big)
    gallery.add_job("j", "big", "big")
    gallery.add_variant("j", 0, big, "big")
    assert sys.getrefcount(big) == refs  # the full-size pixels are not kept
    pm = gallery.thumbnail("j", 0)
    assert pm is not None
    assert gallery.devicePixelRatioF() == 1.0
    assert (pm.width(), pm.height()) == (THUMB, THUMB * 2 // 3) == (144, 96)
    assert max(pm.width(), pm.height()) <= 160
    img = pm.toImage()
    assert img.pixelColor(10, 48).getRgb()[:3] == (255, 0, 0)
    assert img.pixelColor(133, 48).getRgb()[:3] == (0, 0, 255)
    assert gallery.thumbnail("j", 1) is None


def test_thumbnail_helpers() -> None:
    rgba = np.zeros((300, 90, 4), np.uint8)
    rgba[..., 1] = 200
    rgba[..., 3] = 255
    small = thumbnail_array(rgba, 100)
    assert small.shape == (100, 30, 4) and np.all(small[..., 1] == 200)
    tiny = np.full((20, 10, 3), 7, np.uint8)
    assert thumbnail_array(tiny, 144).shape == (20, 10, 3)  # never upscaled
    hi = thumbnail_image(np.zeros((1000, 2000, 3), np.uint8), 144, dpr=2.0)
    assert (hi.width(), hi.height(), hi.devicePixelRatio()) == (288, 144, 2.0)


def test_remove_and_clear(gallery: Gallery, qtbot: QtBot) -> None:
    fill(gallery, qtbot)
    gallery.select("j1", 0)
    gallery.remove_job("j1")
    assert gallery.selected() is None
    assert gallery.job_ids() == ["j2"] and gallery.variant_count("j1") == 0
    gallery.remove_job("j1")  # unknown: no-op
    gallery.select("j2", 1)
    gallery.clear()
    assert gallery.job_count() == 0 and gallery.selected() is None
    qtbot.wait(1)
    assert sections(gallery) == {}  # widgets gone, not just hidden
    qtbot.keyClick(gallery, Qt.Key.Key_Right)  # no tiles: nothing to select
    assert gallery.selected() is None
