"""Settings: persisted as JSON, change signals, profiles and their secret headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from editor.client import ApiKey
from editor.store import (
    OPENAI_PROFILE_ID,
    KeyringUnavailable,
    Profile,
    SettingsStore,
)
from tests.keyring_backend import MemoryKeyring


def studio(**changes: object) -> Profile:
    values: dict[str, object] = {
        "id": "studio",
        "name": "Studio",
        "base_url": "https://studio.example/v1",
        "extra_headers": {"X-Team": "design", "Authorization": "Bearer team-token-1"},
    }
    values.update(changes)
    return Profile(**values)  # type: ignore[arg-type]


def test_settings_persist_and_signal(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")
    budget: list[tuple[int, int]] = []
    any_change: list[None] = []
    store.settings.events.storage_budget_bytes.connect(lambda new, old: budget.append((new, old)))
    store.changed.connect(lambda: any_change.append(None))
    old = store.settings.storage_budget_bytes
    store.settings.storage_budget_bytes = 123_456
    store.settings.storage_budget_bytes = 123_456  # unchanged: no signal
    store.settings.recent_files = ("/a.png", "/b.jpg")
    store.settings.active_profile = "studio"
    store.profiles.add(studio())
    assert budget == [(123_456, old)]
    assert len(any_change) == 4
    store.save()

    again = SettingsStore(tmp_path / "config")
    assert again.load_problem is None
    assert again.settings == store.settings
    assert again.profiles.get("studio") == studio()  # the secret header came from the keyring
    assert again.active_profile.id == "studio"
    saved = json.loads(again.path.read_text())
    assert "team-token-1" not in json.dumps(saved)
    assert memory_keyring.entries[("inpaint-editor", "studio/header/authorization")] == (
        "Bearer team-token-1"
    )


def test_a_secret_header_without_a_keyring_is_not_written(no_keyring: None, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")
    store.profiles.add(studio())
    with pytest.raises(KeyringUnavailable):
        store.save()
    assert not store.path.exists()
    store.profiles.update(studio(extra_headers={"X-Team": "design"}))
    store.save()  # nothing secret left: fine without a keyring
    assert SettingsStore(tmp_path / "config").profiles.get("studio").extra_headers == {
        "X-Team": "design"
    }


def test_a_damaged_settings_file_falls_back_to_defaults(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text("{ not json")
    store = SettingsStore(config)
    assert store.load_problem and "could not be read" in store.load_problem
    assert (config / "settings.json.bad").exists()
    assert [p.id for p in store.profiles] == ["local", "openai"]


def test_bad_values_are_skipped_not_fatal(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    doc = {"schema": 1, "settings": {"storage_budget_bytes": "lots", "composite": False}}
    (config / "settings.json").write_text(json.dumps(doc))
    store = SettingsStore(config)
    assert store.settings.composite is False
    assert store.settings.storage_budget_bytes == type(store.settings)().storage_budget_bytes


def test_endpoint_for_uses_the_keyring_then_the_environment(
    memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SettingsStore(tmp_path / "config")
    openai = store.profiles.get(OPENAI_PROFILE_ID)
    assert store.endpoint_for(openai).api_key is None
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert store.endpoint_for(openai).api_key == ApiKey("sk-env")
    store.keys.set(OPENAI_PROFILE_ID, "sk-stored")
    assert store.endpoint_for(openai).api_key == ApiKey("sk-stored")
    store.profiles.add(studio(extra_headers={}))
    assert store.api_key_for(store.profiles.get("studio")) is None  # no env for other services


def test_a_profile_s_own_variable_supplies_its_key_and_stays_out_of_the_file(
    memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SettingsStore(tmp_path / "config")
    store.profiles.add(studio(extra_headers={}, key_env="TEAM_GATEWAY_KEY"))
    team = store.profiles.get("studio")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-not-for-the-team")
    assert store.endpoint_for(team).api_key is None
    monkeypatch.setenv("TEAM_GATEWAY_KEY", "sk-team-gateway-9")
    assert store.endpoint_for(team).api_key == ApiKey("sk-team-gateway-9")
    store.save()
    saved = store.path.read_text(encoding="utf-8")
    assert "TEAM_GATEWAY_KEY" in saved and "sk-team-gateway-9" not in saved
    assert memory_keyring.entries == {}
    assert SettingsStore(tmp_path / "config").profiles.get("studio").key_env == "TEAM_GATEWAY_KEY"
