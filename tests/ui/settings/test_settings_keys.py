"""Settings as a designer meets it: OK saves all or nothing, Cancel discards, keys say where they
come from (OPENAI_API_KEY for OpenAI only, a profile's own variable, none on this computer), and
nothing moves under the pointer while typing."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from editor.pipeline.jobs import JobState
from editor.server import ServerThread
from editor.store import SettingsStore
from editor.ui.settings.settings_dialog import SettingsDialog
from editor.ui.window.main_window import MainWindow
from tests.keyring_backend import MemoryKeyring
from tests.ui.session_helpers import generate, open_image
from tests.ui.window_helpers import job_of, paint

KEY = "sk-test-ATOMIC-4242"
TEAM_KEY = "sk-test-TEAMVAR-5151"


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def press(qtbot: QtBot, dialog: SettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    click(qtbot, dialog.buttons.button(which))


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    click(qtbot, widget)
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def add_profile(qtbot: QtBot, dialog: SettingsDialog, name: str, url: str) -> None:
    click(qtbot, dialog.add_button)
    type_into(qtbot, dialog.form.name, name)
    type_into(qtbot, dialog.form.base_url, url)


def saved_names(tmp_path: Path) -> list[str]:
    return [p.name for p in SettingsStore(tmp_path / "config").profiles]


def test_ok_without_a_keyring_saves_nothing_says_why_and_cancel_discards(
    qtbot: QtBot, window: MainWindow, no_keyring: None, tmp_path: Path
) -> None:
    before = saved_names(tmp_path)
    dialog = open_settings(qtbot, window)
    add_profile(qtbot, dialog, "Studio server", "https://studio.example/v1")
    type_into(qtbot, dialog.form.key, KEY)
    OK = QDialogButtonBox.StandardButton.Ok
    press(qtbot, dialog, OK)
    assert dialog.isVisible()
    first = dialog.error.text()
    assert first.startswith("Nothing was saved") and "keyring" in first and KEY not in first
    assert "Studio server" not in [p.name for p in window.app_settings.profiles]
    assert saved_names(tmp_path) == before

    press(qtbot, dialog, OK)  # again: the same reason, not a clash with a half-saved profile
    assert dialog.isVisible() and dialog.error.text() == first

    press(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    assert not dialog.isVisible()
    assert "Studio server" not in [p.name for p in window.app_settings.profiles]
    assert window.prompt_panel.profile_combo.findText("Studio server") < 0
    assert saved_names(tmp_path) == before
    assert not (tmp_path / "config" / "keys.json").exists()

    # With consent, the same edit goes through whole: profile and key together.
    again = open_settings(qtbot, window)
    assert "Studio server" not in [again.list.item(i).text() for i in range(again.list.count())]
    add_profile(qtbot, again, "Studio server", "https://studio.example/v1")
    type_into(qtbot, again.form.key, KEY)
    click(qtbot, again.consent)
    press(qtbot, again, OK)
    assert not again.isVisible(), again.error.text()
    assert "Studio server" in saved_names(tmp_path)
    assert window.app_settings.keys.get("studio-server").reveal() == KEY  # type: ignore[union-attr]


def test_a_keyring_that_refuses_leaves_profiles_as_they_were(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    def refuse(service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")

    memory_keyring.set_password = refuse  # type: ignore[method-assign]
    before = saved_names(tmp_path)
    dialog = open_settings(qtbot, window)
    add_profile(qtbot, dialog, "Team gateway", "https://gw.example/v1")
    type_into(qtbot, dialog.form.key, KEY)
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible() and dialog.error.text().startswith("Nothing was saved")
    assert "refused" in dialog.error.text()
    assert "Team gateway" not in [p.name for p in window.app_settings.profiles]
    assert saved_names(tmp_path) == before


def test_openai_api_key_serves_openai_only_and_a_profile_names_its_own_variable(
    qtbot: QtBot,
    window: MainWindow,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-OPENAI-ENV-1")
    monkeypatch.delenv("TEAM_GATEWAY_KEY", raising=False)
    dialog = open_settings(qtbot, window)
    add_profile(qtbot, dialog, "Team gateway", "https://gw.example/v1")
    hint = dialog.form.key_where.text()
    assert "No key saved" in hint and "OPENAI_API_KEY serves OpenAI profiles only" in hint
    type_into(qtbot, dialog.form.key_env, "TEAM_GATEWAY_KEY")
    assert "TEAM_GATEWAY_KEY is not set" in dialog.form.key_where.text()
    monkeypatch.setenv("TEAM_GATEWAY_KEY", TEAM_KEY)
    qtbot.keyClick(dialog.form.key_env, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.form.key_env, "Y")
    assert "The key comes from TEAM_GATEWAY_KEY" in dialog.form.key_where.text()
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible(), dialog.error.text()

    settings_file = (tmp_path / "config" / "settings.json").read_text(encoding="utf-8")
    assert "TEAM_GATEWAY_KEY" in settings_file and TEAM_KEY not in settings_file
    assert memory_keyring.entries == {}  # the variable's value is never stored
    panel = window.prompt_panel
    panel.set_profile("Team gateway")
    assert "needs an API key" not in panel.hint.text()
    profile = window.app_settings.profiles.get("team-gateway")
    assert window.app_settings.api_key_for(profile).reveal() == TEAM_KEY  # type: ignore[union-attr]

    monkeypatch.delenv("TEAM_GATEWAY_KEY")
    panel.set_profile("Local engine")
    panel.set_profile("Team gateway")
    assert "TEAM_GATEWAY_KEY" in panel.hint.text() and "not set" in panel.hint.text()

    # The OpenAI profile says OPENAI_API_KEY stands in for it.
    again = open_settings(qtbot, window)
    again.list.setCurrentRow(1)
    assert again.current().name == "OpenAI"
    assert "The key comes from OPENAI_API_KEY" in again.form.key_where.text()


def test_a_service_on_this_computer_runs_without_a_key(
    qtbot: QtBot,
    window: MainWindow,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    server: ServerThread,
    image_path: Path,
) -> None:
    dialog = open_settings(qtbot, window)
    add_profile(qtbot, dialog, "This computer", server.base_url)
    assert "may run without a key" in dialog.form.key_where.text()
    type_into(qtbot, dialog.form.model, "patchmatch")  # a model this server runs
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible(), dialog.error.text()

    open_image(qtbot, window, image_path)
    paint(qtbot, window, [(40, 40), (120, 90)])
    window.prompt_panel.set_profile("This computer")
    assert window.prompt_panel.hint.text() == ""
    window.prompt_panel.set_prompt("fill")
    job = job_of(window, generate(qtbot, window))
    assert job.error is None and job.state is JobState.SUCCEEDED


def test_test_connection_without_a_key_says_the_key_is_missing(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring, closed_port: int
) -> None:
    dialog = open_settings(qtbot, window)
    # 0.0.0.0 reaches this computer without being a loopback address, so a key is expected.
    add_profile(qtbot, dialog, "Team gateway", f"http://0.0.0.0:{closed_port}/v1")
    click(qtbot, dialog.test_button)
    assert dialog.test_task is not None
    qtbot.waitUntil(dialog.test_task.done, timeout=15_000)
    text = dialog.test_result.text()
    assert "No API key" in text and "The service answered: ✗" in text


def test_the_local_engine_shows_no_key_header_or_price_fields(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_settings(qtbot, window)
    form = dialog.form
    dialog.list.setCurrentRow(0)
    assert dialog.current().kind == "local"
    hidden = (form.key, form.key_env, form.headers, form.route, form.iteration.prices, form.gateway)
    assert not any(w.isVisible() for w in hidden)
    dialog.list.setCurrentRow(1)
    assert all(w.isVisible() for w in hidden)


def positions(dialog: SettingsDialog) -> list[QPoint | object]:
    watched = (
        dialog.test_button,
        dialog.consent,
        dialog.form.key,
        dialog.form.route,
        dialog.buttons,
    )
    return [dialog.size(), *(w.mapTo(dialog, QPoint(0, 0)) for w in watched)]


def test_nothing_moves_while_an_address_is_typed(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_settings(qtbot, window)
    click(qtbot, dialog.add_button)
    start = positions(dialog)
    field = dialog.form.base_url
    click(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    seen_error = seen_warning = False
    url = "http://192.0.2.10:8080/v1/a/rather/long/path/that/keeps/on/going/for/a/while/yet"
    for char in url:
        qtbot.keyClick(field, char)
        seen_error |= bool(dialog.error.text())
        seen_warning |= dialog.form.insecure.isVisible()
        assert positions(dialog) == start, f"moved after typing {char!r}"
    assert seen_error and seen_warning  # the messages came and went in their own places
    assert not dialog.error.text()


def test_cancel_leaves_every_profile_as_it_was(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    before = list(window.app_settings.profiles)
    dialog = open_settings(qtbot, window)
    dialog.list.setCurrentRow(1)
    type_into(qtbot, dialog.form.name, "OpenAI (mine)")
    type_into(qtbot, dialog.form.key, KEY)
    type_into(qtbot, dialog.form.key_env, "MY_OPENAI_KEY")
    click(qtbot, dialog.add_button)
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    assert not dialog.isVisible()
    assert list(window.app_settings.profiles) == before
    assert memory_keyring.entries == {}
    assert not (tmp_path / "config" / "settings.json").exists()
