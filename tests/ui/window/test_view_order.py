"""The window's views hear the workspace in any order: with every listener of every workspace
event (and of the job queue) reconnected in reverse, a round looks exactly as it did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psygnal import SignalInstance
from pytestqt.qtbot import QtBot

from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import one_round


def _reverse(signal: SignalInstance) -> int:
    slots: list[Any] = [s.dereference() for s in signal._slots]  # psygnal keeps them in order
    slots = [s for s in slots if s is not None]
    signal.disconnect()
    for slot in reversed(slots):
        signal.connect(slot)
    return len(slots)


def _what_a_person_sees(window: MainWindow, key: str) -> dict[str, object]:
    return {
        "banner": window.variant_banner.text(),
        "shown": window.shown_variant == (key, 0),
        "gallery": window.gallery.variant_count(key),
        "job row": window.jobs_panel.row(key).title.text(),
        "history": window.history_panel.tree.topLevelItemCount(),
        "status": window.results.round(key).status,  # type: ignore[union-attr]
    }


def test_views_built_in_reverse_order_show_the_same_window(
    qtbot: QtBot, window: MainWindow, image_path: Path, tmp_path: Path
) -> None:
    first = one_round(qtbot, window, image_path)
    qtbot.waitUntil(lambda: window.history_panel.tree.topLevelItemCount() == 1, timeout=5_000)
    expected = _what_a_person_sees(window, first)

    ws = window.workspace
    reversed_listeners = sum(
        _reverse(sig)
        for sig in (
            ws.round_added,
            ws.round_changed,
            ws.round_ended,
            ws.variants_saved,
            ws.round_finished,
            ws.rounds_changed,
            ws.image_opened,
            ws.image_changed,
            ws.jobs.added,
            ws.jobs.changed,
            ws.jobs.finished,
        )
    )
    ws.presenters.reverse()
    assert reversed_listeners >= 8  # the views really are listening
    again = tmp_path / "again.png"
    again.write_bytes(image_path.read_bytes())
    second = one_round(qtbot, window, again)
    qtbot.waitUntil(lambda: window.history_panel.tree.topLevelItemCount() == 1, timeout=5_000)
    seen = _what_a_person_sees(window, second)
    assert seen["banner"] == expected["banner"]  # "Round 1 · variant 1" in the new session
    assert {k: v for k, v in seen.items() if k != "job row"} == {
        k: v for k, v in expected.items() if k != "job row"
    }
    assert str(seen["job row"]).startswith("Round 1")
