"""Issue 10 through the window: streamed previews, fan-out, A/B rounds, cost, mask reuse.

Real events against the local server on 127.0.0.1 (tests/conftest.py) with its test faults.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.client import EditsClient, Endpoint
from editor.core.pricing import PriceTable
from editor.pipeline.jobs import Job, JobState
from editor.pipeline.round_trip import PartialPreview
from editor.server import ServerThread
from editor.ui.canvas.mask_library import ImportMaskDialog, MaskLibrary, reuse_previous_mask
from editor.ui.common.services import Profile
from editor.ui.jobs.stats_panel import cost_text
from editor.ui.window.main_window import MainWindow
from editor.ui.window.previews import CUT_LABEL
from tests.ui.window_helpers import (
    H,
    W,
    add_fault,
    clear_faults,
    close_window,
    generate_and_wait,
    job_of,
    logged_requests,
    open_photo,
    paint,
    retry_and_wait,
    round_mask,
    settle,
    show_window,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def _window(
    qtbot: QtBot, tmp_path: Path, server: ServerThread, **profile: object
) -> Iterator[MainWindow]:
    endpoint = Endpoint(base_url=server.base_url, api_key=None, max_retries=0, timeout=20)
    profiles = [Profile("Test server", lambda: EditsClient(endpoint), "telea", **profile)]  # type: ignore[arg-type]
    window = show_window(qtbot, tmp_path, profiles)
    open_photo(qtbot, window, tmp_path)
    paint(qtbot, window, [(60, 60), (120, 90), (160, 100)])
    window.prompt_panel.set_prompt("a red ball")
    yield window
    close_window(qtbot, window)


@pytest.fixture
def stream_window(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path, server: ServerThread
) -> Iterator[MainWindow]:
    yield from _window(qtbot, tmp_path, server, stream=True, partial_images=2)


@pytest.fixture
def fan_window(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path, server: ServerThread
) -> Iterator[MainWindow]:
    yield from _window(qtbot, tmp_path, server, max_n_per_request=1, concurrency=3)


def _run(qtbot: QtBot, window: MainWindow) -> str:
    """Ctrl+Enter and wait until the job's outcome is shown (previews count as tiles, so the
    hardening helper's "variant count reached" is not enough here)."""
    job_id = generate_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: job_id in window.binding.settled, timeout=20_000)
    return job_id


def _seen_previews(window: MainWindow) -> list[str | None]:
    """The gallery's mark of each preview tile the moment its partial arrived."""
    seen: list[str | None] = []

    def record(job: Job, preview: PartialPreview) -> None:
        seen.append(window.gallery.preview_label(job.id, preview.index))

    window.jobs.partial.connect(record)
    return seen


def test_streamed_previews_show_first_and_the_final_replaces_them(
    qtbot: QtBot, stream_window: MainWindow, server: ServerThread
) -> None:
    w = stream_window
    seen = _seen_previews(w)
    job_id = _run(qtbot, w)
    job = job_of(w, job_id)
    assert job.state is JobState.SUCCEEDED
    assert job.params.api.stream and job.params.api.partial_images == 2
    assert seen and seen[0] == "preview 1/2", seen
    assert w.gallery.variant_count(job_id) == 1
    assert w.gallery.preview_label(job_id, 0) is None  # the final replaced it
    body = logged_requests(server)[-1]
    assert "stream" in str(body)


def test_a_preview_on_the_canvas_gives_way_to_the_final(
    qtbot: QtBot, stream_window: MainWindow, server: ServerThread
) -> None:
    w = stream_window
    add_fault(server, kind="delay", seconds=0.3)
    w.prompt_panel.focus_prompt()
    qtbot.keyClick(w.prompt_panel.prompt, Qt.Key.Key_Return, CTRL)
    job = w.jobs.jobs[-1]
    qtbot.waitUntil(lambda: w.gallery.preview_label(job.id, 0) is not None, timeout=20_000)
    w.show_variant(job.id, 0)  # what a click on the provisional tile does
    assert w.previews.looking == (job.id, 0)
    assert w.canvas._display is not None  # the preview, at the image's size
    settle(qtbot, w, job.id)
    qtbot.waitUntil(lambda: job.id in w.binding.settled, timeout=20_000)
    qtbot.waitUntil(lambda: w.shown_variant == (job.id, 0), timeout=5_000)


