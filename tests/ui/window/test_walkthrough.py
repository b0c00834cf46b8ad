"""The second walkthrough's findings, each met the way a designer met it: real clicks and keys
on the window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from editor.pipeline import embedded_client
from editor.server import ServerThread
from editor.ui.common.services import Profile
from editor.ui.gallery.tile import ThumbTile
from editor.ui.window.main_window import MainWindow
from tests.ui.window_helpers import (
    LEFT,
    local_profiles,
    menu_action,
    one_round,
    open_image,
    server_profile,
)


@pytest.fixture
def profiles(local_server: ServerThread) -> list[Profile]:
    return [
        *local_profiles(),
        server_profile(local_server, "Studio", "gpt-image-2.6-flare"),
        Profile("Offline two", embedded_client, "patchmatch", ("telea", "patchmatch")),
    ]


def _tile(window: MainWindow, key: str, index: int) -> ThumbTile:
    return next(
        t for t in window.gallery.findChildren(ThumbTile) if (t.job_id, t.index) == (key, index)
    )


def test_clicking_the_highlighted_tile_shows_it_again(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    key = one_round(qtbot, window, image_path)
    assert window.shown_variant == (key, 0)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)  # back to the original
    assert window.shown_variant is None and window.gallery.selected() == (key, 0)
    qtbot.mouseClick(_tile(window, key, 0), LEFT)
    assert window.shown_variant == (key, 0)


def test_tolerance_takes_typing_and_steps_by_five(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    window.prompt_panel.set_prompt("a saucer")
    canvas = window.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    spin = window.mask_toolbar.tolerance_spin
    qtbot.waitUntil(spin.isVisible, timeout=2_000)  # in the bar, not behind »
    qtbot.mouseClick(spin.lineEdit(), LEFT)
    assert QApplication.focusWidget() in (spin, spin.lineEdit())
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "50")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert spin.value() == 50 and canvas.selection.tolerance == 50
    assert window.prompt_panel.prompt.toPlainText() == "a saucer"  # nothing leaked into it
    assert QApplication.focusWidget() is canvas  # Return hands the keyboard back
    qtbot.mouseClick(spin.lineEdit(), LEFT)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_PageUp)
    assert spin.value() == 55
    # A drag along the field sweeps the value.
    edit = spin.lineEdit()
    start = QPoint(5, edit.height() // 2)
    qtbot.mousePress(edit, LEFT, pos=start)
    qtbot.mouseMove(edit, start + QPoint(30, 0))
    qtbot.mouseRelease(edit, LEFT, pos=start + QPoint(30, 0))
    assert spin.value() == 85


def test_a_wand_click_that_takes_almost_nothing_says_so(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    pixels = np.random.default_rng(3).integers(0, 256, (160, 240, 3), dtype=np.uint8)
    path = tmp_path / "noise.png"
    Image.fromarray(pixels).save(path)
    open_image(qtbot, window, path)
    canvas = window.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    window.mask_toolbar.tolerance_spin.setValue(5)
    qtbot.mouseClick(canvas, LEFT, pos=canvas.map_from_image(120, 80).toPoint())
    doc = window.document
    assert doc is not None
    qtbot.waitUntil(lambda: "under 0.1 %" in window.statusBar().currentMessage(), timeout=10_000)
    taken = int(np.count_nonzero(doc.edit))
    assert f"took {taken} px" in window.statusBar().currentMessage()
    assert "raise Tolerance" in window.statusBar().currentMessage()


def test_switching_service_brings_that_services_model_not_the_last_ones(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.prompt_panel
    panel.set_profile("Offline two")
    panel.model_combo.setCurrentText("telea")  # chosen here
    panel.profile_combo.setCurrentText("Studio")
    assert panel.model() == "gpt-image-2.6-flare"  # the service's own default
    panel.model_combo.setCurrentText("gpt-image-2")
    panel.profile_combo.setCurrentText("Offline two")
    assert panel.model() == "telea"  # its last choice comes back
    panel.profile_combo.setCurrentText("Studio")
    assert panel.model() == "gpt-image-2"
    assert panel.params().api.model == "gpt-image-2"


def test_settings_ok_keeps_the_quality_chosen_in_the_side_panel(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from editor.store import SessionStore, SettingsStore
    from editor.ui.settings.settings_dialog import SettingsDialog

    window = MainWindow(
        settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
        store=SessionStore(tmp_path / "sessions"),
        app_settings=SettingsStore(tmp_path / "config"),
    )
    qtbot.addWidget(window)
    window.show()
    panel = window.prompt_panel
    panel.profile_combo.setCurrentText("OpenAI")
    panel.quality_combo.setCurrentIndex(panel.quality_combo.findData("high"))
    panel.size_combo.setCurrentText("1536x1024")
    dialog = SettingsDialog(window, window)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, LEFT)
    assert not dialog.isVisible()
    assert panel.profile_combo.currentText() == "OpenAI"
    assert panel.quality_combo.currentData() == "high"
    assert panel.size_combo.currentText() == "1536x1024"


def test_the_image_stays_put_between_a_variant_and_the_original(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    key = one_round(qtbot, window, image_path)
    canvas = window.canvas

    def corner() -> QPoint:
        return canvas.mapTo(window, canvas.map_from_image(0, 0).toPoint())

    assert window.shown_variant == (key, 0) and window.variant_banner.isVisible()
    with_banner = corner()
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.variant_banner.isVisible(), timeout=2_000)
    qtbot.wait(20)  # one layout pass
    assert corner() == with_banner


def test_return_in_the_model_box_keeps_what_was_typed(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.prompt_panel
    panel.profile_combo.setCurrentText("Studio")
    edit = panel.model_combo.lineEdit()
    assert edit is not None
    qtbot.mouseClick(edit, LEFT)
    edit.selectAll()
    qtbot.keyClicks(edit, "gpt-image-2")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert panel.model() == "gpt-image-2"
    assert panel.params().api.model == "gpt-image-2"


def test_history_is_newest_first_and_follows_what_is_shown(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    from editor.core.expand import Expansion
    from tests.ui.window_helpers import generate_and_wait

    first = one_round(qtbot, window, image_path)
    second = generate_and_wait(qtbot, window)
    window.expander.expand(Expansion(left=200, top=0, right=200, bottom=0))
    session = window.sessions.session
    assert session is not None
    qtbot.waitUntil(lambda: len(session.rounds) == 3, timeout=10_000)
    window.sessions.rounds_changed.emit()
    tree = window.history_panel.tree
    titles = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert titles[0] == "Expand canvas (+200 left, +200 right)\nRound 3"
    assert titles[1].endswith("Round 2 · 1 variant") and titles[2].endswith("Round 1 · 1 variant")
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo grow
    qtbot.mouseClick(_tile(window, first, 0), LEFT)
    assert window.history_panel.selected_round() == window.results.round(first).round_id  # type: ignore[union-attr]
    qtbot.mouseClick(_tile(window, second, 0), LEFT)
    assert window.history_panel.selected_round() == window.results.round(second).round_id  # type: ignore[union-attr]


def test_save_after_use_as_base_never_suggests_the_original_and_keeps_provenance(
    qtbot: QtBot,
    window: MainWindow,
    image_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    key = one_round(qtbot, window, image_path)
    window.use_as_base()
    assert window.shown_variant is None and window.workspace.current is not None
    suggested = window.files.suggested_save_path()
    assert suggested != image_path and suggested.name == "photo-round1-v1.png"
    asked: list[str] = []
    out = tmp_path / "exports"
    out.mkdir()
    target = out / "kept.png"

    def dialog(*args: object, **kwargs: object) -> tuple[str, str]:
        asked.append(str(args[2]))
        return str(target), "PNG image (*.png)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert asked == [str(suggested)]
    with Image.open(target) as im:
        assert im.text["inpaint-editor:prompt"] == "fill"  # type: ignore[attr-defined]
    # The next suggestion is in the folder saved to last, under a name not taken yet.
    window.show_variant(key, 0)
    assert window.files.suggested_save_path() == out / "photo-round1-v1.png"


def test_the_offline_engine_says_it_ignores_the_prompt_and_costs_nothing(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    panel = window.prompt_panel
    panel.profile_combo.setCurrentText("Local engine")
    assert panel.engine_note.isVisible() and "ignores the prompt" in panel.engine_note.text()
    panel.profile_combo.setCurrentText("Studio")
    assert not panel.engine_note.isVisible()
    panel.profile_combo.setCurrentText("Local engine")
    one_round(qtbot, window, image_path)
    card = window.stats_panel.cards["Local engine"]
    assert card.values["Cost"].text() == "free (local)"


def test_the_status_bar_zoom_is_the_zoom_of_what_is_seen(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    one_round(qtbot, window, image_path)
    canvas_zoom = f"Zoom {window.canvas.zoom * 100:.0f} %"
    assert window.zoom_label.text() == canvas_zoom
    window.actions.compare.trigger()
    qtbot.waitUntil(window.compare.isVisible, timeout=2_000)
    compare_zoom = f"Zoom {window.compare.view_state()[0] * 100:.0f} %"
    assert window.zoom_label.text() == compare_zoom != canvas_zoom
    window.actions.compare.trigger()
    assert window.zoom_label.text() == canvas_zoom


def test_settings_fit_a_1024_by_700_screen_whatever_the_key_files_path(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    from editor.store import SessionStore, SettingsStore
    from editor.ui.settings.settings_dialog import SettingsDialog

    deep = tmp_path / ("a-rather-long-folder-name-" * 6) / "config"
    window = MainWindow(
        settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
        store=SessionStore(tmp_path / "sessions"),
        app_settings=SettingsStore(deep),
    )
    qtbot.addWidget(window)
    dialog = SettingsDialog(window, window)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(1)  # OpenAI: the key field, the key's state, the consent line
    dialog.consent_text.parentWidget().setVisible(True)
    assert dialog.minimumSizeHint().width() <= 1000
    assert dialog.minimumSizeHint().height() <= 680
    assert dialog.consent_text.wordWrap()


def test_subtracting_shows_a_minus_cursor(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    from editor.ui.canvas.mask_canvas import selection_cursor

    open_image(qtbot, window, image_path)
    canvas = window.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_L)

    def shows(subtract: bool) -> bool:
        return (
            canvas.cursor().pixmap().toImage()
            == selection_cursor(subtract=subtract).pixmap().toImage()
        )

    assert shows(subtract=False)
    qtbot.keyPress(canvas, Qt.Key.Key_Alt, Qt.KeyboardModifier.AltModifier)
    assert shows(subtract=True)
    qtbot.keyRelease(canvas, Qt.Key.Key_Alt)
    assert shows(subtract=False)
    window.mask_toolbar.mode_actions["subtract"].trigger()
    assert shows(subtract=True)


@pytest.mark.parametrize("size", [(1600, 1000), (1024, 700)])
def test_advanced_opens_into_view_taking_room_from_jobs_and_the_gallery(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=2_000)
    panel = window.prompt_panel
    below = window.side_tabs.height() + window.gallery.height()
    qtbot.mouseClick(panel.advanced.header, LEFT)
    assert panel.advanced.expanded()

    def size_row_in_view() -> bool:
        combo = panel.size_combo
        view = panel.parameters.viewport()
        top_left = combo.mapTo(view, QPoint(0, 0))
        return (
            combo.isVisible()
            and view.rect().contains(top_left)
            and view.rect().contains(top_left + QPoint(combo.width() - 1, combo.height() - 1))
        )

    qtbot.waitUntil(size_row_in_view, timeout=2_000)
    # Jobs and the gallery gave the room.
    qtbot.waitUntil(lambda: window.side_tabs.height() + window.gallery.height() < below)
    if size == (1600, 1000):  # room enough: nothing in the prompt scrolls
        bar = panel.parameters.verticalScrollBar()
        assert not bar.isVisible() or bar.maximum() == 0


def test_feather_previews_on_the_canvas_and_cancel_leaves_the_mask(
    qtbot: QtBot, window: MainWindow, image_path: Path
) -> None:
    open_image(qtbot, window, image_path)
    doc = window.document
    assert doc is not None
    edit = np.zeros((doc.height, doc.width), np.uint8)
    edit[40:120, 60:180] = 255
    doc.replace(edit)
    feather = menu_action(window, "Feather…")
    plain = window.canvas.grab().toImage()
    feather.trigger()
    dialog = window.feather_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.task is not None  # worked out off the loop
    qtbot.waitUntil(dialog.task.done, timeout=2_000)
    before = window.canvas.grab().toImage()
    assert before != plain  # the default radius shows at once
    dialog.radius.setValue(20)
    qtbot.waitUntil(lambda: window.canvas.grab().toImage() != before, timeout=2_000)
    np.testing.assert_array_equal(doc.edit, edit)  # only a preview so far
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    np.testing.assert_array_equal(doc.edit, edit)
    assert window.canvas.grab().toImage() == plain
    feather.trigger()
    dialog = window.feather_dialog
    assert dialog is not None
    dialog.radius.setValue(20)
    dialog.accept()
    assert doc.edit[40, 60] < 255 and doc.edit[80, 120] == 255  # softened edge, one step
    doc.undo()
    np.testing.assert_array_equal(doc.edit, edit)
