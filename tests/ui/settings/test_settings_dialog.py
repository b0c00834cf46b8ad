"""Settings: profiles round-trip through the dialog, keys go to the keyring (never to a file we
write, nor the logs), Test Connection makes a real request without blocking."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from editor.logs import setup_logging
from editor.server import ServerThread
from editor.store import SettingsStore
from editor.ui.settings.settings_dialog import SettingsDialog
from editor.ui.window.main_window import MainWindow
from tests.keyring_backend import MemoryKeyring
from tests.ui.session_helpers import generate, open_image
from tests.ui.window_helpers import paint

KEY = "sk-test-UILEAK-77"


def dialog_for(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    dialog = SettingsDialog(window, window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def select(dialog: SettingsDialog, name: str) -> None:
    items = dialog.list.findItems(name, Qt.MatchFlag.MatchExactly)
    assert items, f"no profile {name!r}"
    dialog.list.setCurrentItem(items[0])


def type_into(qtbot: QtBot, widget: object, text: str) -> None:
    widget.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(widget, text)


def add_server_profile(qtbot: QtBot, dialog: SettingsDialog, name: str, url: str) -> None:
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    type_into(qtbot, dialog.form.name, name)
    type_into(qtbot, dialog.form.base_url, url)


def test_a_key_saved_in_the_dialog_is_in_the_keyring_and_nowhere_else(
    qtbot: QtBot,
    window: MainWindow,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    server: ServerThread,
    image_path: Path,
) -> None:
    log_file = setup_logging(logging.DEBUG, directory=tmp_path / "logs")
    assert log_file is not None
    dialog = dialog_for(qtbot, window)
    select(dialog, "OpenAI")
    assert "system keyring" in dialog.form.key_where.text()
    type_into(qtbot, dialog.form.key, KEY)
    add_server_profile(qtbot, dialog, "Studio server", server.base_url)
    type_into(qtbot, dialog.form.key, KEY)
    assert dialog.apply(), dialog.error.text()
    assert memory_keyring.entries[("inpaint-editor", "openai")] == KEY
    assert window.app_settings.keys.get("studio-server").reveal() == KEY  # type: ignore[union-attr]
    assert "saved in the system keyring" in dialog.form.key_where.text()
    assert dialog.form.key.text() == ""  # never shown again

    # The key really goes out with a Test Connection, and the answer comes back.
    task = dialog.test_connection()
    assert task is not None and dialog.test_result.text() == "Testing…"
    qtbot.waitUntil(task.done, timeout=10_000)
    assert task.result().startswith("✓ Connected") and "model" in task.result()

    # A whole round with the local engine, so the session folder has everything in it.
    open_image(qtbot, window, image_path)
    paint(qtbot, window, [(40, 40), (120, 90)])
    window.prompt_panel.set_profile("Local engine")
    window.prompt_panel.set_prompt("fill")
    generate(qtbot, window)
    window.settings.sync()
    window.close()
    app_logger = logging.getLogger("editor")
    for handler in list(app_logger.handlers):
        handler.flush()
        if str(tmp_path) in getattr(handler, "baseFilename", ""):
            app_logger.removeHandler(handler)  # later tests must not write into this tmp dir
            handler.close()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "settings.json" for p in written)
    assert any(p.name == "ui.ini" for p in written)
    assert any(p.suffix == ".png" and "rounds" in p.parts for p in written)
    assert log_file.stat().st_size > 0
    leaks = [p for p in written if KEY.encode() in p.read_bytes()]
    assert leaks == []


def test_profiles_round_trip_through_the_dialog_and_reach_the_picker(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    dialog = dialog_for(qtbot, window)
    select(dialog, "Local engine")
    assert not dialog.remove_button.isEnabled()
    add_server_profile(qtbot, dialog, "Team gateway", "https://gw.example.com/v1")
    form = dialog.form
    form.route.setCurrentIndex(1)
    form.body.setCurrentIndex(1)
    type_into(qtbot, form.model, "my-model")
    type_into(qtbot, form.size_edit, "1024x1024")
    type_into(qtbot, form.quality, "high")
    form.timeout.setValue(120)
    form.retries.setValue(4)
    form.headers.setPlainText("X-Team: design")
    type_into(qtbot, form.sizes, "1024x1024, 1536x1024")
    form.color_match.setChecked(True)
    form.strength.setValue(0.6)
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert not dialog.isVisible(), dialog.error.text()

    saved = SettingsStore(tmp_path / "config").profiles.get("team-gateway")
    assert (saved.name, saved.base_url, saved.route, saved.body) == (
        "Team gateway",
        "https://gw.example.com/v1",
        "edits",
        "json",
    )
    assert (saved.default_model, saved.default_size, saved.default_quality) == (
        "my-model",
        "1024x1024",
        "high",
    )
    assert (saved.timeout, saved.max_retries, dict(saved.extra_headers)) == (
        120.0,
        4,
        {"X-Team": "design"},
    )
    assert saved.sizes == ("1024x1024", "1536x1024")
    assert saved.color_match and saved.color_match_strength == pytest.approx(0.6)

    panel = window.prompt_panel
    panel.set_profile("Team gateway")
    assert panel.model() == "my-model"
    params = panel.params()
    assert params.color_match and params.profile_sizes == ((1024, 1024), (1536, 1024))
    assert "needs an API key" in panel.hint.text()

    # Reopened, the dialog shows what was saved; removing it works too.
    again = dialog_for(qtbot, window)
    select(again, "Team gateway")
    assert again.form.model.text() == "my-model" and again.form.body.currentText() == "JSON"
    qtbot.mouseClick(again.remove_button, Qt.MouseButton.LeftButton)
    assert again.apply()
    assert "team-gateway" not in SettingsStore(tmp_path / "config").profiles
    assert panel.profile_combo.findText("Team gateway") < 0


def test_test_connection_reports_a_closed_port_plainly(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring, closed_port: int
) -> None:
    dialog = dialog_for(qtbot, window)
    add_server_profile(qtbot, dialog, "Nobody home", f"http://127.0.0.1:{closed_port}/v1")
    assert not dialog.form.insecure.isVisible()  # loopback: no warning
    task = dialog.test_connection()
    assert task is not None
    assert dialog.isVisible() and not dialog.test_button.isEnabled()  # the window keeps going
    qtbot.waitUntil(task.done, timeout=15_000)
    text = task.result()
    assert text.startswith("✗") and "Traceback" not in text and "{" not in text
    assert dialog.test_button.isEnabled()


def test_an_http_address_elsewhere_warns_before_the_key_is_sent(
    qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring
) -> None:
    dialog = dialog_for(qtbot, window)
    add_server_profile(qtbot, dialog, "Plain", "http://192.0.2.10/v1")
    assert dialog.form.insecure.isVisible() and "unencrypted" in dialog.form.insecure.text()
    type_into(qtbot, dialog.form.key, KEY)
    assert dialog.test_connection() is None  # first press: the warning only
    assert "unencrypted" in dialog.test_result.text()


def test_without_a_keyring_the_key_is_saved_only_after_consent(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = dialog_for(qtbot, window)
        assert dialog.consent.isVisible() and not dialog.consent.isChecked()
        select(dialog, "OpenAI")
        assert "No system keyring" in dialog.form.key_where.text()
        type_into(qtbot, dialog.form.key, KEY)
        assert not dialog.apply()
        assert "Nothing was saved" in dialog.error.text()
        assert not (tmp_path / "config" / "keys.json").exists()
        dialog.consent.setChecked(True)
        type_into(qtbot, dialog.form.key, KEY)
        assert dialog.apply(), dialog.error.text()
        keys_file = tmp_path / "config" / "keys.json"
        assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
        assert window.app_settings.keys.get("openai").reveal() == KEY  # type: ignore[union-attr]
        assert KEY.encode() not in (tmp_path / "config" / "settings.json").read_bytes()
    finally:
        keyring.set_keyring(previous)


def test_ui_prefs_persist_in_qsettings(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtGui import QColor

    dialog = dialog_for(qtbot, window)
    dialog.tabs.setCurrentIndex(1)
    dialog.brush_spin.setValue(77)
    dialog.set_overlay_color(QColor("#00ff00"))
    dialog.theme_combo.setCurrentIndex(2)
    assert dialog.apply()
    assert window.canvas.brush_size == 77
    assert window.settings.value("ui/overlay_color") == "#00ff00"
    assert window.settings.value("ui/theme") == "dark"
    assert int(window.settings.value("ui/brush_size")) == 77  # type: ignore[arg-type]