def test_a_cut_stream_keeps_its_previews_and_retry_works(
    qtbot: QtBot, stream_window: MainWindow, server: ServerThread
) -> None:
    w = stream_window
    add_fault(server, kind="drop_stream", after_events=1)
    job_id = _run(qtbot, w)
    job = job_of(w, job_id)
    assert job.state is JobState.FAILED and job.previews
    assert w.gallery.preview_label(job_id, 0) == CUT_LABEL
    row = w.jobs_panel.row(job_id)
    assert row.error.isVisible() and row.error.text()
    clear_faults(server)
    retry = retry_and_wait(qtbot, w, job_id)
    qtbot.waitUntil(lambda: retry in w.binding.settled, timeout=20_000)
    assert job_of(w, retry).state is JobState.SUCCEEDED
    assert w.gallery.preview_label(retry, 0) is None


def test_fan_out_sends_one_request_per_variant(
    qtbot: QtBot, fan_window: MainWindow, server: ServerThread
) -> None:
    w = fan_window
    w.prompt_panel.n_spin.setValue(3)
    job_id = _run(qtbot, w)
    assert w.gallery.variant_count(job_id) == 3
    edits = [r for r in logged_requests(server) if "edits" in str(r.get("path"))]
    assert len(edits) == 3
    assert not w.jobs_panel.row(job_id).warning.isVisible()


def test_retry_from_history_fans_out_as_the_profile_says(
    qtbot: QtBot, fan_window: MainWindow, server: ServerThread
) -> None:
    w = fan_window
    w.prompt_panel.n_spin.setValue(3)
    job_id = _run(qtbot, w)
    qtbot.waitUntil(lambda: not w.sessions.busy, timeout=10_000)
    before = len(logged_requests(server))
    panel = w.history_panel
    w.side_tabs.setCurrentWidget(panel)
    round_id = w.sessions.rounds()[-1].id
    item = panel.item(round_id)
    assert item is not None
    panel.tree.setCurrentItem(item)
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    assert panel.task is not None
    qtbot.waitUntil(panel.task.done, timeout=10_000)
    assert panel.task.result() is True
    retry = w.jobs.jobs[-1]
    assert retry.id != job_id
    qtbot.waitUntil(lambda: retry.id in w.binding.settled, timeout=20_000)
    assert w.gallery.variant_count(retry.id) == 3
    sent = [r for r in logged_requests(server)[before:] if "edits" in str(r.get("path"))]
    # One variant per request (the profile's max n per request), three requests.
    assert [r["fields"].get("n", "1") for r in sent] == ["1", "1", "1"], sent


def test_one_failed_request_keeps_the_others_and_says_why(
    qtbot: QtBot, fan_window: MainWindow, server: ServerThread
) -> None:
    w = fan_window
    add_fault(server, kind="status", status=500, times=1)
    w.prompt_panel.n_spin.setValue(3)
    job_id = _run(qtbot, w)
    job = job_of(w, job_id)
    assert job.state is JobState.SUCCEEDED
    assert w.gallery.variant_count(job_id) == 2
    row = w.jobs_panel.row(job_id)
    assert row.warning.isVisible() and "1 of 3" in row.warning.text(), row.warning.text()


