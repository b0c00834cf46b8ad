"""A profile's default size and quality are what the panel starts with for it."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from editor.store import SettingsStore
from editor.store.profiles import Profile as StoredProfile
from editor.ui.common.services import profiles_from_store
from editor.ui.prompt.prompt_panel import PromptPanel


def test_switching_service_applies_its_default_size_and_quality(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = SettingsStore(tmp_path)
    store.profiles.add(
        StoredProfile(
            id="gateway",
            name="Gateway",
            base_url="https://gateway.invalid/v1",
            default_model="gpt-image-1",
            default_size="1536x1024",
            default_quality="high",
        )
    )
    panel = PromptPanel(profiles_from_store(store))
    qtbot.addWidget(panel)
    panel.set_profile("Gateway")
    assert panel.size_combo.currentText() == "1536x1024"
    assert panel.quality_combo.currentData() == "high"
    panel.set_prompt("a red scarf")
    params = panel.params()
    assert (params.api.model, params.api.size, params.api.quality) == (
        "gpt-image-1",
        "1536x1024",
        "high",
    )
    # The local engine has no such choices: its own defaults come back.
    panel.set_profile("Local engine")
    assert panel.size_combo.currentText() == "auto" and panel.quality_combo.currentData() == ""
