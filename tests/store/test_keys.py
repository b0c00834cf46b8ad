"""API keys: the keyring when there is one; env or a private file only as the brief allows."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import pytest

from editor.client import ApiKey
from editor.store import KeyringUnavailable, KeySource, KeyStore
from tests.keyring_backend import MemoryKeyring


def test_the_keyring_stores_and_reads_a_key(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "config")
    assert keys.keyring_available()
    assert keys.set("openai", ApiKey("sk-abc")) is KeySource.KEYRING
    assert memory_keyring.entries == {("inpaint-editor", "openai"): "sk-abc"}
    assert keys.get("openai") == ApiKey("sk-abc")
    assert keys.source("openai") is KeySource.KEYRING
    assert "MemoryKeyring" in keys.backend_description()
    keys.delete("openai")
    assert keys.get("openai") is None
    keys.delete("openai")  # deleting twice is fine
    assert not (tmp_path / "config").exists()  # nothing written beside the keyring


def test_without_a_keyring_set_refuses_plainly(no_keyring: None, tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "config")
    assert not keys.keyring_available()
    with pytest.raises(KeyringUnavailable) as info:
        keys.set("openai", "sk-abc")
    message = str(info.value)
    assert "no system keyring is available" in message
    assert "OPENAI_API_KEY" in message and "file only you can read" in message
    assert "sk-abc" not in message
    assert not (tmp_path / "config").exists()  # never silently to plain text
    assert "No system keyring" in keys.backend_description()


def test_without_a_keyring_openai_profiles_use_the_environment(
    no_keyring: None, tmp_path: Path
) -> None:
    keys = KeyStore(tmp_path / "config", environ={"OPENAI_API_KEY": " sk-env "})
    assert keys.get("openai", env_fallback=True) == ApiKey("sk-env")
    assert keys.source("openai", env_fallback=True) is KeySource.ENVIRONMENT
    assert keys.get("my-server") is None  # other services don't get OpenAI's key


def test_the_private_file_only_after_consent(no_keyring: None, tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "config")
    assert keys.set("my-server", "sk-file", allow_file_fallback=True) is KeySource.FILE
    mode = stat.S_IMODE(keys.file_path.stat().st_mode)
    assert mode == 0o600
    assert keys.get("my-server") == ApiKey("sk-file")
    assert keys.source("my-server") is KeySource.FILE
    assert "file only you can read" in keys.backend_description()
    keys.delete("my-server")
    assert not keys.file_path.exists()


def test_a_keyring_appearing_later_takes_the_key_out_of_the_file(
    tmp_path: Path,
) -> None:
    previous = keyring.get_keyring()
    try:
        from keyring.backends import fail

        keyring.set_keyring(fail.Keyring())
        keys = KeyStore(tmp_path / "config")
        keys.set("p", "sk-1", allow_file_fallback=True)
        memory = MemoryKeyring()
        keyring.set_keyring(memory)
        keys.set("p", "sk-2")
        assert memory.entries[("inpaint-editor", "p")] == "sk-2"
        assert not keys.file_path.exists()
    finally:
        keyring.set_keyring(previous)


class PlainTextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plain-text backends, which must never count."""


PlainTextKeyring.__module__ = "keyrings.alt.file"


def test_plain_text_keyrings_do_not_count(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(PlainTextKeyring())
    try:
        keys = KeyStore(tmp_path / "config")
        assert not keys.keyring_available()
        with pytest.raises(KeyringUnavailable):
            keys.set("openai", "sk-abc")
    finally:
        keyring.set_keyring(previous)


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


def test_a_keyring_that_refuses_is_reported(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        keys = KeyStore(tmp_path / "config")
        with pytest.raises(KeyringUnavailable, match="refused it"):
            keys.set("openai", "sk-abc")
        assert keys.set("openai", "sk-abc", allow_file_fallback=True) is KeySource.FILE
    finally:
        keyring.set_keyring(previous)


def test_a_profile_s_own_variable_is_read_at_use_and_never_written(
    no_keyring: None, tmp_path: Path
) -> None:
    environ = {"TEAM_GATEWAY_KEY": " sk-team-own ", "OPENAI_API_KEY": "sk-openai-env"}
    keys = KeyStore(tmp_path / "config", environ=environ)
    assert keys.get("team", env_var="TEAM_GATEWAY_KEY") == ApiKey("sk-team-own")
    assert keys.source("team", env_var="TEAM_GATEWAY_KEY") is KeySource.ENVIRONMENT
    assert keys.get("team") is None  # OPENAI_API_KEY is not the team's key
    environ["TEAM_GATEWAY_KEY"] = "sk-team-rotated"  # read when used, not remembered
    assert keys.get("team", env_var="TEAM_GATEWAY_KEY") == ApiKey("sk-team-rotated")
    del environ["TEAM_GATEWAY_KEY"]
    assert keys.get("team", env_var="TEAM_GATEWAY_KEY") is None
    assert not (tmp_path / "config").exists()