def test_ctrl_j_duplicates_the_round_for_an_ab(
    qtbot: QtBot, fan_window: MainWindow, server: ServerThread
) -> None:
    w = fan_window
    first = _run(qtbot, w)
    mask = round_mask(w, first)
    assert w.document is not None and mask is not None
    w.document.clear()  # the duplicate brings the round's mask back
    qtbot.keyClick(w.canvas, Qt.Key.Key_J, CTRL)
    prompt = w.prompt_panel.prompt
    assert prompt.hasFocus() and prompt.textCursor().selectedText() == "a red ball"
    qtbot.keyClicks(prompt, "a blue cube")
    second = _run(qtbot, w)
    assert job_of(w, second).params.api.prompt == "a blue cube"
    second_mask = round_mask(w, second)
    assert second_mask is not None and np.array_equal(second_mask, mask)
    qtbot.keyClick(w.canvas, Qt.Key.Key_R, CTRL | Qt.KeyboardModifier.ShiftModifier)
    view = w.rounds_view
    assert view is not None and view.isVisible()
    # What differs between the prompts is in bold; "a" is in both.
    texts = [c.prompt.text() for c in view.columns]
    assert all(t.startswith("a <b") for t in texts)
    assert [re.findall(r"<b[^>]*>(\w+)</b>", t) for t in texts] == [
        ["red", "ball"],
        ["blue", "cube"],
    ]
    view.highlight.setChecked(False)
    assert [c.prompt.text() for c in view.columns] == ["a red ball", "a blue cube"]
    qtbot.mouseClick(view.columns[0].buttons[0], Qt.MouseButton.LeftButton)
    assert w.shown_variant == (first, 0)
    assert view.compare.isHidden()
    # Ctrl+click a variant of the other round: the two side by side, zoom and pan synced.
    qtbot.mouseClick(view.columns[1].buttons[0], Qt.MouseButton.LeftButton, CTRL)
    qtbot.waitUntil(view.compare.isVisible, timeout=10_000)  # frames read off the loop
    assert view.compare.mode() == "side"
    left, right = view.compare.labels()
    assert left.startswith(f"Round {w.results.number(first)} · variant 1: a red ball")
    assert right.startswith(f"Round {w.results.number(second)} · variant 1: a blue cube")
    view.compare.left_view.set_view_state(2.0, 10.0, 12.0)
    assert view.compare.right_view.view_state() == view.compare.left_view.view_state()
    view.close()


def test_cost_and_latency_reach_the_job_row_and_stats_tab(
    qtbot: QtBot, stream_window: MainWindow
) -> None:
    w = stream_window
    job_id = _run(qtbot, w)
    row = w.jobs_panel.row(job_id)
    assert row.cost.isVisible() and row.cost.text() == "$0.000"  # the local engine is free
    w.side_tabs.setCurrentWidget(w.stats_panel)
    text = w.stats_panel.text()
    assert "Test server" in text and "Jobs: 1" in text and "median" in text
    # A priced model: real usage through the real price table, marked as an estimate.
    usage = {"input_tokens": 1000, "output_tokens": 4000, "total_tokens": 5000}
    assert cost_text(PriceTable().cost("gpt-image-1", usage)) == "$0.170 ≈ estimate"


def _write_masks(tmp_path: Path) -> tuple[Path, Path, np.ndarray]:
    edit = np.zeros((H, W), np.uint8)
    edit[20:60, 30:90] = 255
    white = tmp_path / "white.png"
    Image.fromarray(edit).save(white)
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., 3] = 255 - edit
    alpha = tmp_path / "alpha.png"
    Image.fromarray(rgba).save(alpha)
    return white, alpha, edit


def test_mask_import_reuse_and_library_are_undoable(
    qtbot: QtBot, fan_window: MainWindow, tmp_path: Path
) -> None:
    w = fan_window
    doc = w.document
    assert doc is not None
    white, alpha, edit = _write_masks(tmp_path)
    for path, invert in ((white, False), (alpha, False), (white, True)):
        before = doc.edit.copy()
        dialog = ImportMaskDialog(w, str(path), w)
        assert "Detected" in dialog.detected.text()
        dialog.invert.setChecked(invert)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        assert np.array_equal(doc.edit, 255 - edit if invert else edit)
        w.undo()
        assert np.array_equal(doc.edit, before)
    painted = doc.edit.copy()
    first = _run(qtbot, w)
    doc.replace(edit)
    assert reuse_previous_mask(w)
    assert np.array_equal(doc.edit, painted)
    w.undo()
    assert np.array_equal(doc.edit, edit)
    qtbot.waitUntil(lambda: first in w.binding.settled, timeout=10_000)
    qtbot.waitUntil(lambda: bool(w.sessions.rounds()) and w.sessions.rounds()[-1].mask is not None)
    library = MaskLibrary(w, w)
    assert len(library.masks) >= 1
    assert library.use(0)
    assert np.array_equal(doc.edit, painted)
    w.undo()
    assert np.array_equal(doc.edit, edit)
    library.close()
