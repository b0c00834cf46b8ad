"""Results live in the session folder; memory holds what is on screen.

An evicted variant comes back from its file bit for bit (its proxy first), a file deleted behind
the app's back says so on its tile and nothing else breaks, and a session of many rounds
restores without decoding a single variant until one is looked at.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from editor.core.imageio import load_image
from editor.pipeline import ApiOptions, EditParams
from editor.store import PROXY_SIDE, RoundState, SessionStore
from editor.ui.gallery.tile import MISSING_TEXT, ThumbTile
from editor.ui.session.restore import restore_session
from editor.ui.window.main_window import MainWindow
from tests.ui import session_helpers
from tests.ui.session_helpers import generate, make_window, open_image
from tests.ui.window_helpers import paint

local_window = session_helpers.local_window
BIG_W, BIG_H = 2400, 1600  # larger than a proxy, so the proxy really is smaller


def _photo(path: Path, w: int = BIG_W, h: int = BIG_H) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    pixels = np.dstack([(x * 7) % 256, (y * 3) % 256, (x + y) % 256]).astype(np.uint8)
    Image.fromarray(pixels).save(path)
    return pixels


def _tile(window: MainWindow, key: str, index: int) -> ThumbTile:
    return next(
        t for t in window.gallery.findChildren(ThumbTile) if (t.job_id, t.index) == (key, index)
    )


def _click(qtbot: QtBot, window: MainWindow, key: str, index: int) -> None:
    tile = _tile(window, key, index)
    window.gallery._scroll.ensureWidgetVisible(tile)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))


def _file_pixels(window: MainWindow, key: str, index: int) -> np.ndarray:
    path = window.variant(key, index).path
    assert path is not None
    return load_image(path).pixels


@pytest.fixture
def two_rounds(
    qtbot: QtBot, local_window: MainWindow, tmp_path: Path
) -> tuple[MainWindow, str, str]:
    w = local_window
    _photo(tmp_path / "big.png")
    open_image(qtbot, w, tmp_path / "big.png")
    paint(qtbot, w, [(300, 300), (500, 420)])
    w.prompt_panel.set_prompt("fill it")
    w.prompt_panel.n_spin.setValue(2)
    first = generate(qtbot, w)
    second = generate(qtbot, w)
    return w, first, second


def test_an_evicted_variant_shows_its_proxy_then_the_file_bit_for_bit(
    qtbot: QtBot, two_rounds: tuple[MainWindow, str, str]
) -> None:
    w, first, second = two_rounds
    one_frame = BIG_W * BIG_H * 3
    assert w.results.frames.used_bytes <= w.results.frames.max_bytes
    w.results.frames.max_bytes = one_frame  # room for what is on screen only
    w.show_original()
    _click(qtbot, w, second, 1)
    qtbot.waitUntil(lambda: w.showing_full, timeout=10_000)
    assert w.results.cached_frame(w.variant(first, 0)) is None  # long evicted
    _click(qtbot, w, first, 0)
    assert w.shown_variant == (first, 0)
    shown = w.canvas.display_pixels()
    if not w.showing_full:  # the proxy first: screen-sized, the image's aspect
        assert shown is not None and max(shown.shape[:2]) <= PROXY_SIDE
    qtbot.waitUntil(lambda: w.showing_full, timeout=10_000)
    full = w.canvas.display_pixels()
    assert full is not None and full.shape == (BIG_H, BIG_W, 3)
    np.testing.assert_array_equal(full, _file_pixels(w, first, 0))
    assert w.results.frames.used_bytes <= one_frame


def test_a_variant_file_deleted_behind_the_apps_back_says_so_on_its_tile(
    qtbot: QtBot, two_rounds: tuple[MainWindow, str, str], tmp_path: Path
) -> None:
    w, first, _second = two_rounds
    w.show_original()
    gone = w.variant(first, 1).path
    assert gone is not None
    gone.unlink()
    w.results.frames.clear()  # as after an hour of other rounds: nothing of it in memory
    _click(qtbot, w, first, 1)
    qtbot.waitUntil(lambda: w.gallery.missing_label(first, 1) == MISSING_TEXT, timeout=10_000)
    assert "missing" in w.message_banner.text()
    assert w.shown_variant is None
    assert w.image is not None and w.document is not None  # the work is untouched
    # Everything else still works: another variant shows and saves.
    _click(qtbot, w, first, 0)
    qtbot.waitUntil(lambda: w.showing_full and w.shown_variant == (first, 0), timeout=10_000)
    target = tmp_path / "saved.png"
    task = w.files.save_to(target)
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    np.testing.assert_array_equal(load_image(target).pixels, _file_pixels(w, first, 0))
    # Saving the missing one is a plain message, not a crash.
    w.shown_variant = (first, 1)
    task = w.files.save_to(tmp_path / "nothing.png")
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is False and not (tmp_path / "nothing.png").exists()


def test_a_session_of_many_rounds_restores_without_decoding_its_variants(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    rounds, w_, h_ = 30, 640, 400
    pixels = _photo(tmp_path / "photo.png", w_, h_)
    store = SessionStore(tmp_path / "data" / "sessions")
    session = store.create(tmp_path / "photo.png")
    edit = np.zeros((h_, w_), np.uint8)
    edit[100:200, 100:300] = 255
    written = {}
    for r in range(rounds):
        record = session.start_round(
            EditParams(ApiOptions(prompt=f"idea {r}", model="telea")), mask=edit
        )
        for i in range(2):
            variant = pixels.copy()
            variant[edit > 0] = (r * 8, i * 100, 50)
            session.add_variant(record.id, i, variant, proxy_side=PROXY_SIDE)
            written[(record.id, i)] = variant
        session.finish_round(record.id, RoundState.SUCCEEDED)
    sid = session.id
    session.close()

    window = make_window(qtbot, tmp_path)
    task = asyncio.ensure_future(restore_session(window, sid))
    qtbot.waitUntil(task.done, timeout=20_000)
    assert task.result() is True
    assert window.gallery.job_count() == rounds
    assert window.results.frames.loads == 0 and len(window.results.frames) == 0
    # Tiles near the view get thumbnails; those far below wait until scrolled to.
    newest = window.gallery.job_ids()[0]
    oldest = window.gallery.job_ids()[-1]
    qtbot.waitUntil(lambda: not _tile(window, newest, 0).pending, timeout=10_000)
    assert _tile(window, oldest, 0).pending
    bar = window.gallery._scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: not _tile(window, oldest, 1).pending, timeout=10_000)
    assert window.results.frames.loads == 0  # thumbnails come from the proxies
    # Looking at one decodes exactly that one, bit for bit.
    _click(qtbot, window, oldest, 1)
    qtbot.waitUntil(lambda: window.showing_full and window.shown_variant is not None)
    shown = window.canvas.display_pixels()
    assert shown is not None
    np.testing.assert_array_equal(shown, written[(oldest, 1)])
    assert len(window.results.frames) <= 3
    window.close()
