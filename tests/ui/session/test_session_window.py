"""The window keeps its work in a session on disk: rounds, variants, autosave, history."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from editor.store import BaseRef, RoundState, SessionStore
from editor.ui.session.sessions_dialog import SessionsDialog, rename_session
from editor.ui.window.main_window import MainWindow
from tests.ui import session_helpers
from tests.ui.session_helpers import generate, make_window, open_image
from tests.ui.window_helpers import H, W, paint

local_window = session_helpers.local_window
CTRL = Qt.KeyboardModifier.ControlModifier


def top_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return [i for i in items if i is not None]


def test_a_round_is_written_to_disk_and_read_back_through_the_window(
    qtbot: QtBot, local_window: MainWindow, image_path: Path, tmp_path: Path
) -> None:
    w = local_window
    open_image(qtbot, w, image_path)
    paint(qtbot, w, [(60, 60), (140, 90)])
    w.prompt_panel.set_prompt("remove the line")
    w.prompt_panel.n_spin.setValue(2)
    job_id = generate(qtbot, w)
    session = w.sessions.session
    assert session is not None
    meta, rounds = w.sessions.store.read(session.id)
    assert meta.prompt == "remove the line" and meta.mask is not None
    (record,) = rounds
    assert record.state is RoundState.SUCCEEDED and record.base == BaseRef()
    assert record.prompt == "remove the line" and record.params.api.n == 2
    assert [v.index for v in record.variants] == [0, 1]
    assert record.timings and record.finished
    for v in w.variants(job_id):
        on_disk = np.asarray(Image.open(session.variant_path(record.id, v.index)).convert("RGB"))
        np.testing.assert_array_equal(on_disk, w.frame(job_id, v.index))
    mask = w.document.edit.copy()  # type: ignore[union-attr]
    np.testing.assert_array_equal(session.load_mask(record.mask), mask)
    assert rename_session(w, "Coffee cup") and session.name == "Coffee cup"
    w.close()
    assert session.closed

    # A fresh window opens it from File ▸ Open Session.
    again = make_window(qtbot, tmp_path)
    dialog = SessionsDialog(again, again)
    assert dialog.busy is not None
    qtbot.waitUntil(dialog.busy.done, timeout=10_000)  # the folders are read off the loop
    rows = top_items(dialog.tree)
    assert [r.text(0) for r in rows] == ["Coffee cup"]
    assert rows[0].text(3) == "1"
    task = dialog.open_selected()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result() is True
    assert again.gallery.variant_count(record.id) == 2
    assert again.prompt_panel.prompt.toPlainText() == "remove the line"
    np.testing.assert_array_equal(again.document.edit, mask)  # type: ignore[union-attr]
    again.show_variant(record.id, 1)
    assert again.shown_variant == (record.id, 1)
    again.close()


def test_the_mask_and_prompt_autosave_after_a_pause(
    qtbot: QtBot, local_window: MainWindow, image_path: Path
) -> None:
    w = local_window
    w.sessions.mask_timer.setInterval(50)
    w.sessions.prompt_timer.setInterval(50)
    open_image(qtbot, w, image_path)
    store: SessionStore = w.sessions.store
    session_id = w.sessions.session.id  # type: ignore[union-attr]
    paint(qtbot, w, [(30, 30), (90, 40)])
    w.prompt_panel.focus_prompt()
    qtbot.keyClicks(w.prompt_panel.prompt, "a blue cup")
    qtbot.waitUntil(lambda: store.read(session_id)[0].mask is not None, timeout=5_000)
    qtbot.waitUntil(lambda: store.read(session_id)[0].prompt == "a blue cup", timeout=5_000)
    saved = w.sessions.session.load_mask()  # type: ignore[union-attr]
    np.testing.assert_array_equal(saved, w.document.edit)  # type: ignore[union-attr]


def test_a_full_disk_while_writing_a_variant_says_so_and_keeps_it_shown(
    qtbot: QtBot, local_window: MainWindow, image_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = local_window
    open_image(qtbot, w, image_path)
    paint(qtbot, w, [(60, 60), (140, 90)])
    w.prompt_panel.set_prompt("fill it")
    real_fsync = os.fsync

    def fsync(fd: int) -> None:  # the disk fills up exactly when a variant is flushed
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if "variant-" in target:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    job_id = generate(qtbot, w)
    banner = w.message_banner.text()
    assert w.message_banner.isVisible()
    assert "variant 1" in banner and "the disk is full" in banner and "kept in memory" in banner
    assert w.gallery.variant_count(job_id) == 1  # still shown
    assert 0 in w.sessions.unsaved(job_id)
    w.show_variant(job_id, 0)
    assert w.shown_variant == (job_id, 0)
    record = w.sessions.session.rounds[0]  # type: ignore[union-attr]
    assert record.variants == () and record.state is RoundState.SUCCEEDED
    # Space again: the next round is saved normally.
    monkeypatch.setattr(os, "fsync", real_fsync)
    second = generate(qtbot, w)
    assert 0 not in w.sessions.unsaved(second)
    assert len(w.sessions.session.rounds[1].variants) == 1  # type: ignore[union-attr]


def test_history_is_a_tree_and_a_click_restores_a_round_undoably(
    qtbot: QtBot, local_window: MainWindow, image_path: Path
) -> None:
    w = local_window
    open_image(qtbot, w, image_path)
    original = w.image
    paint(qtbot, w, [(60, 60), (140, 90)])
    first_mask = w.document.edit.copy()  # type: ignore[union-attr]
    w.prompt_panel.set_prompt("first idea")
    job1 = generate(qtbot, w)
    w.show_variant(job1, 0)
    w.use_as_base()
    paint(qtbot, w, [(20, 120), (200, 130)])
    w.prompt_panel.set_prompt("second idea")
    generate(qtbot, w)
    rounds = w.sessions.session.rounds  # type: ignore[union-attr]
    assert rounds[1].base == BaseRef(rounds[0].id, 0)

    panel = w.history_panel
    w.show_history()
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 1)
    top = top_items(panel.tree)[0]
    child = top.child(0)
    assert top.childCount() == 1 and child is not None
    assert child.data(0, Qt.ItemDataRole.UserRole) == rounds[1].id
    assert "first idea" in top.text(0) and top.text(2) == "done"
    assert not top.icon(0).isNull()

    rect = panel.tree.visualItemRect(top)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.task is not None
    qtbot.waitUntil(panel.task.done, timeout=10_000)
    assert panel.task.result() is True
    np.testing.assert_array_equal(w.image, original)
    np.testing.assert_array_equal(w.document.edit, first_mask)  # type: ignore[union-attr]
    assert w.prompt_panel.prompt.toPlainText() == "first idea"
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL)  # the mask step
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, CTRL)  # the image step
    np.testing.assert_array_equal(w.image, w.frame(job1, 0))
    assert w.image is not None and w.image.shape == (H, W, 3)


def test_a_round_has_its_id_from_the_moment_generate_is_pressed(
    qtbot: QtBot, local_window: MainWindow, image_path: Path
) -> None:
    w = local_window
    open_image(qtbot, w, image_path)
    paint(qtbot, w, [(60, 60), (140, 90)])
    ids = []
    for prompt in ("first idea", "second idea"):
        w.prompt_panel.set_prompt(prompt)
        w.prompt_panel.focus_prompt()
        qtbot.keyClick(
            w.prompt_panel.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
        job = w.jobs.jobs[-1]
        entry = w.results.round(job.id)
        # Named before anything is written or sent, and never renamed afterwards.
        assert entry is not None and entry.round_id is not None
        ids.append((job.id, entry.round_id))
    assert ids[0][1] != ids[1][1]
    for job_id, _ in ids:
        qtbot.waitUntil(lambda job_id=job_id: job_id in w.binding.settled, timeout=20_000)
    qtbot.waitUntil(lambda: not w.sessions.busy, timeout=10_000)
    session = w.sessions.session
    assert session is not None
    for job_id, round_id in ids:
        entry = w.results.round(job_id)
        assert entry is not None and entry.round_id == round_id
        assert session.round(round_id).prompt == w.results.round(job_id).prompt
        assert session.round(round_id).state is RoundState.SUCCEEDED
